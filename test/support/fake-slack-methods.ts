/**
 * auth.*, conversations.*, users.info and views.* of the fake Slack.
 */
import { randomBytes } from "node:crypto";
import { type MethodTable, slackError, type TokenContext } from "./fake-slack-api";
import { viewProblems } from "./fake-slack-blocks";
import { booleanArg, isJsonObject, stringArg } from "./fake-slack-http";
import { newSlackId } from "./fake-slack-state";
import type { FakeChannel, FakeUser, JsonObject, StoredView } from "./fake-slack-types";

function authTest(ctx: TokenContext): JsonObject {
  const { auth, state } = ctx;
  const workspace = state.workspaces.get(auth.teamId);
  const user = state.users.get(auth.userId);
  const expiresIn =
    auth.expiresAt === undefined ? undefined : Math.floor((auth.expiresAt - state.now()) / 1000);
  return {
    ok: true,
    url: `https://${workspace?.domain ?? "fake"}.slack.com/`,
    team: workspace?.teamName ?? auth.teamId,
    user: user?.name ?? auth.userId,
    team_id: auth.teamId,
    user_id: auth.userId,
    ...(auth.kind === "bot" ? { bot_id: auth.botId, app_id: state.config.appId } : {}),
    ...(auth.enterpriseId === undefined ? {} : { enterprise_id: auth.enterpriseId }),
    is_enterprise_install: auth.isEnterpriseInstall,
    ...(expiresIn === undefined ? {} : { expires_in: expiresIn }),
  };
}

function authRevoke(ctx: TokenContext): JsonObject {
  if (booleanArg(ctx.args, "test")) return { ok: true, revoked: false };
  ctx.state.tokens.revoke(ctx.auth.token);
  return { ok: true, revoked: true };
}

function channelJson(channel: FakeChannel, ctx: TokenContext): JsonObject {
  if (channel.isIm) {
    return {
      id: channel.id,
      created: channel.created,
      is_im: true,
      is_org_shared: false,
      user: channel.imUser,
    };
  }
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    is_channel: !channel.isPrivate,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: channel.name === "general",
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_member: channel.isMember,
    created: channel.created,
    creator: ctx.state.workspaces.get(channel.teamId)?.botUserId ?? "",
    context_team_id: channel.teamId,
    unlinked: 0,
    topic: { value: "", creator: "", last_set: 0 },
    purpose: { value: "", creator: "", last_set: 0 },
  };
}

function conversationsInfo(ctx: TokenContext): JsonObject {
  const id = stringArg(ctx.args, "channel");
  const channel = id === undefined ? undefined : ctx.state.channels.get(id);
  if (!channel || !ctx.state.canSee(ctx.auth, channel)) return slackError("channel_not_found");
  return { ok: true, channel: channelJson(channel, ctx) };
}

function conversationsJoin(ctx: TokenContext): JsonObject {
  const id = stringArg(ctx.args, "channel");
  const channel = id === undefined ? undefined : ctx.state.channels.get(id);
  if (!channel || !ctx.state.canSee(ctx.auth, channel)) return slackError("channel_not_found");
  if (channel.isArchived) return slackError("is_archived");
  if (channel.isPrivate || channel.isIm) return slackError("method_not_supported_for_channel_type");
  const alreadyMember = channel.isMember;
  channel.isMember = true;
  return {
    ok: true,
    channel: channelJson(channel, ctx),
    ...(alreadyMember
      ? { warning: "already_in_channel", response_metadata: { warnings: ["already_in_channel"] } }
      : {}),
  };
}

/** Pages of `limit` (default 100, at most 1000) with an opaque cursor, as Slack paginates. */
function conversationsMembers(ctx: TokenContext): JsonObject {
  const id = stringArg(ctx.args, "channel");
  const channel = id === undefined ? undefined : ctx.state.channels.get(id);
  if (!channel || !ctx.state.canSee(ctx.auth, channel)) return slackError("channel_not_found");
  const limit = Math.min(Math.max(Number(stringArg(ctx.args, "limit") ?? 100) || 100, 1), 1000);
  const cursor = stringArg(ctx.args, "cursor");
  const offset = cursor ? Number(Buffer.from(cursor, "base64").toString("utf8").replace("offset:", "")) : 0;
  if (!Number.isInteger(offset) || offset < 0) return slackError("invalid_cursor");
  const members = ctx.state.channelMembers(channel);
  const next =
    offset + limit < members.length ? Buffer.from(`offset:${offset + limit}`).toString("base64") : "";
  return {
    ok: true,
    members: members.slice(offset, offset + limit),
    response_metadata: { next_cursor: next },
  };
}

function userJson(user: FakeUser): JsonObject {
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    real_name: user.realName,
    deleted: user.deleted,
    tz: user.tz,
    is_admin: user.isAdmin,
    is_owner: user.isOwner,
    is_primary_owner: user.isPrimaryOwner,
    is_restricted: user.isRestricted || user.isUltraRestricted,
    is_ultra_restricted: user.isUltraRestricted,
    is_bot: user.isBot,
    is_app_user: false,
    profile: { real_name: user.realName, display_name: user.name, team: user.teamId },
  };
}

function usersInfo(ctx: TokenContext): JsonObject {
  const id = stringArg(ctx.args, "user");
  const user = id === undefined ? undefined : ctx.state.users.get(id);
  if (!user || user.teamId !== ctx.auth.teamId) return slackError("user_not_found");
  return { ok: true, user: userJson(user) };
}

