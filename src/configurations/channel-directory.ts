/**
 * What the configuration service needs to know about a chat channel, without knowing Slack: the
 * Slack edge implements ChannelDirectory with conversations.info. A private channel the bot was
 * not invited to is invisible to it (Slack answers channel_not_found), which is exactly the case
 * "awaiting_invite" is for.
 */
import type { ConfigurationState } from "./configuration-store";

export type ChannelLookup =
  | {
      kind: "visible";
      id: string;
      name: string;
      isPrivate: boolean;
      /** Whether the bot is a member. Public channels need not be (chat:write.public). */
      isMember: boolean;
      isArchived: boolean;
      /** A direct message or group DM, which cannot be configured. */
      isDirect: boolean;
    }
  | { kind: "hidden"; id: string };

/** Whether a person is in a channel; "unknown" when the bot cannot see who is (a private channel it is not in). */
export type Membership = "member" | "not_member" | "unknown";

export interface ChannelDirectory {
  /** Throws ChatbotError(SlackApiFailed) when the lookup itself failed (not for an invisible channel). */
  lookUp(channelId: string): Promise<ChannelLookup>;
  /** Throws ChatbotError(SlackApiFailed) when Slack could not answer. */
  membership(channelId: string, userId: string): Promise<Membership>;
}

/** The state a configuration of this channel gets: the bot can post, or must first be invited. */
export function stateForChannel(lookup: ChannelLookup): ConfigurationState {
  if (lookup.kind === "hidden") return "awaiting_invite";
  return lookup.isPrivate && !lookup.isMember ? "awaiting_invite" : "active";
}

/** Whether the channel is private: one the bot cannot see is, as far as anyone here may know. */
export function isPrivateChannel(lookup: ChannelLookup): boolean {
  return lookup.kind === "hidden" || lookup.isPrivate;
}

/** Why a channel cannot be configured at all, or undefined. */
export function unconfigurableReason(lookup: ChannelLookup): string | undefined {
  if (lookup.kind === "hidden") return undefined;
  if (lookup.isDirect) return "direct messages cannot receive notifications: use a channel";
  if (lookup.isArchived) return `#${lookup.name} is archived: unarchive it or choose another channel`;
  return undefined;
}

/** The "/invite @AWS" line people must type in a private channel, as Slack shows the bot. */
export const INVITE_COMMAND = "/invite @AWS";
