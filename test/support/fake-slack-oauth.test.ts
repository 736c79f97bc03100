/**
 * OAuth v2 on the fake Slack: the full "Add to Slack" round trip through @slack/oauth's
 * InstallProvider (install path → consent page → callback → oauth.v2.access → auth.test), token
 * rotation through InstallProvider.authorize, and oauth.v2.access's errors.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { InstallProvider, MemoryInstallationStore } from "@slack/oauth";
import { ErrorCode } from "@slack/web-api";
import {
  DEFAULT_BOT_SCOPES,
  type FakeSlack,
  type FakeSlackOptions,
  SLACK_IDS,
  startFakeSlack,
} from "./fake-slack";
import { silentSlackLogger } from "./fake-slack-logger";

const INSTALL_QUERY = { teamId: SLACK_IDS.teamId, enterpriseId: undefined, isEnterpriseInstall: false };

interface AppUnderTest {
  origin: string;
  store: MemoryInstallationStore;
  installer: InstallProvider;
  close(): Promise<void>;
}

/** A minimal app serving /slack/install and /slack/oauth_redirect with InstallProvider. */
async function startOAuthApp(fake: FakeSlack): Promise<AppUnderTest> {
  const store = new MemoryInstallationStore();
  let origin = "";
  const installer = new InstallProvider({
    clientId: SLACK_IDS.clientId,
    clientSecret: SLACK_IDS.clientSecret,
    stateSecret: SLACK_IDS.stateSecret,
    installationStore: store,
    directInstall: true,
    authorizationUrl: fake.authorizeUrl,
    clientOptions: { slackApiUrl: fake.url },
    logger: silentSlackLogger(),
  });
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path === "/slack/install") {
      const redirectUri = `${origin}/slack/oauth_redirect`;
      void installer.handleInstallPath(req, res, {}, { scopes: ["chat:write", "commands"], redirectUri });
    } else if (path === "/slack/oauth_redirect") {
      void installer.handleCallback(req, res, {
        success: (_installation, _options, _req, response) => response.writeHead(200).end("installed"),
        failure: (error, _options, _req, response) =>
          response.writeHead(500).end(`failed: ${error.code} ${error.message}`),
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    store,
    installer,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Follows "Add to Slack" like a browser: install path → consent page → callback (with the state cookie). */
async function addToSlack(app: AppUnderTest): Promise<Response> {
  const install = await fetch(`${app.origin}/slack/install`, { redirect: "manual" });
  expect(install.status).toBe(302);
  const cookie = (install.headers.get("set-cookie") ?? "").split(";")[0];
  const consent = await fetch(install.headers.get("location")!, { redirect: "manual" });
  expect(consent.status).toBe(302);
  return fetch(consent.headers.get("location")!, { headers: { cookie }, redirect: "manual" });
}

async function withFake(options: FakeSlackOptions, run: (fake: FakeSlack) => Promise<void>): Promise<void> {
  const fake = await startFakeSlack(options);
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

describe("fake Slack OAuth with @slack/oauth InstallProvider", () => {
  it("installs through the consent page and stores a rotating installation", () =>
    withFake({ tokenRotation: true }, async (fake) => {
      const app = await startOAuthApp(fake);
      try {
        const callback = await addToSlack(app);
        expect([callback.status, await callback.text()]).toEqual([200, "installed"]);
        const installation = await app.store.fetchInstallation(INSTALL_QUERY);
        expect(installation).toMatchObject({
          team: { id: SLACK_IDS.teamId, name: SLACK_IDS.teamName },
          user: { id: SLACK_IDS.userId },
          bot: {
            scopes: ["chat:write", "commands"],
            userId: SLACK_IDS.botUserId,
            id: SLACK_IDS.botId,
          },
          appId: SLACK_IDS.appId,
          tokenType: "bot",
          isEnterpriseInstall: false,
          authVersion: "v2",
        });
        expect(installation.bot?.token).toMatch(/^xoxe\.xoxb-1-/);
        expect(installation.bot?.refreshToken).toMatch(/^xoxe-1-/);
        expect(installation.bot?.expiresAt).toBeCloseTo(Date.now() / 1000 + 43200, -1);
        expect(fake.isTokenValid(installation.bot!.token)).toBe(true);
        expect(fake.calls().map((c) => c.method)).toEqual(["oauth.v2.access", "auth.test"]);
        expect(fake.calls("oauth.v2.access")[0].args).toMatchObject({
          client_id: SLACK_IDS.clientId,
          redirect_uri: `${app.origin}/slack/oauth_redirect`,
        });
      } finally {
        await app.close();
      }
    }));

  it("rotates tokens when InstallProvider.authorize finds them about to expire", () =>
    withFake({ tokenRotation: true, tokenLifetimeSeconds: 3600 }, async (fake) => {
      const app = await startOAuthApp(fake);
      try {
        await addToSlack(app);
        // Copied: InstallProvider updates the stored installation object in place.
        const installed = structuredClone(await app.store.fetchInstallation(INSTALL_QUERY));
        const authorized = await app.installer.authorize(INSTALL_QUERY);
        expect(authorized.botToken).toMatch(/^xoxe\.xoxb-1-/);
        expect(authorized.botToken).not.toBe(installed.bot?.token);
        expect(authorized.botRefreshToken).not.toBe(installed.bot?.refreshToken);
        expect(fake.calls("oauth.v2.access").at(-1)?.args).toMatchObject({ grant_type: "refresh_token" });
        expect((await app.store.fetchInstallation(INSTALL_QUERY)).bot?.token).toBe(authorized.botToken);
        await expect(fake.webClient(authorized.botToken).auth.test()).resolves.toMatchObject({
          team_id: SLACK_IDS.teamId,
          expires_in: expect.any(Number),
        });
        // Refresh tokens are single-use: the installed one was revoked by the rotation.
        const reuse = await fake
          .webClient()
          .oauth.v2.access({
            client_id: SLACK_IDS.clientId,
            client_secret: SLACK_IDS.clientSecret,
            grant_type: "refresh_token",
            refresh_token: installed.bot!.refreshToken!,
          })
          .catch((e: unknown) => e);
        expect(reuse).toMatchObject({
          code: ErrorCode.PlatformError,
          data: { error: "invalid_refresh_token" },
        });
      } finally {
        await app.close();
      }
    }));

  it("completes an authorize URL addressed to slack.com (completeAuthorization)", () =>
    withFake({}, async (fake) => {
      const app = await startOAuthApp(fake);
      try {
        const install = await fetch(`${app.origin}/slack/install`, { redirect: "manual" });
        const cookie = (install.headers.get("set-cookie") ?? "").split(";")[0];
        const slackUrl = new URL(install.headers.get("location")!);
        const asIfSlack = `https://slack.com/oauth/v2/authorize${slackUrl.search}`;
        const callback = await fetch(fake.completeAuthorization(asIfSlack), { headers: { cookie } });
        expect(callback.status).toBe(200);
        expect((await app.store.fetchInstallation(INSTALL_QUERY)).bot?.token).toMatch(/^xoxb-/);
      } finally {
        await app.close();
      }
    }));

  it("redirects with error=access_denied when the user cancels", () =>
    withFake({}, async (fake) => {
      const app = await startOAuthApp(fake);
      try {
        fake.setAuthorization({ deny: true });
        const install = await fetch(`${app.origin}/slack/install`, { redirect: "manual" });
        const consent = await fetch(install.headers.get("location")!, { redirect: "manual" });
        const back = new URL(consent.headers.get("location")!);
        expect(back.searchParams.get("error")).toBe("access_denied");
        expect(back.searchParams.get("state")).toBeTruthy();
        expect(back.searchParams.get("code")).toBeNull();
      } finally {
        await app.close();
      }
    }));
});

describe("fake Slack oauth.v2.access", () => {
  let fake: FakeSlack;
  const noToken = () => fake.webClient();
  const credentials = { client_id: SLACK_IDS.clientId, client_secret: SLACK_IDS.clientSecret };
  const rawAccess = (body: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${fake.url}oauth.v2.access`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(body).toString(),
    }).then((r) => r.json() as Promise<Record<string, unknown>>);
  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`,
  });

  beforeAll(async () => {
    fake = await startFakeSlack();
  });

  afterAll(async () => {
    await fake.close();
  });

  it("exchanges a code for a permanent bot token in Slack's response shape", async () => {
    const result = await noToken().oauth.v2.access({ ...credentials, code: fake.authorizeCode() });
    expect(result).toMatchObject({
      ok: true,
      app_id: SLACK_IDS.appId,
      authed_user: { id: SLACK_IDS.userId },
      scope: DEFAULT_BOT_SCOPES.join(","),
      token_type: "bot",
      bot_user_id: SLACK_IDS.botUserId,
      team: { id: SLACK_IDS.teamId, name: SLACK_IDS.teamName },
      enterprise: null,
      is_enterprise_install: false,
    });
    expect(result.access_token).toMatch(/^xoxb-/);
    expect(result).not.toHaveProperty("refresh_token");
    expect(result).not.toHaveProperty("expires_in");
    expect(result).not.toHaveProperty("incoming_webhook");
    expect(result.authed_user).not.toHaveProperty("access_token");
  });

  it("issues a user token for user scopes and handles org-wide installs", async () => {
    const code = fake.authorizeCode({
      teamId: "T0ORGMEMBER",
      enterprise: { id: SLACK_IDS.enterpriseId, name: SLACK_IDS.enterpriseName },
      isEnterpriseInstall: true,
      userScopes: ["identity.basic"],
    });
    const result = await rawAccess({ code }, basic(SLACK_IDS.clientId, SLACK_IDS.clientSecret));
    expect(result).toMatchObject({
      ok: true,
      team: null,
      enterprise: { id: SLACK_IDS.enterpriseId, name: SLACK_IDS.enterpriseName },
      is_enterprise_install: true,
      authed_user: { id: SLACK_IDS.userId, scope: "identity.basic", token_type: "user" },
    });
    expect((result.authed_user as Record<string, string>).access_token).toMatch(/^xoxp-/);
  });

  it("checks client credentials from HTTP Basic or form fields", async () => {
    const code = fake.authorizeCode();
    await expect(rawAccess({ code }, basic("1.2", SLACK_IDS.clientSecret))).resolves.toEqual({
      ok: false,
      error: "invalid_client_id",
    });
    await expect(rawAccess({ code }, basic(SLACK_IDS.clientId, "wrong"))).resolves.toEqual({
      ok: false,
      error: "bad_client_secret",
    });
    await expect(rawAccess({ code, client_id: SLACK_IDS.clientId, client_secret: "wrong" })).resolves.toEqual(
      {
        ok: false,
        error: "bad_client_secret",
      },
    );
    await expect(rawAccess({ code })).resolves.toEqual({ ok: false, error: "invalid_client_id" });
  });

  it("refuses unknown and reused codes, a mismatched redirect_uri and unknown grant types", async () => {
    await expect(noToken().oauth.v2.access({ ...credentials, code: "nope" })).rejects.toMatchObject({
      data: { error: "invalid_code" },
    });
    const code = fake.authorizeCode();
    await noToken().oauth.v2.access({ ...credentials, code });
    await expect(noToken().oauth.v2.access({ ...credentials, code })).rejects.toMatchObject({
      data: { error: "invalid_code" },
    });
    const withRedirect = fake.authorizeCode({ redirectUri: "https://app.example/slack/oauth_redirect" });
    await expect(
      noToken().oauth.v2.access({
        ...credentials,
        code: withRedirect,
        redirect_uri: "https://evil.example/",
      }),
    ).rejects.toMatchObject({ data: { error: "bad_redirect_uri" } });
    await expect(rawAccess({ ...credentials, grant_type: "password" })).resolves.toEqual({
      ok: false,
      error: "invalid_grant_type",
    });
  });

  it("rotates a workspace registered with a refresh token", async () => {
    const workspace = fake.addWorkspace({ teamId: SLACK_IDS.otherTeamId, rotating: true });
    expect(workspace.botToken).toMatch(/^xoxe\.xoxb-1-/);
    const result = await noToken().oauth.v2.access({
      ...credentials,
      grant_type: "refresh_token",
      refresh_token: workspace.refreshToken!,
    });
    expect(result).toMatchObject({
      ok: true,
      token_type: "bot",
      expires_in: 43200,
      bot_user_id: workspace.botUserId,
      team: { id: SLACK_IDS.otherTeamId },
    });
    expect(result.refresh_token).toMatch(/^xoxe-1-/);
    expect(fake.workspace(SLACK_IDS.otherTeamId)?.botToken).toBe(result.access_token);
    // The previous access token stays valid until it expires, as with Slack.
    expect(fake.isTokenValid(workspace.botToken)).toBe(true);
  });
});
