/**
 * OAuth v2 of the fake Slack: the consent page (GET /oauth/v2/authorize, approved or denied without a
 * browser) and oauth.v2.access for both the code exchange and token rotation (grant_type=refresh_token).
 */
import { type MethodTable, type PublicContext, slackError } from "./fake-slack-api";
import { basicCredentials, stringArg } from "./fake-slack-http";
import type { FakeSlackState } from "./fake-slack-state";
import { newAccessToken } from "./fake-slack-tokens";
import type { FakeWorkspace, JsonObject, OAuthGrant } from "./fake-slack-types";
import { DEFAULT_BOT_SCOPES, SLACK_IDS } from "./slack-payloads";

export const AUTHORIZE_PATH = "/oauth/v2/authorize";

/** What the simulated user does on the consent page. */
export type AuthorizationDecision = OAuthGrant | { deny: true };

function clientCheck(ctx: PublicContext): JsonObject | undefined {
  const basic = basicCredentials(ctx.headers);
  const id = basic?.id ?? stringArg(ctx.args, "client_id");
  const secret = basic?.secret ?? stringArg(ctx.args, "client_secret");
  if (id !== ctx.state.config.clientId) return slackError("invalid_client_id");
  if (secret !== ctx.state.config.clientSecret) return slackError("bad_client_secret");
  return undefined;
}

function teamJson(workspace: FakeWorkspace): JsonObject {
  return {
    team: workspace.isEnterpriseInstall ? null : { id: workspace.teamId, name: workspace.teamName },
    enterprise: workspace.enterprise,
    is_enterprise_install: workspace.isEnterpriseInstall,
  };
}

function expiresIn(state: FakeSlackState, expiresAt: number | undefined): number | undefined {
  return expiresAt === undefined ? undefined : Math.round((expiresAt - state.now()) / 1000);
}

function exchangeCode(ctx: PublicContext): JsonObject {
  const { state } = ctx;
  const code = stringArg(ctx.args, "code");
  const grant = code === undefined ? undefined : state.tokens.takeCode(code);
  if (!grant) return slackError("invalid_code");
  if (grant.redirectUri !== undefined && stringArg(ctx.args, "redirect_uri") !== grant.redirectUri) {
    return slackError("bad_redirect_uri");
  }
  const rotating = grant.tokenRotation ?? state.config.tokenRotation;
  const workspace = state.addWorkspace({
    teamId: grant.teamId,
    teamName: grant.teamName,
    enterprise: grant.enterprise,
    isEnterpriseInstall: grant.isEnterpriseInstall,
    scopes: grant.scopes ?? DEFAULT_BOT_SCOPES,
    rotating,
  });
  const userId = grant.userId ?? SLACK_IDS.userId;
  if (!state.users.has(userId)) {
    const name = userId === SLACK_IDS.userId ? SLACK_IDS.userName : userId.toLowerCase();
    state.addUser({ id: userId, name, teamId: workspace.teamId });
  }
  const authedUser: JsonObject = { id: userId };
  const userScopes = grant.userScopes ?? [];
  if (userScopes.length > 0) {
    const token = newAccessToken("user", rotating);
    const expiresAt = rotating ? state.now() + state.config.tokenLifetimeSeconds * 1000 : undefined;
    state.tokens.register({
      token,
      kind: "user",
      teamId: workspace.teamId,
      enterpriseId: workspace.enterprise?.id,
      isEnterpriseInstall: workspace.isEnterpriseInstall,
      userId,
      scopes: userScopes,
      expiresAt,
      revoked: false,
    });
    Object.assign(authedUser, { scope: userScopes.join(","), access_token: token, token_type: "user" });
    if (rotating) {
      authedUser.expires_in = state.config.tokenLifetimeSeconds;
      authedUser.refresh_token = state.tokens.issueRefreshToken("user", workspace.teamId, userId);
    }
  }
  return {
    ok: true,
    app_id: state.config.appId,
    authed_user: authedUser,
    scope: workspace.scopes.join(","),
    token_type: "bot",
    access_token: workspace.botToken,
    bot_user_id: workspace.botUserId,
    ...teamJson(workspace),
    ...(rotating
      ? { expires_in: expiresIn(state, workspace.botTokenExpiresAt), refresh_token: workspace.refreshToken }
      : {}),
  };
}

