/**
 * Adding topics to and removing them from a configuration, with the deployment's SNS subscription
 * kept in step: ensureSubscribed after adding (one subscription per topic for the whole deployment),
 * release after removing (unsubscribes once no configuration wants the topic).
 */
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import type { TopicArn } from "../sns/topic-arn";
import { addTopicToConfiguration, removeTopicFromConfiguration } from "./configuration-store";

export type TopicStatus = "pending" | "confirmed" | "unsubscribed" | "failed";

/** What the SNS side of the app offers (SubscriptionService), without depending on it. */
export interface TopicSubscriber {
  /** Subscribes unless confirmed; failures come back as status "failed" with a reason. */
  ensureSubscribed(topicArn: string): Promise<{ status: TopicStatus; statusReason: string | null }>;
  /** Unsubscribes once no configuration wants the topic; throws when SNS refused. */
  release(topicArn: string): Promise<void>;
}

export interface TopicOutcome {
  topicArn: string;
  region: string;
  status: TopicStatus;
  statusReason: string | null;
  /** The configuration already had this topic before. */
  alreadyConfigured: boolean;
}

export interface ReleaseFailure {
  topicArn: string;
  reason: string;
}

export async function addTopics(
  prisma: PrismaClient,
  subscriptions: TopicSubscriber,
  configurationId: string,
  topics: readonly TopicArn[],
  existing: ReadonlySet<string>,
): Promise<TopicOutcome[]> {
  for (const topic of topics) {
    await addTopicToConfiguration(prisma, configurationId, { topicArn: topic.arn, region: topic.region });
  }
  // Subscribe calls go to each topic's own region; they may take seconds, so run them together.
  return Promise.all(
    topics.map(async (topic): Promise<TopicOutcome> => {
      const state = await subscriptions.ensureSubscribed(topic.arn);
      return {
        topicArn: topic.arn,
        region: topic.region,
        status: state.status,
        statusReason: state.statusReason,
        alreadyConfigured: existing.has(topic.arn),
      };
    }),
  );
}

/** Releases topics the configuration no longer wants; SNS refusals are reported, not thrown. */
export async function releaseTopics(
  subscriptions: Pick<TopicSubscriber, "release">,
  topicArns: readonly string[],
  logger: Logger,
): Promise<ReleaseFailure[]> {
  const failures: ReleaseFailure[] = [];
  for (const topicArn of topicArns) {
    try {
      await subscriptions.release(topicArn);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.warn({ topicArn, reason }, "releasing an SNS subscription failed");
      failures.push({ topicArn, reason });
    }
  }
  return failures;
}

export async function removeTopics(
  prisma: PrismaClient,
  subscriptions: TopicSubscriber,
  configurationId: string,
  topicArns: readonly string[],
  logger: Logger,
): Promise<ReleaseFailure[]> {
  for (const topicArn of topicArns) await removeTopicFromConfiguration(prisma, configurationId, topicArn);
  return releaseTopics(subscriptions, topicArns, logger);
}

/** "aws", "aws-cn" or "aws-us-gov" for a region code. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}
