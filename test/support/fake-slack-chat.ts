/**
 * chat.postMessage, chat.update and chat.postEphemeral of the fake Slack.
 */
import {
  type MethodTable,
  messageContent,
  messageJson,
  postableChannel,
  slackError,
  type TokenContext,
  withWarnings,
} from "./fake-slack-api";
import { booleanArg, stringArg } from "./fake-slack-http";
import type { JsonObject, StoredMessage } from "./fake-slack-types";

function postMessage(ctx: TokenContext): JsonObject {
  const target = postableChannel(ctx, stringArg(ctx.args, "channel"), { allowPublicWithoutJoin: true });
  if (!target.ok) return target.response;
  const checked = messageContent(ctx, true);
  if (!checked.ok) return checked.response;
  const { content } = checked;
  const workspace = ctx.state.workspaces.get(ctx.auth.teamId);
  const message: StoredMessage = {
    channel: target.channel.id,
    teamId: target.channel.teamId,
    ts: ctx.state.nextTs(),
    threadTs: stringArg(ctx.args, "thread_ts"),
    text: content.text,
    blocks: content.blocks,
    attachments: content.attachments,
    metadata: ctx.args.metadata,
    user: ctx.auth.userId,
    botId: ctx.auth.botId ?? workspace?.botId ?? "",
    replyBroadcast: booleanArg(ctx.args, "reply_broadcast"),
    updates: 0,
  };
  ctx.state.messages.push(message);
  return withWarnings(
    {
      ok: true,
      channel: message.channel,
      ts: message.ts,
      message: messageJson(message, ctx.state.config.appId),
    },
    content.warnings,
  );
}

function updateMessage(ctx: TokenContext): JsonObject {
  const channelArg = stringArg(ctx.args, "channel");
  const ts = stringArg(ctx.args, "ts");
  const channel = channelArg === undefined ? undefined : ctx.state.resolveChannel(ctx.auth, channelArg);
  if (!channel) return slackError("channel_not_found");
  if (channel.isArchived) return slackError("is_archived");
  const message = ts === undefined ? undefined : ctx.state.findMessage(channel.id, ts);
  if (!message) return slackError("message_not_found");
  if (message.user !== ctx.auth.userId) return slackError("cant_update_message");
  const checked = messageContent(ctx, false);
  if (!checked.ok) return checked.response;
  const { content } = checked;
  if (content.text === undefined && content.blocks === undefined && content.attachments === undefined) {
    return slackError("no_text");
  }
  // Slack keeps blocks/attachments not passed to chat.update; `[]` clears them.
  if (content.text !== undefined) message.text = content.text;
  if (content.blocks !== undefined) message.blocks = content.blocks.length === 0 ? undefined : content.blocks;
  if (content.attachments !== undefined) {
    message.attachments = content.attachments.length === 0 ? undefined : content.attachments;
  }
  if (ctx.args.metadata !== undefined) message.metadata = ctx.args.metadata;
  message.updates += 1;
  return withWarnings(
    {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      text: message.text ?? "",
      message: messageJson(message, ctx.state.config.appId),
    },
    content.warnings,
  );
}

function postEphemeral(ctx: TokenContext): JsonObject {
  const target = postableChannel(ctx, stringArg(ctx.args, "channel"), { allowPublicWithoutJoin: true });
  if (!target.ok) return target.response;
  const userId = stringArg(ctx.args, "user");
  if (userId === undefined) return slackError("user_not_found");
  const user = ctx.state.users.get(userId);
  if (user !== undefined && user.teamId !== target.channel.teamId) return slackError("user_not_found");
  const members = target.channel.members;
  if (members !== undefined && !members.includes(userId)) return slackError("user_not_in_channel");
  const checked = messageContent(ctx, true);
  if (!checked.ok) return checked.response;
  const messageTs = ctx.state.nextTs();
  ctx.state.ephemerals.push({
    channel: target.channel.id,
    user: userId,
    messageTs,
    threadTs: stringArg(ctx.args, "thread_ts"),
    text: checked.content.text,
    blocks: checked.content.blocks,
  });
  return withWarnings({ ok: true, message_ts: messageTs }, checked.content.warnings);
}

export const CHAT_METHODS: MethodTable = {
  "chat.postMessage": { kind: "token", scopes: ["chat:write"], handle: postMessage },
  "chat.update": { kind: "token", scopes: ["chat:write"], handle: updateMessage },
  "chat.postEphemeral": { kind: "token", scopes: ["chat:write"], handle: postEphemeral },
};
