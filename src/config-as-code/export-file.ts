/**
 * `export`: the deployment's state as a configuration file (YAML), deterministic and commented.
 * Secrets never appear: a webhook room's URL is a reference to an environment variable
 * (`url_from_env`), and the settings block is an allow-list of settings that are not secrets.
 */
import { Document, isMap, isSeq, type YAMLMap, type YAMLSeq } from "yaml";
import type { Config } from "../config";
import { type ChannelFilter, serializeFilter } from "../configurations/filters";
import type { ChannelState, WebhookRoomState, WorkspaceState } from "./deployment-state";
import { webhookUrlVariable } from "./deployment-state";
import { FILE_VERSION } from "./file-schema";

export const FILE_HEADER = [
  " aws-chatbot configuration file (configuration as code).",
  " Review changes with `npx chatbot apply FILE --dry-run`; apply them with `npx chatbot apply FILE`.",
  " `npx chatbot schema` prints the JSON Schema of this file.",
].join("\n");

/** The settings a file shows (never a secret: no tokens, keys, signing secrets or URLs with tokens). */
export function exportedSettings(config: Pick<Config, "topicAccess" | "slack" | "publicUrl">) {
  return {
    topic_access: config.topicAccess,
    slash_command: config.slack.command,
    ...(config.publicUrl === undefined ? {} : { public_url: config.publicUrl }),
  };
}

/** A filter as the filter module stores it: its keys in its own order. */
function filterEntry(filters: ChannelFilter | undefined) {
  const text = filters === undefined ? null : serializeFilter(filters);
  return text === null ? {} : { filters: JSON.parse(text) as ChannelFilter };
}

function channelEntry(channel: ChannelState) {
  return {
    channel_id: channel.channel_id,
    ...(channel.channel_name === undefined ? {} : { channel_name: channel.channel_name }),
    name: channel.name,
    ...(channel.iam_role === undefined ? {} : { iam_role: channel.iam_role }),
    topics: channel.topics,
    ...filterEntry(channel.filters),
    ...(channel.mentions === undefined
      ? {}
      : { mentions: channel.mentions.map(({ target, label, level }) => ({ target, label, at: level })) }),
    ...(channel.mute_permission === undefined ? {} : { mute_permission: channel.mute_permission }),
    managed_by: channel.managed_by,
    allow_slack_changes: channel.allow_slack_changes,
  };
}

function roomEntry(teamId: string, room: WebhookRoomState) {
  return {
    name: room.name,
    description: room.description,
    provider: room.provider,
    url_from_env: webhookUrlVariable(teamId, room.name),
    ...(room.iam_role === undefined ? {} : { iam_role: room.iam_role }),
    topics: room.topics,
    ...filterEntry(room.filters),
    managed_by: room.managed_by,
    allow_slack_changes: room.allow_slack_changes,
  };
}

function workspaceEntry(state: WorkspaceState) {
  return {
    team_id: state.team_id,
    managers: state.managers,
    linked_accounts: state.linked_accounts,
    channels: state.channels.map(channelEntry),
    webhook_rooms: state.webhook_rooms.map((room) => roomEntry(state.team_id, room)),
  };
}

const BLOCK_COMMENTS: Record<string, string> = {
  managers: " people on the managers list (admins, owners and the installer manage without being listed)",
  linked_accounts: " AWS accounts whose SNS topics this workspace may subscribe (TOPIC_ACCESS=linked)",
  channels:
    " Slack channel configurations: channel, IAM role, SNS topics, filters, mentions, who may mute, who owns them",
  webhook_rooms: " incoming-webhook rooms; each URL is read from the named environment variable",
};

function commentBlocks(workspace: YAMLMap): void {
  for (const pair of workspace.items) {
    const key = String((pair.key as { value?: unknown }).value);
    const comment = BLOCK_COMMENTS[key];
    if (comment !== undefined) (pair.key as { commentBefore?: string }).commentBefore = comment;
  }
}

/** The file's text: same state, same bytes. */
export function renderConfigFile(
  states: readonly WorkspaceState[],
  settings: ReturnType<typeof exportedSettings>,
): string {
  const doc = new Document({ version: FILE_VERSION, settings, workspaces: states.map(workspaceEntry) });
  doc.commentBefore = FILE_HEADER;
  const root = doc.contents as YAMLMap;
  for (const pair of root.items) {
    const key = String((pair.key as { value?: unknown }).value);
    const comment =
      key === "settings"
        ? " settings of this deployment (its environment; not secrets): apply checks, never changes them"
        : key === "workspaces"
          ? ' one entry per Slack workspace (team id); "cli" holds webhook rooms made with the CLI'
          : undefined;
    if (comment !== undefined) (pair.key as { commentBefore?: string }).commentBefore = comment;
  }
  const workspaces = doc.get("workspaces");
  if (isSeq(workspaces)) {
    for (const item of (workspaces as YAMLSeq).items) {
      if (!isMap(item)) continue;
      const teamId = String(item.get("team_id"));
      (item as { commentBefore?: string }).commentBefore = ` workspace ${teamId}`;
      commentBlocks(item);
    }
  }
  return doc.toString({ lineWidth: 0 });
}
