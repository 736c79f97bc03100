/**
 * The shape of a fake Web API method and the helpers its handlers share: Slack-style errors, channel
 * access rules (not_in_channel / channel_not_found / is_archived) and message-content checks.
 */
import type { IncomingHttpHeaders } from "node:http";
import { blockProblems, invalidBlocks } from "./fake-slack-blocks";
import { stringArg } from "./fake-slack-http";
import type { FakeSlackState } from "./fake-slack-state";
import type { TokenRecord } from "./fake-slack-tokens";
import type { FakeChannel, JsonObject, StoredMessage } from "./fake-slack-types";

export interface TokenContext {
  args: JsonObject;
  auth: TokenRecord;
  state: FakeSlackState;
  /** Origin of the fake ("http://127.0.0.1:PORT"), for URLs it hands out. */
  origin: string;
}

export interface PublicContext {
  args: JsonObject;
  headers: IncomingHttpHeaders;
  state: FakeSlackState;
  origin: string;
}

export type MethodSpec =
  | {
      kind: "token";
      /** Any one of these scopes is enough (checked unless enforceScopes is false). */
      scopes?: readonly string[];
      handle(ctx: TokenContext): JsonObject | Promise<JsonObject>;
    }
  | { kind: "public"; handle(ctx: PublicContext): JsonObject | Promise<JsonObject> };

export type MethodTable = Record<string, MethodSpec>;

export function slackError(error: string, extra: JsonObject = {}): JsonObject {
  return { ok: false, error, ...extra };
}

export function hasScope(auth: TokenRecord, scope: string): boolean {
  return auth.scopes.includes(scope);
}

export type ChannelCheck = { ok: true; channel: FakeChannel } | { ok: false; response: JsonObject };

/**
 * Whether the token may post into `channelArg`. `allowPublicWithoutJoin`: chat:write.public lets a
 * bot post to public channels it has not joined (chat.postMessage, not files).
 */
export function postableChannel(
  ctx: TokenContext,
  channelArg: string | undefined,
  options: { allowPublicWithoutJoin: boolean },
): ChannelCheck {
  if (channelArg === undefined) return { ok: false, response: slackError("channel_not_found") };
  const channel = ctx.state.resolveChannel(ctx.auth, channelArg);
  if (!channel) return { ok: false, response: slackError("channel_not_found") };
  if (channel.isArchived) return { ok: false, response: slackError("is_archived") };
  if (!channel.isMember && !channel.isIm) {
    const publicOk =
      options.allowPublicWithoutJoin && !channel.isPrivate && hasScope(ctx.auth, "chat:write.public");
    if (!publicOk) return { ok: false, response: slackError("not_in_channel") };
  }
  return { ok: true, channel };
}

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  warnings: string[];
}

/** Slack truncates `text` past 40,000 characters (with a warning). */
const MAX_TEXT = 40000;

/**
 * Validates text / blocks / attachments / markdown_text of a message. With `requireSome`, a message
 * with none of them is `no_text`.
 */
export function messageContent(
  ctx: TokenContext,
  requireSome: boolean,
): { ok: true; content: MessageContent } | { ok: false; response: JsonObject } {
  const { args } = ctx;
  const warnings: string[] = [];
  let text = stringArg(args, "text");
  const markdown = stringArg(args, "markdown_text");
  if (markdown !== undefined) {
    if (text !== undefined || args.blocks !== undefined) {
      return { ok: false, response: slackError("markdown_text_conflict") };
    }
    if (markdown.length > 12000) return { ok: false, response: slackError("msg_too_long") };
    text = markdown;
  }
  if (text !== undefined && text.length > MAX_TEXT) {
    text = text.slice(0, MAX_TEXT);
    warnings.push("message_truncated");
  }
  let blocks: unknown[] | undefined;
  if (args.blocks !== undefined) {
    if (typeof args.blocks === "string") return { ok: false, response: slackError("invalid_blocks_format") };
    if (ctx.state.config.validateBlocks) {
      const problems = blockProblems(args.blocks, 50);
      if (problems.length > 0) return { ok: false, response: invalidBlocks(problems) };
    }
    blocks = args.blocks as unknown[];
  }
  let attachments: unknown[] | undefined;
  if (args.attachments !== undefined) {
    if (!Array.isArray(args.attachments)) return { ok: false, response: slackError("invalid_attachments") };
    if (args.attachments.length > 100) return { ok: false, response: slackError("too_many_attachments") };
    attachments = args.attachments;
  }
  const empty =
    text === undefined && (blocks === undefined || blocks.length === 0) && attachments === undefined;
  if (requireSome && empty) return { ok: false, response: slackError("no_text") };
  return { ok: true, content: { text, blocks, attachments, warnings } };
}

/** A stored message the way the Web API returns it. */
export function messageJson(message: StoredMessage, appId: string): JsonObject {
  return {
    type: "message",
    subtype: "bot_message",
    user: message.user,
    bot_id: message.botId,
    app_id: appId,
    team: message.teamId,
    ts: message.ts,
    text: message.text ?? "",
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    ...(message.files === undefined ? {} : { files: message.files.map((id) => ({ id })) }),
    ...(message.updates > 0 ? { edited: { user: message.user, ts: message.ts } } : {}),
  };
}

export function withWarnings(body: JsonObject, warnings: string[]): JsonObject {
  if (warnings.length === 0) return body;
  return { ...body, warning: warnings.join(","), response_metadata: { warnings } };
}
