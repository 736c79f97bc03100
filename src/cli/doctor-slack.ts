/**
 * `chatbot doctor`'s Slack checks: each installation's bot token works (auth.test), has the scopes
 * of manifest.yml (Slack lists a token's scopes in auth.test's `x-oauth-scopes` header), and does
 * not silently expire (token rotation on, but nothing here to refresh it).
 */
import type { Installation } from "@slack/oauth";
import type { Config } from "../config";
import type { PrismaClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import { BOT_SCOPES } from "../slack/bolt-app";
import { PrismaInstallationStore } from "../slack/installation-store";
import { type CheckResult, failed, passed, reasonOf } from "./doctor-result";

const SLACK_TIMEOUT_MS = 10_000;

type AuthTest =
  | { ok: true; team: string; teamId: string; scopes?: string[]; expiresInSeconds?: number }
  | { ok: false; error: string; result: CheckResult };

/** What to do about each auth.test error a deployment meets. */
const TOKEN_FIXES: Record<string, string> = {
  invalid_auth: "the token is not valid: copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions",
  not_authed: "no token was sent: set SLACK_BOT_TOKEN",
  account_inactive: "the app was uninstalled or the workspace deactivated: reinstall the app",
  token_revoked: "the token was revoked: reinstall the app and use the new token",
  token_expired:
    "the token expired (token rotation): turn rotation off and reinstall, or use OAuth mode, which refreshes tokens",
};

/** auth.test with `token` at SLACK_API_URL; a failure names the host and never the token. */
async function authTest(apiUrl: string, token: string, who: string): Promise<AuthTest> {
  const host = new URL(apiUrl).host;
  let response: Response;
  try {
    response = await fetch(new URL("auth.test", apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      signal: AbortSignal.timeout(SLACK_TIMEOUT_MS),
    });
  } catch (error) {
    return {
      ok: false,
      error: "unreachable",
      result: failed(
        `Slack Web API at ${host} unreachable: ${reasonOf(error)}`,
        "check SLACK_API_URL (default https://slack.com/api/) and this host's outbound network or proxy",
      ),
    };
  }
  const text = await response.text();
  let body: { ok?: boolean; error?: string; team?: string; team_id?: string; expires_in?: number };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }
  if (response.status !== 200 || typeof body.ok !== "boolean") {
    return {
      ok: false,
      error: `http_${response.status}`,
      result: failed(
        `Slack Web API at ${host} answered HTTP ${response.status} to auth.test, not Slack's JSON`,
        "check SLACK_API_URL (default https://slack.com/api/)",
      ),
    };
  }
  if (!body.ok) {
    const error = body.error ?? "unknown_error";
    return {
      ok: false,
      error,
      result: failed(
        `${who} refused by Slack (${host}): ${error}`,
        TOKEN_FIXES[error] ?? "see https://docs.slack.dev/reference/methods/auth.test",
      ),
    };
  }
  const header = response.headers.get("x-oauth-scopes");
  return {
    ok: true,
    team: body.team ?? body.team_id ?? "?",
    teamId: body.team_id ?? "?",
    scopes: header === null ? undefined : header.split(",").map((scope) => scope.trim()),
    expiresInSeconds: typeof body.expires_in === "number" ? body.expires_in : undefined,
  };
}

function scopesCheck(workspace: string, scopes: readonly string[] | undefined, fix: string): CheckResult {
  if (scopes === undefined) {
    return failed(
      `Slack scopes of ${workspace}: Slack did not list them`,
      "reinstall the app from manifest.yml",
    );
  }
  const missing = BOT_SCOPES.filter((scope) => !scopes.includes(scope));
  if (missing.length === 0)
    return passed(`Slack scopes of ${workspace}: all ${BOT_SCOPES.length} of manifest.yml`);
  return failed(
    `Slack scopes of ${workspace}: missing ${missing.join(", ")}`,
    `add them under OAuth & Permissions → Scopes (or update the app from manifest.yml), then ${fix}`,
  );
}

