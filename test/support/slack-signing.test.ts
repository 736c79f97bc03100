/**
 * The signing helpers against Bolt's own verification, and the request builders against a real Bolt
 * App (HTTPReceiver) whose Web API calls go to the fake Slack.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, verifySlackRequest } from "@slack/bolt";
import { type FakeSlack, SLACK_IDS, startFakeSlack } from "./fake-slack";
import { silentSlackLogger } from "./fake-slack-logger";
import {
  appHomeOpenedEvent,
  appUninstalledEvent,
  blockActionsPayload,
  buttonAction,
  eventCallback,
  memberJoinedChannelEvent,
  tokensRevokedEvent,
  viewSubmissionPayload,
} from "./slack-payloads";
import {
  computeSlackSignature,
  postEvent,
  postInteraction,
  postSlashCommand,
  postUrlVerification,
  signSlackRequest,
} from "./slack-signing";
import { waitUntil } from "./wait-until";

const SECRET = SLACK_IDS.signingSecret;

describe("signSlackRequest", () => {
  const body = "token=x&command=%2Faws&text=help";

  function verify(headers: Record<string, string>, signingSecret: string = SECRET): void {
    verifySlackRequest({
      signingSecret,
      body,
      headers: {
        "x-slack-signature": headers["x-slack-signature"],
        "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]),
      },
    });
  }

  it("produces v0 signatures that Bolt's verifySlackRequest accepts", () => {
    const headers = signSlackRequest(SECRET, body);
    expect(headers["x-slack-signature"]).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(() => verify({ ...headers })).not.toThrow();
  });

  it("matches Slack's documented example", () => {
    // From Slack's "Verifying requests from Slack" guide.
    const example =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    expect(computeSlackSignature("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, example)).toBe(
      "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    );
  });

  it("is refused by Bolt with another secret or a stale timestamp", () => {
    expect(() => verify({ ...signSlackRequest(SECRET, body) }, "other-secret")).toThrow(/signature mismatch/);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect(() => verify({ ...signSlackRequest(SECRET, body, stale) })).toThrow(/stale/);
  });
});

describe("signed requests to a real Bolt app backed by the fake Slack", () => {
  let fake: FakeSlack;
  let app: App;
  let baseUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    fake = await startFakeSlack();
    const workspace = fake.addWorkspace({
      channels: [{ id: SLACK_IDS.channelId, name: SLACK_IDS.channelName }],
    });
    app = new App({
      token: workspace.botToken,
      signingSecret: SECRET,
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
      logger: silentSlackLogger(),
    });
    app.command("/aws", async ({ ack, command, respond, say }) => {
      await ack();
      await respond({ response_type: "ephemeral", text: `You typed: ${command.text}` });
      await say(`${command.user_id} asked for ${command.text}`);
    });
    app.event("app_home_opened", async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: "home", blocks: [{ type: "section", text: { type: "mrkdwn", text: "Hello" } }] },
      });
    });
    app.event("member_joined_channel", async ({ event }) => {
      seen.push(`joined ${event.channel}`);
    });
    app.event("app_uninstalled", async () => {
      seen.push("uninstalled");
    });
    app.event("tokens_revoked", async ({ event }) => {
      seen.push(`revoked ${event.tokens.bot?.join(",")}`);
    });
    app.action("retry_delivery", async ({ ack, respond }) => {
      await ack();
      await respond({ replace_original: false, text: "Retrying" });
    });
    app.view("configure_channel_submit", async ({ ack, view }) => {
      const topic = view.state.values.topic.arn.value ?? "";
      if (topic.startsWith("arn:aws:sns:")) await ack();
      else await ack({ response_action: "errors", errors: { topic: "Enter an SNS topic ARN" } });
    });
    const server = (await app.start(0)) as Server;
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.stop();
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    seen.length = 0;
  });

  it("delivers a slash command: ack, response_url reply and a message", async () => {
    const responseUrl = fake.responseUrl();
    const result = await postSlashCommand(baseUrl, SECRET, { text: "list", response_url: responseUrl });
    expect(result.status).toBe(200);
    const [reply] = await fake.waitForResponses(1, { url: responseUrl });
    expect(reply.body).toEqual({ response_type: "ephemeral", text: "You typed: list" });
    const [post] = await fake.waitForCalls("chat.postMessage", 1);
    expect(post.args).toMatchObject({
      channel: SLACK_IDS.channelId,
      text: `${SLACK_IDS.userId} asked for list`,
    });
  });

  it("rejects a bad, stale or missing signature with 401", async () => {
    for (const signature of ["bad", "stale", "missing"] as const) {
      const result = await postSlashCommand(baseUrl, SECRET, { text: "list" }, { signature });
      expect({ signature, status: result.status }).toEqual({ signature, status: 401 });
    }
    expect(fake.calls("chat.postMessage")).toEqual([]);
  });

  it("answers url_verification with the challenge", async () => {
    const result = await postUrlVerification(baseUrl, SECRET, "challenge-123");
    expect(result.status).toBe(200);
    expect(result.body).toContain("challenge-123");
  });

  it("delivers events, wrapped in an event_callback envelope", async () => {
    const home = await postEvent(baseUrl, SECRET, appHomeOpenedEvent());
    expect(home.status).toBe(200);
    await fake.waitForCalls("views.publish", 1);
    expect(fake.homeView(SLACK_IDS.userId)?.view).toMatchObject({ type: "home" });

    await postEvent(baseUrl, SECRET, eventCallback(memberJoinedChannelEvent()), {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    await postEvent(baseUrl, SECRET, appUninstalledEvent());
    await postEvent(baseUrl, SECRET, tokensRevokedEvent());
    await waitUntil(() => seen.length === 3);
    expect(seen).toEqual([`joined ${SLACK_IDS.channelId}`, "uninstalled", `revoked ${SLACK_IDS.botUserId}`]);
  });

  it("delivers block_actions with a response_url", async () => {
    const responseUrl = fake.responseUrl();
    const payload = blockActionsPayload({
      actions: [buttonAction({ action_id: "retry_delivery", value: "delivery-42" })],
      channelId: SLACK_IDS.channelId,
      responseUrl,
    });
    expect((await postInteraction(baseUrl, SECRET, payload)).status).toBe(200);
    const [reply] = await fake.waitForResponses(1, { url: responseUrl });
    expect(reply.body).toMatchObject({ text: "Retrying" });
  });

  it("delivers view_submission and returns the app's response_action", async () => {
    const bad = viewSubmissionPayload({
      callbackId: "configure_channel_submit",
      values: { topic: { arn: "nope" } },
    });
    const refused = await postInteraction(baseUrl, SECRET, bad);
    expect(refused.status).toBe(200);
    expect(refused.json()).toEqual({
      response_action: "errors",
      errors: { topic: "Enter an SNS topic ARN" },
    });
    const good = viewSubmissionPayload({
      callbackId: "configure_channel_submit",
      values: { topic: { arn: "arn:aws:sns:us-east-2:123456789012:alarms" } },
    });
    const accepted = await postInteraction(baseUrl, SECRET, good);
    expect([accepted.status, accepted.body]).toEqual([200, ""]);
  });
});
