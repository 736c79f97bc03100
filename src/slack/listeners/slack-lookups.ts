/**
 * What listeners ask Slack on the configuration service's behalf: a channel's visibility
 * (conversations.info, behind the ChannelDirectory port) and whether a user administers the
 * workspace (users.info, which needs the users:read scope).
 */
import { WebAPIPlatformError, type WebClient } from "@slack/web-api";
import type { ChannelDirectory, ChannelLookup } from "../../configurations/channel-directory";
import { ChatbotError, ErrorCode } from "../../errors";

function slackErrorText(error: unknown): string {
  if (error instanceof WebAPIPlatformError) return error.data.error;
  return error instanceof Error ? error.message : String(error);
}

export class SlackChannelDirectory implements ChannelDirectory {
  constructor(private readonly client: WebClient) {}

  async lookUp(channelId: string): Promise<ChannelLookup> {
    try {
      const { channel } = await this.client.conversations.info({ channel: channelId });
      if (channel === undefined) return { kind: "hidden", id: channelId };
      return {
        kind: "visible",
        id: channel.id ?? channelId,
        name: channel.name ?? channelId,
        isPrivate: channel.is_private === true,
        isMember: channel.is_member === true,
        isArchived: channel.is_archived === true,
        isDirect: channel.is_im === true || channel.is_mpim === true,
      };
    } catch (error) {
      // A private channel the bot was not invited to does not exist for it.
      if (error instanceof WebAPIPlatformError && error.data.error === "channel_not_found") {
        return { kind: "hidden", id: channelId };
      }
      throw new ChatbotError(
        ErrorCode.SlackApiFailed,
        `conversations.info failed: ${slackErrorText(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}

/** Workspace admins, owners and the primary owner (users.info). */
export async function isWorkspaceAdmin(client: WebClient, userId: string): Promise<boolean> {
  try {
    const { user } = await client.users.info({ user: userId });
    return user?.is_admin === true || user?.is_owner === true || user?.is_primary_owner === true;
  } catch (error) {
    if (error instanceof WebAPIPlatformError && error.data.error === "missing_scope") {
      throw new ChatbotError(
        ErrorCode.Forbidden,
        "AWS Chatbot cannot tell who administers this workspace: it lacks the users:read scope. " +
          "Reinstall it (Add to Slack) to grant it, or ask the person who installed it.",
        { cause: error },
      );
    }
    throw new ChatbotError(ErrorCode.SlackApiFailed, `users.info failed: ${slackErrorText(error)}`, {
      cause: error,
    });
  }
}

/** Slack errors that mean the token is already gone (revoking it again has nothing to do). */
const TOKEN_GONE = new Set([
  "invalid_auth",
  "token_revoked",
  "account_inactive",
  "not_authed",
  "token_expired",
]);

/** auth.revoke of the bot token; a token that is already gone counts as revoked. */
export async function revokeBotToken(client: WebClient): Promise<void> {
  try {
    await client.auth.revoke();
  } catch (error) {
    if (error instanceof WebAPIPlatformError && TOKEN_GONE.has(error.data.error)) return;
    throw new ChatbotError(ErrorCode.SlackApiFailed, `auth.revoke failed: ${slackErrorText(error)}`, {
      cause: error,
    });
  }
}