function newHash(ctx: TokenContext): string {
  return `${Math.floor(ctx.state.now() / 1000)}.${randomBytes(4).toString("hex")}`;
}

function viewJson(stored: StoredView, ctx: TokenContext): JsonObject {
  const workspace = ctx.state.workspaces.get(stored.teamId);
  const view = stored.view;
  return {
    id: stored.id,
    team_id: stored.teamId,
    type: stored.type,
    blocks: view.blocks ?? [],
    private_metadata: view.private_metadata ?? "",
    callback_id: view.callback_id ?? "",
    state: { values: {} },
    hash: stored.hash,
    title: view.title ?? { type: "plain_text", text: "View Title" },
    clear_on_close: view.clear_on_close ?? false,
    notify_on_close: view.notify_on_close ?? false,
    close: view.close ?? null,
    submit: view.submit ?? null,
    previous_view_id: null,
    root_view_id: stored.rootViewId,
    app_id: ctx.state.config.appId,
    external_id: stored.externalId ?? "",
    app_installed_team_id: stored.teamId,
    bot_id: workspace?.botId ?? ctx.auth.botId ?? "",
  };
}

/** Parses and validates the `view` argument; Slack answers invalid_arguments for a bad view. */
function viewArg(ctx: TokenContext): { ok: true; view: JsonObject } | { ok: false; response: JsonObject } {
  const view = ctx.args.view;
  if (!isJsonObject(view)) return { ok: false, response: slackError("invalid_arguments") };
  if (ctx.state.config.validateBlocks) {
    const problems = viewProblems(view);
    if (problems.length > 0) {
      return {
        ok: false,
        response: slackError("invalid_arguments", { response_metadata: { messages: problems } }),
      };
    }
  }
  return { ok: true, view };
}

function storeView(ctx: TokenContext, view: JsonObject, fields: Partial<StoredView>): StoredView {
  const id = fields.id ?? newSlackId("V");
  const stored: StoredView = {
    ...fields,
    id,
    teamId: ctx.auth.teamId,
    type: String(view.type),
    hash: newHash(ctx),
    rootViewId: fields.rootViewId ?? id,
    externalId: typeof view.external_id === "string" ? view.external_id : fields.externalId,
    view,
  };
  ctx.state.views.set(id, stored);
  return stored;
}

function viewsPublish(ctx: TokenContext): JsonObject {
  const userId = stringArg(ctx.args, "user_id");
  if (userId === undefined || !/^[UW]/.test(userId)) return slackError("invalid_arguments");
  const parsed = viewArg(ctx);
  if (!parsed.ok) return parsed.response;
  if (parsed.view.type !== "home") return slackError("invalid_arguments");
  const existing = [...ctx.state.views.values()].find(
    (v) => v.type === "home" && v.userId === userId && v.teamId === ctx.auth.teamId,
  );
  const hash = stringArg(ctx.args, "hash");
  if (existing && hash !== undefined && hash !== existing.hash) return slackError("hash_conflict");
  const stored = storeView(ctx, parsed.view, { id: existing?.id, userId });
  return { ok: true, view: viewJson(stored, ctx) };
}

function viewsOpen(ctx: TokenContext): JsonObject {
  const triggerId = stringArg(ctx.args, "trigger_id") ?? stringArg(ctx.args, "interactivity_pointer");
  if (triggerId === undefined) return slackError("invalid_arguments");
  const parsed = viewArg(ctx);
  if (!parsed.ok) return parsed.response;
  if (parsed.view.type !== "modal") return slackError("invalid_arguments");
  const stored = storeView(ctx, parsed.view, { triggerId });
  return { ok: true, view: viewJson(stored, ctx) };
}

function viewsUpdate(ctx: TokenContext): JsonObject {
  const viewId = stringArg(ctx.args, "view_id");
  const externalId = stringArg(ctx.args, "external_id");
  const existing =
    viewId !== undefined
      ? ctx.state.views.get(viewId)
      : [...ctx.state.views.values()].find((v) => externalId !== undefined && v.externalId === externalId);
  if (!existing || existing.teamId !== ctx.auth.teamId) return slackError("not_found");
  const parsed = viewArg(ctx);
  if (!parsed.ok) return parsed.response;
  const hash = stringArg(ctx.args, "hash");
  if (hash !== undefined && hash !== existing.hash) return slackError("hash_conflict");
  const stored = storeView(ctx, parsed.view, { ...existing });
  return { ok: true, view: viewJson(stored, ctx) };
}

export const CORE_METHODS: MethodTable = {
  "auth.test": { kind: "token", handle: authTest },
  "auth.revoke": { kind: "token", handle: authRevoke },
  "conversations.info": {
    kind: "token",
    scopes: ["channels:read", "groups:read", "im:read", "mpim:read"],
    handle: conversationsInfo,
  },
  "conversations.join": { kind: "token", scopes: ["channels:join"], handle: conversationsJoin },
  "conversations.members": {
    kind: "token",
    scopes: ["channels:read", "groups:read", "im:read", "mpim:read"],
    handle: conversationsMembers,
  },
  "users.info": { kind: "token", scopes: ["users:read"], handle: usersInfo },
  "views.publish": { kind: "token", handle: viewsPublish },
  "views.open": { kind: "token", handle: viewsOpen },
  "views.update": { kind: "token", handle: viewsUpdate },
};