/** SLACK_BOT_TOKEN (single-workspace mode, Socket Mode included). */
async function checkSingleWorkspace(apiUrl: string, botToken: string): Promise<CheckResult[]> {
  const answer = await authTest(apiUrl, botToken, "SLACK_BOT_TOKEN");
  if (!answer.ok) return [answer.result];
  const workspace = `${answer.team} (${answer.teamId})`;
  const rotation =
    answer.expiresInSeconds === undefined
      ? passed("token rotation: SLACK_BOT_TOKEN does not expire")
      : failed(
          `token rotation: SLACK_BOT_TOKEN expires in ${Math.round(answer.expiresInSeconds / 60)} min and nothing here refreshes it`,
          "turn token rotation off (token_rotation_enabled: false in manifest.yml, or OAuth & Permissions), reinstall and use the new xoxb-… token; or use OAuth mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET), which refreshes tokens",
        );
  return [
    passed(`Slack token works: workspace ${workspace} via ${new URL(apiUrl).host}`),
    scopesCheck(workspace, answer.scopes, "reinstall the app and copy the new token into SLACK_BOT_TOKEN"),
    rotation,
  ];
}

function rotationOf(
  workspace: string,
  bot: NonNullable<Installation["bot"]>,
  installUrl: string,
): CheckResult {
  if (bot.expiresAt === undefined) return passed(`token rotation of ${workspace}: the token does not expire`);
  if (bot.refreshToken) {
    return passed(
      `token rotation of ${workspace}: a refresh token is stored; the token is refreshed before use`,
    );
  }
  return failed(
    `token rotation of ${workspace}: the token expires and no refresh token is stored`,
    `reinstall the app at ${installUrl}`,
  );
}

/** Every stored installation (OAuth mode): token, scopes, rotation. */
async function checkInstallations(
  config: Config,
  prisma: PrismaClient,
  secrets: SecretBox | undefined,
): Promise<CheckResult[]> {
  const installUrl = `${config.publicUrl ?? "PUBLIC_URL"}/slack/install`;
  const rows = await prisma.installation.findMany({ orderBy: { installKey: "asc" } });
  if (rows.length === 0) {
    return [failed("Slack: no workspace has installed the app yet", `open ${installUrl} and click "Allow"`)];
  }
  if (secrets === undefined) {
    return [
      failed(
        "Slack installations cannot be read: no encryption key (ENCRYPTION_KEY, or data/encryption.key next to the SQLite file)",
        "set ENCRYPTION_KEY to the key the server used",
      ),
    ];
  }
  const store = new PrismaInstallationStore(prisma, secrets);
  const results: CheckResult[] = [];
  for (const row of rows) {
    const workspace = row.isEnterpriseInstall ? `enterprise ${row.enterpriseId}` : `workspace ${row.teamId}`;
    let installation: Installation;
    try {
      installation = await store.fetchInstallation({
        teamId: row.teamId ?? undefined,
        enterpriseId: row.enterpriseId ?? undefined,
        isEnterpriseInstall: row.isEnterpriseInstall,
      });
    } catch (error) {
      results.push(
        failed(
          `Slack ${workspace}: the stored installation cannot be read: ${reasonOf(error)}`,
          "set ENCRYPTION_KEY to the key the server used",
        ),
      );
      continue;
    }
    const bot = installation.bot;
    if (bot === undefined) {
      results.push(failed(`Slack ${workspace}: no bot token stored`, `reinstall the app at ${installUrl}`));
      continue;
    }
    const expired = bot.expiresAt !== undefined && bot.expiresAt * 1000 <= Date.now();
    if (expired && bot.refreshToken) {
      results.push(passed(`Slack ${workspace}: the token expired and is refreshed on next use`));
    } else {
      const answer = await authTest(config.slack.apiUrl, bot.token, `the bot token of ${workspace}`);
      if (!answer.ok) {
        results.push(answer.result);
        continue;
      }
      results.push(
        passed(`Slack token works: ${workspace} (${answer.team}) via ${new URL(config.slack.apiUrl).host}`),
      );
      results.push(scopesCheck(workspace, answer.scopes ?? bot.scopes, `reinstall the app at ${installUrl}`));
    }
    results.push(rotationOf(workspace, bot, installUrl));
  }
  return results;
}

export async function checkSlack(
  config: Config,
  db: { prisma: PrismaClient; secrets: SecretBox | undefined } | undefined,
): Promise<CheckResult[]> {
  if (config.slack.botToken !== undefined)
    return checkSingleWorkspace(config.slack.apiUrl, config.slack.botToken);
  if (db === undefined)
    return [failed("Slack installations not checked: the database is not usable", "fix the database first")];
  return checkInstallations(config, db.prisma, db.secrets);
}
