/**
 * Attaches CloudWatch charts to posted alarm notifications, as AWS Chatbot does: when a Slack
 * delivery of an alarm has been posted and its configuration has an IAM role, draw the chart with
 * that role and upload it into the alarm's thread. Runs beside the delivery, never in its way: the
 * message is already posted, and any failure (no role, AccessDenied, timeout, Slack error) is
 * logged with its reason and leaves the message without a chart.
 */
import { WebClient } from "@slack/web-api";
import type { PrismaClient } from "../db/database";
import type { PostedNotification } from "../delivery/delivery-types";
import { boltLoggerFrom, type Logger } from "../logger";
import type { WorkspaceTokens } from "../slack/workspace-tokens";
import type { ChartService } from "./chart-service";
import { uploadChart } from "./upload-chart";

export interface AlarmChartPosterDeps {
  prisma: PrismaClient;
  charts: Pick<ChartService, "chartForNotification">;
  tokens: WorkspaceTokens;
  slackApiUrl: string;
  logger: Logger;
}

export class AlarmChartPoster {
  readonly #inFlight = new Set<Promise<void>>();
  readonly #logger: Logger;

  constructor(private readonly deps: AlarmChartPosterDeps) {
    this.#logger = deps.logger.child({ component: "alarm-charts" });
  }

  /** The delivery's onPosted listener: starts the chart and returns at once. */
  readonly onPosted = (posted: PostedNotification): void => {
    if (posted.notification.chart === undefined) return;
    const work = this.#attach(posted).finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  };

  /** Waits for the charts being drawn (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #attach(posted: PostedNotification): Promise<void> {
    const log = this.#logger.child({ configurationId: posted.configurationId, channelId: posted.channelId });
    try {
      const configuration = await this.deps.prisma.channelConfiguration.findUnique({
        where: { id: posted.configurationId },
        select: { iamRoleArn: true, externalId: true },
      });
      const role = configuration?.iamRoleArn
        ? {
            roleArn: configuration.iamRoleArn,
            externalId: configuration.externalId,
            configurationId: posted.configurationId,
          }
        : undefined;
      const chart = await this.deps.charts.chartForNotification(posted.notification, role);
      if (!chart.ok) {
        log.info({ reason: chart.reason, detail: chart.message }, "alarm posted without a chart");
        return;
      }
      const token = await this.deps.tokens.botTokenFor(posted.workspace);
      const client = new WebClient(token, {
        slackApiUrl: this.deps.slackApiUrl,
        retryConfig: { retries: 1 },
        rejectRateLimitedCalls: true,
        timeout: 10_000,
        logger: boltLoggerFrom(log),
      });
      await uploadChart(client, {
        channelId: posted.channelId,
        threadTs: posted.threadTs ?? posted.ts,
        png: chart.png,
        alarmName: chart.alarmName,
      });
      log.info({ alarm: chart.alarmName }, "alarm chart uploaded");
    } catch (error) {
      log.warn({ err: error }, "alarm chart could not be uploaded; the message stays without it");
    }
  }
}
