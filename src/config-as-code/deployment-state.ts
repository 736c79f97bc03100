/**
 * The deployment's configuration as the file describes it, read from the database: `export` writes
 * it, `apply` compares the file with it. One shape for both, in the file's order (sorted), so a file
 * exported and applied elsewhere exports the same again.
 */

import type { WantedMention } from "../configurations/channel-mentions";
import type { ManagedBy } from "../configurations/file-managed";
import { type ChannelFilter, isEmptyFilter, parseStoredFilter } from "../configurations/filters";
import { isMentionLevel, MENTION_LEVELS, type MentionLevel } from "../configurations/noise-grammar";
import { OPERATOR_TEAM_ID } from "../configurations/topic-access";
import type { DbClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import { webhookUrlContext } from "../webhooks/webhook-queries";

export interface ChannelState {
  id: string;
  /** Absent for no filter (or a stored one the filter module cannot read: it counts as none). */
  filters?: ChannelFilter;
  channel_id: string;
  channel_name?: string;
  name: string;
  iam_role?: string;
  topics: string[];
  /** Absent for none; most urgent level first, then by target (the file's order). */
  mentions?: WantedMention[];
  /** Absent for the default, managers. */
  mute_permission?: "members";
  managed_by: ManagedBy;
  allow_slack_changes: boolean;
}

export interface WebhookRoomState {
  id: string;
  filters?: ChannelFilter;
  name: string;
  description: string;
  provider: string;
  iam_role?: string;
  topics: string[];
  managed_by: ManagedBy;
  allow_slack_changes: boolean;
  /** The decrypted URL, to compare with the file's (never written out); null when it does not decrypt. */
  url: string | null;
}

export interface WorkspaceState {
  team_id: string;
  managers: string[];
  linked_accounts: string[];
  channels: ChannelState[];
  webhook_rooms: WebhookRoomState[];
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sorted = (values: Iterable<string>) => [...values].sort();

function workspace(states: Map<string, WorkspaceState>, teamId: string): WorkspaceState {
  let state = states.get(teamId);
  if (state === undefined) {
    state = { team_id: teamId, managers: [], linked_accounts: [], channels: [], webhook_rooms: [] };
    states.set(teamId, state);
  }
  return state;
}

function decrypt(secrets: SecretBox, id: string, ciphertext: string | null): string | null {
  if (ciphertext === null) return null;
  try {
    return secrets.decrypt(ciphertext, webhookUrlContext(id));
  } catch {
    return null;
  }
}

/**
 * Every workspace with anything configured (or only `teamIds` when given), sorted by team id; within
 * one, managers, accounts and topics sorted, configurations by name.
 */
export async function readDeploymentState(
  prisma: DbClient,
  secrets: SecretBox,
  teamIds?: readonly string[],
): Promise<WorkspaceState[]> {
  const team = teamIds === undefined ? {} : { teamId: { in: [...teamIds] } };
  const [managers, links, configurations] = await Promise.all([
    prisma.workspaceManager.findMany({ where: team, select: { teamId: true, userId: true } }),
    prisma.linkedAccount.findMany({ where: team, select: { teamId: true, accountId: true } }),
    prisma.channelConfiguration.findMany({
      where: team,
      include: {
        topics: { select: { topicArn: true } },
        mentions: { select: { target: true, label: true, minSeverity: true } },
      },
    }),
  ]);
  const states = new Map<string, WorkspaceState>();
  for (const teamId of teamIds ?? []) workspace(states, teamId);
  for (const row of managers) workspace(states, row.teamId).managers.push(row.userId);
  for (const row of links) workspace(states, row.teamId).linked_accounts.push(row.accountId);
  for (const row of configurations) {
    const common = {
      id: row.id,
      name: row.name,
      ...(row.iamRoleArn === null ? {} : { iam_role: row.iamRoleArn }),
      topics: sorted(row.topics.map((topic) => topic.topicArn)),
      ...filtersOf(row.filters),
      managed_by: row.managedBy as ManagedBy,
      allow_slack_changes: row.allowSlackChanges,
    };
    const state = workspace(states, row.teamId);
    if (row.kind === "webhook") {
      state.webhook_rooms.push({
        ...common,
        description: row.webhookDescription ?? row.name,
        provider: row.webhookProvider ?? "chime",
        url: decrypt(secrets, row.id, row.webhookUrlEnc),
      });
    } else if (row.channelId !== null) {
      state.channels.push({
        ...common,
        channel_id: row.channelId,
        ...(row.channelName === null ? {} : { channel_name: row.channelName }),
        ...mentionsOf(row.mentions),
        ...(row.mutePermission === "members" ? { mute_permission: "members" as const } : {}),
      });
    }
  }
  for (const state of states.values()) {
    state.managers.sort();
    state.linked_accounts.sort();
    state.channels.sort(byName);
    state.webhook_rooms.sort(byName);
  }
  return [...states.values()].sort((a, b) => (a.team_id < b.team_id ? -1 : a.team_id > b.team_id ? 1 : 0));
}

/** The stored filter as the filter module reads it; nothing for none. */
function filtersOf(text: string | null): { filters?: ChannelFilter } {
  const stored = parseStoredFilter(text);
  return stored.ok && !isEmptyFilter(stored.filter) ? { filters: stored.filter } : {};
}

/** The stored mentions in the file's order (most urgent level first, then target); nothing for none. */
function mentionsOf(rows: readonly { target: string; label: string; minSeverity: string }[]) {
  // A level the mention module does not know (it writes none) sorts last, kept as stored.
  const rank = (level: string) =>
    isMentionLevel(level) ? MENTION_LEVELS.indexOf(level) : MENTION_LEVELS.length;
  const mentions = [...rows]
    .sort((a, b) => rank(a.minSeverity) - rank(b.minSeverity) || (a.target < b.target ? -1 : 1))
    .map((row) => ({ target: row.target, label: row.label, level: row.minSeverity as MentionLevel }));
  return mentions.length === 0 ? {} : { mentions };
}

/** The environment variable an exported webhook room names for its URL: CHATBOT_WEBHOOK_[TEAM_]NAME. */
export function webhookUrlVariable(teamId: string, name: string): string {
  const part = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return teamId === OPERATOR_TEAM_ID
    ? `CHATBOT_WEBHOOK_${part(name)}`
    : `CHATBOT_WEBHOOK_${part(teamId)}_${part(name)}`;
}
