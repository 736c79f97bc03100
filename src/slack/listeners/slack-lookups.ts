/**
 * What listeners ask Slack on the domain's behalf: a channel's visibility and who is in it
 * (conversations.info / conversations.members, behind the ChannelDirectory port), and who a person
 * is (users.info, which needs the users:read scope, behind PeopleDirectory; answers cached a minute
 * per workspace and person, forgotten when the managers list changes).
 */
import { WebAPIPlatformError, type WebClient } from "@slack/web-api";
import type { ChannelDirectory, ChannelLookup, Membership } from "../../configurations/channel-directory";
import type { PeopleDirectory, PersonFacts } from "../../configurations/permissions";
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

  /** conversations.members, page by page until the user turns up (channels:read / groups:read). */
  async membership(channelId: string, userId: string): Promise<Membership> {
    let cursor: string | undefined;
    try {
      for (let page = 0; page < MEMBER_PAGES_MAX; page += 1) {
        const answer = await this.client.conversations.members({ channel: channelId, limit: 200, cursor });
        if (answer.members?.includes(userId)) return "member";
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (cursor === undefined) return "not_member";
      }
      return "unknown";
    } catch (error) {
      // A private channel the bot is not in: Slack will not say who is in it.
      if (error instanceof WebAPIPlatformError && error.data.error === "channel_not_found") return "unknown";
      throw new ChatbotError(
        ErrorCode.SlackApiFailed,
        `conversations.members failed: ${slackErrorText(error)}`,
        { cause: error },
      );
    }
  }
}

/** 200 members a page: channels past 10,000 members are "unknown" (use the slash command there). */
const MEMBER_PAGES_MAX = 50;

/** users.info answers, a minute at most, per workspace and person. */
export class PersonCache {
  readonly #entries = new Map<string, { facts: PersonFacts; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(teamId: string, userId: string): PersonFacts | undefined {
    const key = `${teamId}:${userId}`;
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until > this.now()) return entry.facts;
    this.#entries.delete(key);
    return undefined;
  }

  set(teamId: string, facts: PersonFacts): void {
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(`${teamId}:${facts.userId}`, { facts, until: this.now() + this.ttlMs });
  }

  delete(teamId: string, userId: string): void {
    this.#entries.delete(`${teamId}:${userId}`);
  }
}

/** PeopleDirectory on users.info, through the shared cache. */
export class SlackPeopleDirectory implements PeopleDirectory {
  constructor(
    private readonly client: WebClient,
    private readonly teamId: string,
    private readonly cache: PersonCache,
  ) {}

  async person(userId: string): Promise<PersonFacts> {
    const cached = this.cache.get(this.teamId, userId);
    if (cached !== undefined) return cached;
    const facts = await lookUpPerson(this.client, userId);
    this.cache.set(this.teamId, facts);
    return facts;
  }

  forget(userIds: readonly string[]): void {
    for (const userId of userIds) this.cache.delete(this.teamId, userId);
  }
}

async function lookUpPerson(client: WebClient, userId: string): Promise<PersonFacts> {
  try {
    const { user } = await client.users.info({ user: userId });
    return {
      userId,
      found: user !== undefined,
      isAdmin: user?.is_admin === true,
      isOwner: user?.is_owner === true,
      isPrimaryOwner: user?.is_primary_owner === true,
      isGuest: user?.is_restricted === true || user?.is_ultra_restricted === true,
      isBot: user?.is_bot === true || user?.is_app_user === true,
      deleted: user?.deleted === true,
    };
  } catch (error) {
    if (error instanceof WebAPIPlatformError && error.data.error === "user_not_found") {
      return {
        userId,
        found: false,
        isAdmin: false,
        isOwner: false,
        isPrimaryOwner: false,
        isGuest: false,
        isBot: false,
        deleted: false,
      };
    }
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
