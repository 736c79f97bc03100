/**
 * Queries on channel configurations and the topics they want: one query per function, no Slack
 * or HTTP knowledge. The slash command, App Home and CLI build on these.
 */
import { randomUUID } from "node:crypto";
import type { DbClient } from "../db/database";
import type { ManagedBy } from "./file-managed";

export type ConfigurationKind = "slack" | "webhook";
export type ConfigurationState = "active" | "awaiting_invite" | "disabled";

/**
 * The reason of a configuration disabled because its channel is archived (Slack's `is_archived`).
 * Ingest matches it to keep storing, held, what SNS sends meanwhile; channel_unarchive (or an invite)
 * releases them. Stored in rows: changing the text needs a data migration.
 */
export const ARCHIVED_CHANNEL_REASON =
  "the channel is archived (is_archived); unarchive it and invite the bot again";

export interface NewSlackConfiguration {
  teamId: string;
  enterpriseId?: string;
  channelId: string;
  channelName?: string;
  /** Whether the channel is private (a channel the bot cannot see counts as private). */
  channelPrivate?: boolean;
  name: string;
  iamRoleArn?: string;
  externalId?: string;
  state?: ConfigurationState;
  stateReason?: string;
  createdBy?: string;
  managedBy?: ManagedBy;
  allowSlackChanges?: boolean;
}

export async function createSlackConfiguration(prisma: DbClient, input: NewSlackConfiguration) {
  return prisma.channelConfiguration.create({
    data: {
      id: randomUUID(),
      kind: "slack",
      name: input.name,
      teamId: input.teamId,
      enterpriseId: input.enterpriseId ?? null,
      channelId: input.channelId,
      channelName: input.channelName ?? null,
      channelPrivate: input.channelPrivate ?? null,
      iamRoleArn: input.iamRoleArn ?? null,
      externalId: input.externalId ?? null,
      state: input.state ?? "active",
      stateReason: input.stateReason ?? null,
      createdBy: input.createdBy ?? null,
      managedBy: input.managedBy ?? "slack",
      allowSlackChanges: input.allowSlackChanges ?? false,
    },
  });
}

/**
 * Records that a configuration wants a topic; creates the topic's subscription row (pending) if new.
 * Given an open transaction (`npx chatbot apply`), it writes in that transaction.
 */
export async function addTopicToConfiguration(
  prisma: DbClient,
  configurationId: string,
  topic: { topicArn: string; region: string },
): Promise<void> {
  const writes = (db: DbClient) => [
    db.topicSubscription.upsert({
      where: { topicArn: topic.topicArn },
      create: { topicArn: topic.topicArn, region: topic.region },
      update: {},
    }),
    db.configurationTopic.upsert({
      where: { configurationId_topicArn: { configurationId, topicArn: topic.topicArn } },
      create: { configurationId, topicArn: topic.topicArn },
      update: {},
    }),
  ];
  if ("$transaction" in prisma) await prisma.$transaction(writes(prisma));
  else for (const write of writes(prisma)) await write;
}

export async function removeTopicFromConfiguration(
  prisma: DbClient,
  configurationId: string,
  topicArn: string,
): Promise<void> {
  await prisma.configurationTopic.deleteMany({ where: { configurationId, topicArn } });
}

export async function countConfigurationsWantingTopic(prisma: DbClient, topicArn: string): Promise<number> {
  return prisma.configurationTopic.count({ where: { topicArn } });
}

export interface DeliveryTarget {
  configurationId: string;
  topicArn: string;
  state: ConfigurationState;
}

/** Every configuration that wants any of these topics, with its state, for the ingest path. */
export async function findTargetsForTopics(prisma: DbClient, topicArns: string[]): Promise<DeliveryTarget[]> {
  const rows = await prisma.configurationTopic.findMany({
    where: { topicArn: { in: topicArns } },
    select: { configurationId: true, topicArn: true, configuration: { select: { state: true } } },
  });
  return rows.map((row) => ({
    configurationId: row.configurationId,
    topicArn: row.topicArn,
    state: row.configuration.state as ConfigurationState,
  }));
}
