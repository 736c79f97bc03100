/** The shapes the configuration service and editor share: dependencies, who acts, results. */
import type { PrismaClient } from "../db/database";
import type { DeliveryControl } from "../delivery/delivery-control";
import type { Logger } from "../logger";
import type { AuditRecord } from "./audit-log";
import type { ChannelConfigurationView, ConfigurationSummary } from "./configuration-queries";
import type { ExternalIds } from "./external-id";
import type { TopicAccess } from "./topic-access";
import type { ReleaseFailure, TopicOutcome, TopicSubscriber } from "./topic-changes";

export interface ConfigurationServiceDeps {
  prisma: PrismaClient;
  subscriptions: TopicSubscriber;
  delivery: DeliveryControl;
  externalIds: ExternalIds;
  logger: Logger;
  /** TOPIC_ACCESS: whether the workspace may subscribe a topic (checked before topics are written). */
  topicAccess: TopicAccess;
  /** ARN of the AWS principal this deployment runs as, for trust policies; unknown offline. */
  principalArn?: string;
}

/** Who acts, in which workspace. */
export interface Actor {
  teamId: string;
  enterpriseId?: string;
  userId: string;
}

/** The channel a slash command was typed in. */
export interface ChannelRef {
  id: string;
  /** The name Slack sent with the command, when it is a real name. */
  nameHint?: string;
}

export interface EnsuredConfiguration {
  configuration: ChannelConfigurationView;
  created: boolean;
  /** It waited for an invite and the bot turns out to be in the channel now. */
  activated: boolean;
}

export interface SubscribeResult extends EnsuredConfiguration {
  topics: TopicOutcome[];
}

export interface UnsubscribeResult {
  configuration: ChannelConfigurationView;
  removed: string[];
  notConfigured: string[];
  releaseFailures: ReleaseFailure[];
}

export interface DeleteResult {
  configuration: ChannelConfigurationView;
  releaseFailures: ReleaseFailure[];
}

export interface WorkspaceOverview {
  configurations: ConfigurationSummary[];
  total: number;
  page: number;
  pageCount: number;
  audit: AuditRecord[];
  /** Managers' view: per configuration id, the AWS accounts not linked to the workspace (TOPIC_ACCESS). */
  held?: Record<string, string[]>;
  /** Managers' view: the two ways to link an account, one line each. */
  howToLink?: string[];
}

export function channelLabel(
  configuration: Pick<ChannelConfigurationView, "channelId" | "channelName">,
): string {
  return `#${configuration.channelName ?? configuration.channelId ?? "?"}`;
}

/** "alerts (#alerts)" for audit lines. */
export function describe(
  configuration: Pick<ChannelConfigurationView, "name" | "channelId" | "channelName">,
): string {
  return `${configuration.name} (${channelLabel(configuration)})`;
}
