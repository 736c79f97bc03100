/**
 * One claimed delivery, start to finish: the checks every target shares (already posted? the
 * configuration still active? its workspace usable?), rendering, then the target of its kind —
 * a Slack channel (slack-delivery.ts) or an incoming webhook (targets/webhook.ts). Never throws
 * for Slack or webhook failures: every path ends in an Outcome the worker acts on.
 */
import type { PrismaClient } from "../db/database";
import { ErrorCode, isChatbotError } from "../errors";
import type { Logger } from "../logger";
import type { Notification } from "../notifications";
import { markPosted } from "../outbox/complete";
import type { CompletionWriter } from "../outbox/completions";
import { holdConfigurationDeliveries } from "../outbox/hold";
import type { LoadedDelivery } from "../outbox/leases";
import type { DeliveryMetrics } from "./delivery-metrics";
import type { Outcome } from "./delivery-types";
import type { FailureRecorder } from "./failure-recorder";
import { notificationOf } from "./message-render";
import { type MuteSource, mutedDelivery } from "./mute-check";
import type { SlackDelivery } from "./slack-delivery";
import type { WebhookDeliveryTarget } from "./targets/webhook";
import type { WorkspaceStatus } from "./workspace-status";

export interface DeliveryProcessorDeps {
  prisma: PrismaClient;
  completions: Pick<CompletionWriter, "write">;
  slack: Pick<SlackDelivery, "deliver">;
  /** Absent: webhook configurations are not claimed (see DeliveryService). */
  webhooks?: Pick<WebhookDeliveryTarget, "post">;
  failures: FailureRecorder;
  workspaces: Pick<WorkspaceStatus, "disabledReason">;
  metrics: DeliveryMetrics;
  logger: Logger;
  /** Active mutes (issue 13), from memory; nothing is muted without it. */
  noise?: MuteSource;
}

export class DeliveryProcessor {
  constructor(private readonly deps: DeliveryProcessorDeps) {}

  /** Configuration kinds this processor can deliver to. */
  get kinds(): string[] {
    return this.deps.webhooks === undefined ? ["slack"] : ["slack", "webhook"];
  }

  async process(delivery: LoadedDelivery, signal: AbortSignal): Promise<Outcome> {
    const outcome = await this.#process(delivery, signal);
    this.deps.metrics.outcome(delivery.configuration.kind, outcome);
    return outcome;
  }

  async #process(delivery: LoadedDelivery, signal: AbortSignal): Promise<Outcome> {
    const { configuration } = delivery;
    const log = this.deps.logger.child({ deliveryId: delivery.id, configurationId: configuration.id });
    const { prisma, failures } = this.deps;
    const target = configuration.kind;
    // Already in Slack (a replay raced a post): record it, never post it twice.
    if (delivery.postedTs !== null) {
      await markPosted(prisma, delivery.id, delivery.postedTs, delivery.attempts);
      return "posted";
    }
    if (configuration.state !== "active") {
      await holdConfigurationDeliveries(prisma, configuration.id);
      return "held";
    }
    let notification: Notification;
    try {
      notification = notificationOf(delivery.message);
    } catch (error) {
      // The formatters never throw by contract; should one, the message stays visible as a dead letter.
      log.error({ err: error }, "rendering failed");
      return failures.dead(delivery, delivery.attempts, `render failed: ${String(error)}`, target, log);
    }
    if (await mutedDelivery(this.deps.noise, prisma, delivery, notification, log)) return "muted";

    if (target === "webhook" && this.deps.webhooks !== undefined) {
      return this.#webhook(this.deps.webhooks, delivery, notification, signal, log);
    }
    if (target !== "slack" || configuration.channelId === null) {
      return failures.dead(
        delivery,
        delivery.attempts,
        `no target for a ${target} configuration`,
        target,
        log,
      );
    }
    const disabled = this.deps.workspaces.disabledReason({
      teamId: configuration.teamId,
      enterpriseId: configuration.enterpriseId,
    });
    if (disabled !== undefined) {
      await failures.holdForWorkspace(delivery, delivery.attempts, disabled);
      return "held";
    }
    return this.deps.slack.deliver(delivery, configuration.channelId, notification, signal, log);
  }

  async #webhook(
    webhooks: Pick<WebhookDeliveryTarget, "post">,
    delivery: LoadedDelivery,
    notification: Notification,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Outcome> {
    const attempts = delivery.attempts + 1;
    let result: Awaited<ReturnType<WebhookDeliveryTarget["post"]>>;
    try {
      result = await webhooks.post(delivery.configurationId, notification, signal);
    } catch (error) {
      if (isChatbotError(error, ErrorCode.DeliveryAborted)) return "released";
      throw error;
    }
    if (!result.posted) return this.deps.failures.record(delivery, attempts, result.failure, "webhook", log);
    // A webhook answers no id; the marker keeps "never posted twice" true for replays too.
    const postedTs = `webhook:${new Date().toISOString()}`;
    await this.deps.completions.write({ posted: { id: delivery.id, postedTs, attempts } });
    const latencyMs = Date.now() - delivery.createdAt.getTime();
    this.deps.metrics.delivered("webhook", "message", latencyMs);
    log.info({ messageId: delivery.message.snsMessageId, latencyMs }, "notification delivered");
    return "posted";
  }
}
