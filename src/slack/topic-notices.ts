/**
 * Tells the Slack channels of a topic what happened to its SNS subscription when it needs their
 * attention (the SubscriptionService's TopicEventListener). Best effort, posted directly: a notice
 * that fails is logged; it never blocks SNS's confirmation.
 */
import { WebClient } from "@slack/web-api";
import type { PrismaClient } from "../db/database";
import { boltLoggerFrom, type Logger } from "../logger";
import type { TopicEventListener } from "../sns/subscriptions";
import type { WorkspaceTokens } from "./workspace-tokens";

export interface TopicNoticesDeps {
  prisma: PrismaClient;
  tokens: WorkspaceTokens;
  slackApiUrl: string;
  logger: Logger;
}

export class TopicNotices implements TopicEventListener {
  readonly #logger: Logger;

  constructor(private readonly deps: TopicNoticesDeps) {
    this.#logger = deps.logger.child({ component: "topic-notices" });
  }

  async rawDeliveryDisabled(topicArn: string): Promise<void> {
    await this.#tell(
      topicArn,
      `:warning: The SNS subscription of \`${topicArn}\` had *raw message delivery* turned on, which strips ` +
        "the signature every message needs. I turned it off; if notifications of this topic went missing, " +
        "that was why.",
    );
  }

  async #tell(topicArn: string, text: string): Promise<void> {
    const configurations = await this.deps.prisma.channelConfiguration.findMany({
      where: { kind: "slack", state: "active", topics: { some: { topicArn } } },
      select: { id: true, teamId: true, enterpriseId: true, channelId: true },
    });
    for (const configuration of configurations) {
      if (!configuration.channelId) continue;
      try {
        const token = await this.deps.tokens.botTokenFor(configuration);
        const client = new WebClient(token, {
          slackApiUrl: this.deps.slackApiUrl,
          retryConfig: { retries: 2 },
          timeout: 10_000,
          logger: boltLoggerFrom(this.#logger),
        });
        await client.chat.postMessage({ channel: configuration.channelId, text });
      } catch (error) {
        this.#logger.warn(
          { err: error, configurationId: configuration.id, topicArn },
          "topic notice not posted",
        );
      }
    }
  }
}
