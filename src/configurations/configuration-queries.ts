/**
 * Reads and writes of channel configurations for the Slack surfaces (slash command, App Home,
 * modals): one query per function, returning domain shapes rather than Prisma rows.
 */
import type { DbClient } from "../db/database";
import type { ConfigurationKind, ConfigurationState } from "./configuration-store";
import type { ManagedBy } from "./file-managed";

export interface ConfiguredTopic {
  topicArn: string;
  region: string;
  /** "pending" | "confirmed" | "unsubscribed" | "failed" (the deployment's SNS subscription). */
  status: string;
  statusReason: string | null;
}

export interface ChannelConfigurationView {
  id: string;
  kind: ConfigurationKind;
  name: string;
  teamId: string;
  enterpriseId: string | null;
  channelId: string | null;
  channelName: string | null;
  /** null until known (configurations from before migration 0002). */
  channelPrivate: boolean | null;
  iamRoleArn: string | null;
  externalId: string | null;
  filters: string | null;
  /** "file" when applied from a configuration file (`npx chatbot apply`); see file-managed.ts. */
  managedBy: ManagedBy;
  allowSlackChanges: boolean;
  state: ConfigurationState;
  stateReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  topics: ConfiguredTopic[];
}

const withTopics = {
  topics: {
    orderBy: { createdAt: "asc" as const },
    select: {
      topicArn: true,
      topic: { select: { region: true, status: true, statusReason: true } },
    },
  },
};

/** A row as the queries select it: the view's fields, kind and state as the database's text. */
type RowWithTopics = Omit<ChannelConfigurationView, "kind" | "state" | "topics" | "managedBy"> & {
  kind: string;
  managedBy: string;
  state: string;
  topics: { topicArn: string; topic: { region: string; status: string; statusReason: string | null } }[];
};

function toView(row: RowWithTopics): ChannelConfigurationView {
  return {
    id: row.id,
    kind: row.kind as ConfigurationKind,
    name: row.name,
    teamId: row.teamId,
    enterpriseId: row.enterpriseId,
    channelId: row.channelId,
    channelName: row.channelName,
    channelPrivate: row.channelPrivate,
    iamRoleArn: row.iamRoleArn,
    externalId: row.externalId,
    filters: row.filters,
    managedBy: row.managedBy as ManagedBy,
    allowSlackChanges: row.allowSlackChanges,
    state: row.state as ConfigurationState,
    stateReason: row.stateReason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    topics: topicStatesOf(row.topics),
  };
}

/** A configuration's topics with their subscription state, from the `topics: {include: {topic}}` rows. */
export function topicStatesOf(
  rows: { topicArn: string; topic: { region: string; status: string; statusReason: string | null } }[],
) {
  return rows.map((t) => ({
    topicArn: t.topicArn,
    region: t.topic.region,
    status: t.topic.status,
    statusReason: t.topic.statusReason,
  }));
}

/** The Slack configuration of a channel (the oldest, should there be several). */
export async function findChannelConfiguration(
  prisma: DbClient,
  teamId: string,
  channelId: string,
): Promise<ChannelConfigurationView | null> {
  const row = await prisma.channelConfiguration.findFirst({
    where: { teamId, channelId, kind: "slack" },
    orderBy: { createdAt: "asc" },
    include: withTopics,
  });
  return row === null ? null : toView(row);
}

/** A configuration of the workspace by id; null when it does not exist or belongs to another team. */
export async function findWorkspaceConfiguration(
  prisma: DbClient,
  teamId: string,
  id: string,
): Promise<ChannelConfigurationView | null> {
  const row = await prisma.channelConfiguration.findFirst({ where: { id, teamId }, include: withTopics });
  return row === null ? null : toView(row);
}

export interface ConfigurationSummary {
  id: string;
  name: string;
  channelId: string | null;
  channelName: string | null;
  channelPrivate: boolean | null;
  iamRoleArn: string | null;
  state: ConfigurationState;
  stateReason: string | null;
  /** The stored filter (filters.ts), null for none. */
  filters: string | null;
  managedBy: ManagedBy;
  allowSlackChanges: boolean;
  topicCount: number;
  /** Whom it mentions and what is muted (issue 13), when either is set. */
  noise?: { mentions: string; mutes: string };
}

