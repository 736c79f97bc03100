/** How configurations, topics, roles and states read in replies, App Home and modals. */
import { INVITE_COMMAND } from "../../configurations/channel-directory";
import type { ConfiguredTopic } from "../../configurations/configuration-queries";
import type { ConfigurationState } from "../../configurations/configuration-store";
import { describeStoredFilter } from "../../configurations/filters";
import { escapeText, forUsers, truncate } from "./text";

export function channelMention(channelId: string | null, channelName: string | null): string {
  if (channelId !== null) return `<#${channelId}>`;
  return `#${escapeText(channelName ?? "?")}`;
}

export function stateText(state: ConfigurationState, reason: string | null): string {
  switch (state) {
    case "active":
      return ":large_green_circle: active";
    case "awaiting_invite":
      return `:lock: waiting for \`${INVITE_COMMAND}\``;
    case "disabled":
      return `:no_entry: disabled${reason ? `: ${escapeText(truncate(reason, 200))}` : ""}`;
  }
}

export function topicStatusText(topic: Pick<ConfiguredTopic, "status" | "statusReason">): string {
  const reason = topic.statusReason ? `: ${escapeText(truncate(forUsers(topic.statusReason), 300))}` : "";
  switch (topic.status) {
    case "confirmed":
      return ":white_check_mark: confirmed";
    case "pending":
      return ":hourglass_flowing_sand: pending confirmation";
    case "failed":
      return `:x: failed${reason}`;
    case "unsubscribed":
      return `:no_entry_sign: unsubscribed${reason}`;
    default:
      return escapeText(topic.status);
  }
}

export function topicLine(
  topic: Pick<ConfiguredTopic, "topicArn" | "region" | "status" | "statusReason">,
): string {
  return `• \`${escapeText(topic.topicArn)}\` (${escapeText(topic.region)}) — ${topicStatusText(topic)}`;
}

export function roleText(roleArn: string | null): string {
  return roleArn === null ? "none" : `\`${escapeText(roleArn)}\``;
}

/** The channel's filters (stored as JSON) in one short line, in the slash grammar's words. */
export function filtersText(filters: string | null): string {
  return escapeText(truncate(describeStoredFilter(filters), 500));
}

export function inviteInstructions(channelId: string | null): string {
  const where = channelId === null ? "the channel" : `<#${channelId}>`;
  return (
    `:lock: I cannot see this private channel yet. Type \`${INVITE_COMMAND}\` in ${where} to let me post there. ` +
    "Notifications that arrive meanwhile are kept and delivered once I am in."
  );
}
