/**
 * "Add to Slack" end to end on the real server: install page → consent (fake Slack) → callback →
 * oauth.v2.access → installation stored encrypted; token rotation; signed events; uninstall.
 */
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { describeEachDatabase } from "../support/databases";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack";
import { freePort } from "../support/ports";
import { startTestServer, TEST_SIGNING_SECRET, type TestServer } from "../support/server";
import {
  appHomeOpenedEvent,
  appUninstalledEvent,
  SLACK_IDS,
  tokensRevokedEvent,
} from "../support/slack-payloads";
import { postEvent, postSlashCommand } from "../support/slack-signing";
import { waitUntil } from "../support/wait-until";

const INSTALL_QUERY = {
  teamId: SLACK_IDS.teamId,
  enterpriseId: undefined,
  isEnterpriseInstall: false,
} as const;

async function startOAuthServer(kind: "sqlite" | "postgres", fake: FakeSlack): Promise<TestServer> {
  const port = await freePort();
  return startTestServer({
    kind,
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SLACK_API_URL: fake.url,
      SLACK_CLIENT_ID: SLACK_IDS.clientId,
      SLACK_CLIENT_SECRET: SLACK_IDS.clientSecret,
      SLACK_STATE_SECRET: SLACK_IDS.stateSecret,
    },
  });
}

/** Walks the browser side of the install and returns the callback's response. */
async function install(app: TestServer, fake: FakeSlack): Promise<Response> {
  const page = await fetch(`${app.url}/slack/install`);
  expect(page.status).toBe(200);
  const cookie = page.headers.get("set-cookie")?.split(";")[0];
  expect(cookie).toMatch(/^slack-app-oauth-state=/);
  const html = await page.text();
  const authorizeUrl = /href="(https:\/\/slack\.com\/oauth[^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
  expect(authorizeUrl).toContain("https://slack.com/oauth/v2/authorize");
  expect(new URL(authorizeUrl ?? "").searchParams.get("scope")).toBe(
    "chat:write,chat:write.public,commands,channels:read,groups:read,files:write,users:read",
  );
  const callback = fake.completeAuthorization(authorizeUrl ?? "");
  expect(callback.startsWith(`${app.url}/slack/oauth_redirect?`)).toBe(true);
  return fetch(callback, { headers: { cookie: cookie ?? "" }, redirect: "manual" });
}