/** Which configurations a list shows: all, or (for people who are not managers) public channels' only. */
export type ConfigurationScope = "all" | "public";

function scopeWhere(teamId: string, scope: ConfigurationScope) {
  return { teamId, kind: "slack", ...(scope === "public" ? { channelPrivate: false } : {}) };
}

/** One page of the workspace's Slack configurations, by name. */
export async function listWorkspaceConfigurations(
  prisma: DbClient,
  teamId: string,
  page: { skip: number; take: number },
  scope: ConfigurationScope = "all",
): Promise<ConfigurationSummary[]> {
  const rows = await prisma.channelConfiguration.findMany({
    where: scopeWhere(teamId, scope),
    orderBy: [{ name: "asc" }, { id: "asc" }],
    skip: page.skip,
    take: page.take,
    select: {
      id: true,
      name: true,
      channelId: true,
      channelName: true,
      channelPrivate: true,
      iamRoleArn: true,
      state: true,
      stateReason: true,
      filters: true,
      managedBy: true,
      allowSlackChanges: true,
      _count: { select: { topics: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    channelId: row.channelId,
    channelName: row.channelName,
    channelPrivate: row.channelPrivate,
    iamRoleArn: row.iamRoleArn,
    state: row.state as ConfigurationState,
    stateReason: row.stateReason,
    filters: row.filters,
    managedBy: row.managedBy as ManagedBy,
    allowSlackChanges: row.allowSlackChanges,
    topicCount: row._count.topics,
  }));
}

/** Every configuration of the workspace, Slack channels and webhooks alike. */
export async function countWorkspaceConfigurations(prisma: DbClient, teamId: string): Promise<number> {
  return prisma.channelConfiguration.count({ where: { teamId } });
}

export async function countSlackConfigurations(
  prisma: DbClient,
  teamId: string,
  scope: ConfigurationScope = "all",
): Promise<number> {
  return prisma.channelConfiguration.count({ where: scopeWhere(teamId, scope) });
}

/** Slack configurations whose channel's privacy is unknown (from before migration 0002). */
export async function findUnknownPrivacy(
  prisma: DbClient,
  teamId: string,
  take: number,
): Promise<{ id: string; channelId: string }[]> {
  const rows = await prisma.channelConfiguration.findMany({
    where: { teamId, kind: "slack", channelPrivate: null, channelId: { not: null } },
    select: { id: true, channelId: true },
    take,
  });
  return rows.flatMap((row) => (row.channelId === null ? [] : [{ id: row.id, channelId: row.channelId }]));
}

export async function configurationNames(prisma: DbClient, teamId: string): Promise<string[]> {
  const rows = await prisma.channelConfiguration.findMany({ where: { teamId }, select: { name: true } });
  return rows.map((row) => row.name);
}

export interface ConfigurationPatch {
  name?: string;
  channelId?: string;
  channelName?: string | null;
  channelPrivate?: boolean | null;
  iamRoleArn?: string | null;
  externalId?: string | null;
  state?: ConfigurationState;
  stateReason?: string | null;
  managedBy?: ManagedBy;
  allowSlackChanges?: boolean;
}

export async function updateConfiguration(
  prisma: DbClient,
  id: string,
  patch: ConfigurationPatch,
): Promise<void> {
  await prisma.channelConfiguration.update({ where: { id }, data: patch });
}

/** Deletes a configuration (its topics, deliveries and threads go with it); returns its topic ARNs. */
export async function deleteConfiguration(prisma: DbClient, id: string): Promise<string[]> {
  const topics = await prisma.configurationTopic.findMany({
    where: { configurationId: id },
    select: { topicArn: true },
  });
  await prisma.channelConfiguration.deleteMany({ where: { id } });
  return topics.map((topic) => topic.topicArn);
}

/** Slack configurations of a channel that are not active (waiting for the bot, or disabled). */
export async function findInactiveInChannel(
  prisma: DbClient,
  teamId: string,
  channelId: string,
): Promise<ChannelConfigurationView[]> {
  const rows = await prisma.channelConfiguration.findMany({
    where: { teamId, channelId, kind: "slack", state: { in: ["awaiting_invite", "disabled"] } },
    orderBy: { createdAt: "asc" },
    include: withTopics,
  });
  return rows.map(toView);
}
