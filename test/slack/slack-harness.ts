/**
 * The real server with the fake Slack and the fake SNS, driven the way Slack drives it: signed
 * slash commands (replies read from response_url), signed events and signed interactions.
 * Single-workspace mode (SLACK_BOT_TOKEN) by default; "oauth" stores an installation whose
 * installer is SLACK_IDS.userId. Commands are typed by SLACK_IDS.adminUserId (a manager) unless
 * `fields.user_id` says who else.
 */
import type { SlashCommand, ViewOutput } from "@slack/bolt";
import type { Environment } from "../../src/config";
import type { TestDatabaseKind } from "../support/databases";
import { type FakeSlack, type JsonObject, type StoredView, startFakeSlack } from "../support/fake-slack";
import { type FakeSns, startFakeSns } from "../support/fake-sns";
import { freePort } from "../support/ports";
import { startTestServer, TEST_SIGNING_SECRET, type TestServer } from "../support/server";
import { blockActionsPayload, buttonAction, SLACK_IDS, viewOutput } from "../support/slack-payloads";
import { postEvent, postInteraction, postSlashCommand, type SlackPostResult } from "../support/slack-signing";

/** Re-exported for the Slack e2e tests that import it from here. */
export { waitUntil } from "../support/wait-until";

export interface SlackHarness {
  app: TestServer;
  slack: FakeSlack;
  sns: FakeSns;
  botToken: string;
  /**
   * Types `/aws <text>` as the workspace admin (a manager) in SLACK_IDS' public channel, unless
   * `fields` say otherwise; resolves with the reply.
   */
  command(text: string, fields?: Partial<SlashCommand>): Promise<JsonObject>;
  /**
   * Clicks a button of a reply in SLACK_IDS' public channel, as the admin unless `userId` says who;
   * resolves with what the app answered through the click's response_url.
   */
  press(actionId: string, value: string, userId?: string): Promise<JsonObject>;
  event(event: { type: string }): Promise<SlackPostResult>;
  interaction(payload: { type: string }): Promise<SlackPostResult>;
  /** A stored view as Slack would echo it back in an interaction, with `values` as its state. */
  echo(view: StoredView, values?: ViewOutput["state"]["values"]): ViewOutput;
  /** Another workspace on the fake Slack, installed with one public channel the bot is in (OAuth mode). */
  /** Installs another workspace with one channel; `adminUserIds` are its workspace admins. */
  addTeam(teamId: string, channel: { id: string; name: string }, adminUserIds?: string[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SlackHarnessOptions {
  mode?: "single" | "oauth";
  /** More environment for the server (e.g. TOPIC_ACCESS, AWS_ENDPOINT_URL_STS). */
  env?: Environment;
  /** Topics the fake SNS has from the start (ARNs). */
  topics?: string[];
}

export async function startSlackHarness(
  kind: TestDatabaseKind,
  options: SlackHarnessOptions = {},
): Promise<SlackHarness> {
  const sns = await startFakeSns();
  for (const topic of options.topics ?? []) sns.createTopic(topic);
  const slack = await startFakeSlack();
  const { botToken } = slack.addWorkspace();
  const port = await freePort();
  const oauth = options.mode === "oauth";
  const app = await startTestServer({
    kind,
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SNS: sns.url,
      SNS_CERT_URL_PATTERN: sns.certUrlPattern.source,
      SLACK_API_URL: slack.url,
      ...(oauth
        ? {
            SLACK_CLIENT_ID: SLACK_IDS.clientId,
            SLACK_CLIENT_SECRET: SLACK_IDS.clientSecret,
            SLACK_STATE_SECRET: SLACK_IDS.stateSecret,
          }
        : { SLACK_BOT_TOKEN: botToken }),
      ...options.env,
    },
  });
  const install = async (
    teamId: string,
    teamName: string,
    token: string,
    bot: { userId: string; id: string },
  ) => {
    await app.server.slack.installationStore?.storeInstallation({
      team: { id: teamId, name: teamName },
      enterprise: undefined,
      isEnterpriseInstall: false,
      appId: SLACK_IDS.appId,
      tokenType: "bot",
      bot: {
        token,
        userId: bot.userId,
        id: bot.id,
        scopes: ["chat:write", "commands", "users:read"],
      },
      user: { id: SLACK_IDS.userId, token: undefined, scopes: undefined },
    });
  };
  if (oauth)
    await install(SLACK_IDS.teamId, SLACK_IDS.teamName, botToken, {
      userId: SLACK_IDS.botUserId,
      id: SLACK_IDS.botId,
    });
  return {
    app,
    slack,
    sns,
    botToken,
    async addTeam(teamId, channel, adminUserIds = []) {
      if (!oauth) throw new Error("addTeam needs the harness in OAuth mode");
      const users = adminUserIds.map((id) => ({ id, name: id.toLowerCase(), isAdmin: true }));
      const workspace = slack.addWorkspace({ teamId, channels: [{ ...channel, isMember: true }], users });
      await install(teamId, workspace.teamName, workspace.botToken, {
        userId: workspace.botUserId,
        id: workspace.botId,
      });
    },
    async command(text, fields = {}) {
      const responseUrl = slack.responseUrl();
      const answer = await postSlashCommand(app.url, TEST_SIGNING_SECRET, {
        text,
        response_url: responseUrl,
        user_id: SLACK_IDS.adminUserId,
        user_name: SLACK_IDS.adminUserName,
        ...fields,
      });
      if (answer.status !== 200) throw new Error(`slash command answered ${answer.status}: ${answer.body}`);
      const [reply] = await slack.waitForResponses(1, { url: responseUrl, timeoutMs: 15_000 });
      if (typeof reply.body === "string") throw new Error(`reply is not JSON: ${reply.body}`);
      if (reply.status !== 200)
        throw new Error(`Slack refused the reply (${reply.status}): ${JSON.stringify(reply.body)}`);
      return reply.body;
    },
    async press(actionId, value, userId = SLACK_IDS.adminUserId) {
      const responseUrl = slack.responseUrl();
      const payload = blockActionsPayload({
        actions: [buttonAction({ action_id: actionId, value })],
        channelId: SLACK_IDS.channelId,
        responseUrl,
        userId,
      });
      const answer = await postInteraction(app.url, TEST_SIGNING_SECRET, payload);
      if (answer.status !== 200) throw new Error(`the click answered ${answer.status}: ${answer.body}`);
      const [reply] = await slack.waitForResponses(1, { url: responseUrl, timeoutMs: 15_000 });
      if (typeof reply.body === "string") throw new Error(`reply is not JSON: ${reply.body}`);
      return reply.body;
    },
    event(event) {
      return postEvent(app.url, TEST_SIGNING_SECRET, event);
    },
    interaction(payload) {
      return postInteraction(app.url, TEST_SIGNING_SECRET, payload);
    },
    echo(view, values = {}) {
      const sent = view.view as unknown as Partial<ViewOutput>;
      return viewOutput({
        id: view.id,
        hash: view.hash,
        callback_id: String(view.view.callback_id ?? ""),
        private_metadata: String(view.view.private_metadata ?? ""),
        blocks: sent.blocks ?? [],
        state: { values },
      });
    },
    async stop() {
      await sns.close();
      await app.stop();
      await slack.close();
    },
  };
}

/**
 * A fresh harness for each test of the enclosing describe, stopped after it. Call at describe level;
 * the object returned stands for the current test's harness (its fields are replaced before each).
 */
export function slackHarnessForEachTest(
  kind: TestDatabaseKind,
  options: SlackHarnessOptions = {},
): SlackHarness {
  const current = {} as SlackHarness;
  // This test's own harness: when its start fails, afterEach has nothing to stop and the start's
  // error is the one reported (not a second stop of the previous test's harness).
  let started: SlackHarness | undefined;
  beforeEach(async () => {
    started = undefined;
    started = await startSlackHarness(kind, options);
    Object.assign(current, started);
  });
  afterEach(async () => {
    await started?.stop();
    started = undefined;
  });
  return current;
}

/** The mrkdwn and plain text of a reply or view, as one string to search. */
export function textOf(value: unknown): string {
  return JSON.stringify(value) ?? "";
}