function refreshTokens(ctx: PublicContext): JsonObject {
  const { state } = ctx;
  const refreshToken = stringArg(ctx.args, "refresh_token");
  const used =
    refreshToken === undefined ? { ok: false as const } : state.tokens.useRefreshToken(refreshToken);
  if (!used.ok) return slackError("invalid_refresh_token");
  const workspace = state.workspaces.get(used.teamId);
  if (!workspace) return slackError("invalid_refresh_token");
  const expiresAt = state.now() + state.config.tokenLifetimeSeconds * 1000;
  const newRefresh = state.tokens.issueRefreshToken(used.kind, used.teamId, used.userId);
  const common = {
    ok: true,
    app_id: state.config.appId,
    expires_in: state.config.tokenLifetimeSeconds,
    refresh_token: newRefresh,
    ...teamJson(workspace),
  };
  if (used.kind === "bot") {
    const token = newAccessToken("bot", true);
    workspace.botToken = token;
    workspace.refreshToken = newRefresh;
    workspace.botTokenExpiresAt = expiresAt;
    state.registerBotToken(workspace, token, expiresAt);
    return {
      ...common,
      scope: workspace.scopes.join(","),
      token_type: "bot",
      access_token: token,
      bot_user_id: workspace.botUserId,
    };
  }
  const previous = state.tokens.latest("user", used.teamId, used.userId);
  const scopes = previous?.scopes ?? [];
  const token = newAccessToken("user", true);
  state.tokens.register({
    token,
    kind: "user",
    teamId: used.teamId,
    enterpriseId: workspace.enterprise?.id,
    isEnterpriseInstall: workspace.isEnterpriseInstall,
    userId: used.userId,
    scopes,
    expiresAt,
    revoked: false,
  });
  return {
    ...common,
    scope: scopes.join(","),
    token_type: "user",
    access_token: token,
    user_id: used.userId,
  };
}

function oauthV2Access(ctx: PublicContext): JsonObject {
  const clientError = clientCheck(ctx);
  if (clientError) return clientError;
  const grantType = stringArg(ctx.args, "grant_type") ?? "authorization_code";
  if (grantType === "authorization_code") return exchangeCode(ctx);
  if (grantType === "refresh_token") return refreshTokens(ctx);
  return slackError("invalid_grant_type");
}

export const OAUTH_METHODS: MethodTable = {
  "oauth.v2.access": { kind: "public", handle: oauthV2Access },
};

/**
 * The consent page: with a valid client_id and redirect_uri, redirects (302) back to the app with
 * `code` and `state`, or with `error=access_denied` when the decision is to deny.
 */
export function authorizeRedirect(
  state: FakeSlackState,
  query: URLSearchParams,
  decision: AuthorizationDecision,
): { status: number; location?: string; text: string } {
  if (query.get("client_id") !== state.config.clientId) return { status: 400, text: "invalid_client_id" };
  const redirectUri = query.get("redirect_uri");
  if (!redirectUri) return { status: 400, text: "bad_redirect_uri: this fake needs redirect_uri in the URL" };
  const target = new URL(redirectUri);
  const stateParam = query.get("state");
  if ("deny" in decision) {
    target.searchParams.set("error", "access_denied");
  } else {
    const split = (value: string | null) => (value ? value.split(",").filter((s) => s !== "") : undefined);
    const code = state.tokens.issueCode({
      teamId: query.get("team") ?? undefined,
      scopes: split(query.get("scope")),
      userScopes: split(query.get("user_scope")),
      ...decision,
      redirectUri,
    });
    target.searchParams.set("code", code);
  }
  if (stateParam !== null) target.searchParams.set("state", stateParam);
  return { status: 302, location: target.toString(), text: `Redirecting to ${target.toString()}` };
}