describeEachDatabase("OAuth install", (kind) => {
  let fake: FakeSlack;
  let app: TestServer;

  beforeEach(async () => {
    fake = await startFakeSlack({ tokenRotation: true });
    app = await startOAuthServer(kind, fake);
  });
  afterEach(async () => {
    await app.stop();
    await fake.close();
  });

  it("installs, stores the tokens encrypted, welcomes the installer, and answers signed requests", async () => {
    const callback = await install(app, fake);
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain("/aws help");

    const exchange = fake.calls("oauth.v2.access");
    expect(exchange).toHaveLength(1);
    const botToken = String(exchange[0].response?.access_token);
    const refreshToken = String(exchange[0].response?.refresh_token);
    expect(botToken).toMatch(/^xoxe\.xoxb-/);

    const rows = await app.server.db.prisma.installation.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ teamId: SLACK_IDS.teamId, installerUserId: SLACK_IDS.userId });
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(botToken);
    expect(stored).not.toContain(refreshToken);
    const installation = await app.server.slack.installationStore?.fetchInstallation(INSTALL_QUERY);
    expect(installation?.bot?.token).toBe(botToken);
    expect(installation?.bot?.refreshToken).toBe(refreshToken);

    const [welcome] = await fake.waitForCalls("views.publish", 1);
    expect(welcome.args.user_id).toBe(SLACK_IDS.userId);
    expect(JSON.stringify(welcome.args.view)).toContain("/aws help");

    // A signed slash command is answered with the usage, through response_url.
    const responseUrl = fake.responseUrl();
    const command = await postSlashCommand(app.url, TEST_SIGNING_SECRET, {
      text: "help",
      response_url: responseUrl,
    });
    expect(command.status).toBe(200);
    const [reply] = await fake.waitForResponses(1, { url: responseUrl });
    expect(JSON.stringify(reply.body)).toContain("subscribe ARN");

    // App Home opened → the welcome view, published with the stored bot token.
    fake.reset();
    const opened = await postEvent(app.url, TEST_SIGNING_SECRET, appHomeOpenedEvent());
    expect(opened.status).toBe(200);
    const [home] = await fake.waitForCalls("views.publish", 1);
    expect(home.token).toBe(botToken);

    expect(app.logs()).not.toContain(botToken);
    expect(app.logs()).not.toContain(refreshToken);
  });

  it("refreshes a token that expires soon and stores the rotated pair", async () => {
    await fake.close();
    await app.stop();
    // Tokens that live one hour are inside @slack/oauth's two-hour refresh window at once.
    fake = await startFakeSlack({ tokenRotation: true, tokenLifetimeSeconds: 3600 });
    app = await startOAuthServer(kind, fake);
    expect((await install(app, fake)).status).toBe(200);
    const first = await app.server.slack.installationStore?.fetchInstallation(INSTALL_QUERY);

    const opened = await postEvent(app.url, TEST_SIGNING_SECRET, appHomeOpenedEvent());
    expect(opened.status).toBe(200);
    await fake.waitForCalls("views.publish", 2);
    const refresh = fake.calls("oauth.v2.access").filter((call) => call.args.grant_type === "refresh_token");
    expect(refresh).toHaveLength(1);
    expect(refresh[0].args.refresh_token).toBe(first?.bot?.refreshToken);

    const rotated = await app.server.slack.installationStore?.fetchInstallation(INSTALL_QUERY);
    expect(rotated?.bot?.token).toBe(refresh[0].response?.access_token);
    expect(rotated?.bot?.refreshToken).toBe(refresh[0].response?.refresh_token);
    expect(rotated?.bot?.refreshToken).not.toBe(first?.bot?.refreshToken);
    const publishes = fake.calls("views.publish");
    expect(publishes[publishes.length - 1].token).toBe(rotated?.bot?.token);
  });

  it("a consent the user denied installs nothing", async () => {
    fake.setAuthorization({ deny: true });
    const callback = await install(app, fake);
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(await app.server.db.prisma.installation.count()).toBe(0);
  });

  it("a callback without the browser's state cookie installs nothing", async () => {
    const page = await fetch(`${app.url}/slack/install`);
    const authorizeUrl =
      /href="(https:\/\/slack\.com\/oauth[^"]+)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "";
    const callback = await fetch(fake.completeAuthorization(authorizeUrl), { redirect: "manual" });
    expect(callback.status).toBeGreaterThanOrEqual(400);
    expect(fake.calls("oauth.v2.access")).toHaveLength(0);
    expect(await app.server.db.prisma.installation.count()).toBe(0);
  });

  it.each(["missing", "bad", "stale"] as const)(
    "a request with a %s signature gets 401 and changes nothing",
    async (signature) => {
      expect((await install(app, fake)).status).toBe(200);
      const uninstall = await postEvent(app.url, TEST_SIGNING_SECRET, appUninstalledEvent(), { signature });
      expect(uninstall.status).toBe(401);
      const command = await postSlashCommand(app.url, TEST_SIGNING_SECRET, { text: "help" }, { signature });
      expect(command.status).toBe(401);
      expect(await app.server.db.prisma.installation.count()).toBe(1);
    },
  );

  it("app_uninstalled deletes the workspace's tokens and configurations", async () => {
    expect((await install(app, fake)).status).toBe(200);
    const prisma = app.server.db.prisma;
    await createSlackConfiguration(prisma, {
      teamId: SLACK_IDS.teamId,
      channelId: SLACK_IDS.channelId,
      name: "alerts",
    });
    await createSlackConfiguration(prisma, {
      teamId: SLACK_IDS.otherTeamId,
      channelId: "C0OTHER",
      name: "alerts",
    });

    const response = await postEvent(app.url, TEST_SIGNING_SECRET, appUninstalledEvent());
    expect(response.status).toBe(200);
    await waitUntil(async () => (await prisma.installation.count()) === 0);
    expect(await prisma.channelConfiguration.findMany({ select: { teamId: true } })).toEqual([
      { teamId: SLACK_IDS.otherTeamId },
    ]);
  });

  it("tokens_revoked for the bot deletes the workspace's tokens; for users only, nothing", async () => {
    expect((await install(app, fake)).status).toBe(200);
    const prisma = app.server.db.prisma;
    await postEvent(app.url, TEST_SIGNING_SECRET, tokensRevokedEvent({ oauth: [SLACK_IDS.userId], bot: [] }));
    expect(await prisma.installation.count()).toBe(1);
    await postEvent(app.url, TEST_SIGNING_SECRET, tokensRevokedEvent({ bot: [SLACK_IDS.botUserId] }));
    await waitUntil(async () => (await prisma.installation.count()) === 0);
  });
});
