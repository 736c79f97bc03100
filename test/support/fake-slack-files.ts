/**
 * The files upload flow of the fake Slack: files.getUploadURLExternal hands out an absolute upload URL
 * on the fake itself, the app POSTs the bytes there, files.completeUploadExternal shares the file.
 */
import { type MethodTable, postableChannel, slackError, type TokenContext } from "./fake-slack-api";
import { blockProblems, invalidBlocks } from "./fake-slack-blocks";
import { isJsonObject, numberArg, stringArg } from "./fake-slack-http";
import { type FakeSlackState, newSlackId } from "./fake-slack-state";
import type { JsonObject, StoredFile } from "./fake-slack-types";

/** Path prefix of upload URLs ("/upload/v1/F…"). */
export const UPLOAD_PATH = "/upload/v1/";

function getUploadUrl(ctx: TokenContext): JsonObject {
  const filename = stringArg(ctx.args, "filename");
  const length = numberArg(ctx.args, "length");
  if (filename === undefined || length === undefined || !Number.isInteger(length) || length < 0) {
    return slackError("invalid_arguments");
  }
  const file: StoredFile = {
    id: newSlackId("F"),
    teamId: ctx.auth.teamId,
    filename,
    declaredLength: length,
    altText: stringArg(ctx.args, "alt_txt") ?? stringArg(ctx.args, "alt_text"),
    completed: false,
  };
  ctx.state.files.set(file.id, file);
  return { ok: true, upload_url: `${ctx.origin}${UPLOAD_PATH}${file.id}`, file_id: file.id };
}

/** Stores bytes POSTed to an upload URL; answers like Slack's upload host ("OK - <bytes>"). */
export function receiveUpload(
  state: FakeSlackState,
  fileId: string,
  bytes: Buffer,
): { status: number; text: string } {
  const file = state.files.get(fileId);
  if (!file || file.completed) return { status: 404, text: "file not found" };
  file.bytes = bytes;
  return { status: 200, text: `OK - ${bytes.length}` };
}

interface FileRef {
  id: string;
  title?: string;
}

function fileRefs(value: unknown): FileRef[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const refs: FileRef[] = [];
  for (const item of value) {
    if (!isJsonObject(item) || typeof item.id !== "string") return undefined;
    refs.push({ id: item.id, title: typeof item.title === "string" ? item.title : undefined });
  }
  return refs;
}

function completeUpload(ctx: TokenContext): JsonObject {
  const refs = fileRefs(ctx.args.files);
  if (!refs) return slackError("invalid_arguments");
  const files: StoredFile[] = [];
  for (const ref of refs) {
    const file = ctx.state.files.get(ref.id);
    // Slack: "Could not find the file from the upload ticket" — also when the bytes never arrived.
    if (!file || file.teamId !== ctx.auth.teamId || file.bytes === undefined || file.completed) {
      return slackError("file_not_found");
    }
    files.push(file);
  }
  const channelArg = stringArg(ctx.args, "channel_id") ?? stringArg(ctx.args, "channels")?.split(",")[0];
  let channelId: string | undefined;
  if (channelArg !== undefined) {
    const target = postableChannel(ctx, channelArg, { allowPublicWithoutJoin: false });
    if (!target.ok) return target.response;
    channelId = target.channel.id;
  }
  const initialComment = stringArg(ctx.args, "initial_comment");
  let blocks: unknown[] | undefined;
  if (ctx.args.blocks !== undefined && initialComment === undefined) {
    if (!Array.isArray(ctx.args.blocks)) return slackError("invalid_blocks");
    const problems = ctx.state.config.validateBlocks ? blockProblems(ctx.args.blocks, 50) : [];
    if (problems.length > 0) return invalidBlocks(problems);
    blocks = ctx.args.blocks;
  }
  const threadTs = stringArg(ctx.args, "thread_ts");
  let shareTs: string | undefined;
  if (channelId !== undefined) {
    shareTs = ctx.state.nextTs();
    const workspace = ctx.state.workspaces.get(ctx.auth.teamId);
    ctx.state.messages.push({
      channel: channelId,
      teamId: ctx.auth.teamId,
      ts: shareTs,
      threadTs,
      text: initialComment ?? "",
      blocks,
      user: ctx.auth.userId,
      botId: ctx.auth.botId ?? workspace?.botId ?? "",
      files: files.map((f) => f.id),
      replyBroadcast: false,
      updates: 0,
    });
  }
  const created = Math.floor(ctx.state.now() / 1000);
  return {
    ok: true,
    files: files.map((file, i) => {
      file.completed = true;
      file.title = refs[i].title ?? file.filename;
      file.channelId = channelId;
      file.threadTs = threadTs;
      file.initialComment = initialComment;
      file.blocks = blocks;
      file.shareTs = shareTs;
      return {
        id: file.id,
        created,
        timestamp: created,
        name: file.filename,
        title: file.title,
        size: file.bytes?.length ?? 0,
        user: ctx.auth.userId,
        user_team: ctx.auth.teamId,
        channels: channelId === undefined ? [] : [channelId],
        url_private: `${ctx.origin}/files-pri/${ctx.auth.teamId}-${file.id}/${encodeURIComponent(file.filename)}`,
      };
    }),
  };
}

export const FILE_METHODS: MethodTable = {
  "files.getUploadURLExternal": { kind: "token", scopes: ["files:write"], handle: getUploadUrl },
  "files.completeUploadExternal": { kind: "token", scopes: ["files:write"], handle: completeUpload },
};
