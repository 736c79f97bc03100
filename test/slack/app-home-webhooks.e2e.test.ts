/**
 * App Home's "Webhook rooms", end to end on the real server with the fake Slack and the fake SNS:
 * "Add webhook" → the modal → per-field errors (SSRF URLs, bad description, bad role, FIFO topic)
 * with nothing stored → a valid Amazon Chime webhook with topics in two Regions (URL stored only as
 * ciphertext, topics subscribed and confirmed) → listed redacted → "Remove" releasing only the
 * topics nothing else wants. The URL never reaches Slack nor the logs.
 */
import type { ViewStateValue } from "@slack/bolt";
import { describeEachDatabase } from "../support/databases";
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  buttonAction,
  SLACK_IDS,
  stateValue,
  viewSubmissionPayload,
} from "../support/slack-payloads";
import { slackHarnessForEachTest, textOf, waitUntil } from "./slack-harness";

const EAST = "arn:aws:sns:us-east-2:123456789012:alarms";
const WEST = "arn:aws:sns:eu-west-1:123456789012:security";
const TOKEN = "U2VjcmV0V2ViaG9va1Rva2VuMDEyMzQ1Njc4OQ";
const CHIME = `https://hooks.chime.aws/incomingwebhooks/6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f?token=${TOKEN}`;
const REDACTED = `hooks.chime.aws/…${TOKEN.slice(-4)}`;

const { text } = stateValue;

interface Form {
  url?: string;
  description?: string;
  roleArn?: string;
  topics?: string;
}

function values(form: Form): Record<string, Record<string, ViewStateValue>> {
  const entry = (id: string, value: string | undefined) => ({
    [id]: { [id]: value === undefined ? { type: "plain_text_input" } : text(value) },
  });
  return {
    ...entry("webhook_url", form.url),
    ...entry("webhook_description", form.description),
    ...entry("webhook_role_arn", form.roleArn),
    ...entry("webhook_topics", form.topics),
  };
}

describeEachDatabase("App Home webhook rooms", (kind) => {
  const h = slackHarnessForEachTest(kind, { topics: [EAST, WEST] });

  const prisma = () => h.app.server.db.prisma;
  const click = (actionId: string, value?: string) =>
    h.interaction(
      blockActionsPayload({
        actions: [buttonAction({ action_id: actionId, value })],
        userId: SLACK_IDS.adminUserId,
      }),
    );
  const submit = async (form: Form) => {
    const view = h.slack.lastModal();
    const answer = await h.interaction(
      viewSubmissionPayload({
        userId: SLACK_IDS.adminUserId,
        callbackId: "add_webhook",
        values: values(form),
        view: { id: view.id, blocks: h.echo(view).blocks },
      }),
    );
    expect(answer.status).toBe(200);
    return answer.json<{ response_action: string; errors?: Record<string, string> }>();
  };
  const homeText = () => textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view);
  const openForm = async (opened = 1) => {
    expect((await click("home_add_webhook")).status).toBe(200);
    await h.slack.waitForCalls("views.open", opened);
    expect(h.slack.lastModal().view.callback_id).toBe("add_webhook");
  };
  const valid: Form = {
    url: CHIME,
    description: "Ops-room/Alarms",
    roleArn: "arn:aws:iam::123456789012:role/AWSChatbotChime",
    topics: `${EAST}\n${WEST}`,
  };

  it("adds a Chime webhook with topics in two Regions, lists it redacted, and never shows the URL", async () => {
    await h.event(appHomeOpenedEvent({ user: SLACK_IDS.adminUserId }));
    await h.slack.waitForCalls("views.publish", 1);
    expect(homeText()).toContain("Webhook rooms");
    expect(homeText()).toContain("No webhook room yet");
    await openForm();

    const saved = await submit({ ...valid, topics: `${EAST}, ${WEST},${EAST}` });
    expect(saved.response_action).toBe("update");
    const [result] = await h.slack.waitForCalls("views.update", 1, {
      filter: (call) => textOf(call.args.view).includes("Webhook added"),
    });
    const resultText = textOf(result.args.view);
    expect(resultText).toContain("Ops-room/Alarms");
    expect(resultText).toContain(REDACTED);
    expect(resultText).toContain(EAST);
    expect(resultText).toContain(WEST);
    // Each topic shows its subscription state; the fake SNS may already have confirmed it through the
    // real endpoint by the time the result view is built, so either state is right.
    for (const topic of [EAST, WEST]) {
      expect(resultText).toMatch(new RegExp(`${topic}\` — \\S+ (pending confirmation|confirmed)`));
    }

    const row = await prisma().channelConfiguration.findFirstOrThrow({ include: { topics: true } });
    expect(row).toMatchObject({
      kind: "webhook",
      teamId: SLACK_IDS.teamId,
      createdBy: SLACK_IDS.adminUserId,
      webhookDescription: "Ops-room/Alarms",
      webhookProvider: "chime",
      iamRoleArn: "arn:aws:iam::123456789012:role/AWSChatbotChime",
      state: "active",
    });
    expect(row.webhookUrlEnc).not.toBeNull();
    expect(row.webhookUrlEnc).not.toContain(TOKEN);
    expect(row.webhookUrlEnc).not.toContain("hooks.chime.aws");
    expect(row.topics.map((t) => t.topicArn).sort()).toEqual([EAST, WEST].sort());

    // One Subscribe per topic, each in its own Region; the fake SNS confirms through the real endpoint.
    const subscribes = h.sns.callsOf("Subscribe");
    expect(subscribes.map((call) => call.params.TopicArn).sort()).toEqual([EAST, WEST].sort());
    expect(subscribes.map((call) => call.signingRegion).sort()).toEqual(["eu-west-1", "us-east-2"]);
    await h.sns.flush();
    await waitUntil(
      async () => (await prisma().topicSubscription.count({ where: { status: "confirmed" } })) === 2,
    );

    await waitUntil(() => homeText().includes("Ops-room/Alarms"));
    expect(homeText()).toContain(REDACTED);
    expect(homeText()).toContain("Amazon Chime");
    expect(homeText()).toContain("2 SNS topics");
    expect(homeText()).toContain("home_remove_webhook");
    expect(homeText()).toContain("created webhook Ops-room/Alarms");

    // Neither Slack nor the logs ever saw the URL or its token.
    for (const call of h.slack.calls()) expect(textOf(call.args)).not.toContain(TOKEN);
    expect(h.app.logs()).not.toContain(TOKEN);
  });

  it("answers per-field errors for SSRF URLs, a bad description, a bad role and a FIFO topic, storing nothing", async () => {
    await openForm();
    const ssrf = [
      "http://127.0.0.1/x",
      "https://169.254.169.254/",
      "https://hooks.chime.aws@evil.example/incomingwebhooks/x?token=y",
    ];
    for (const url of ssrf) {
      const answer = await submit({ ...valid, url });
      expect(answer.response_action).toBe("errors");
      expect(answer.errors?.webhook_url).toContain("The webhook URL was refused");
      expect(Object.keys(answer.errors ?? {})).toEqual(["webhook_url"]);
    }
    const userInfo = await submit({ ...valid, url: ssrf[2] });
    expect(userInfo.errors?.webhook_url).toContain("user information");
    expect(userInfo.errors?.webhook_url).not.toContain("evil.example");

    const bad = await submit({
      url: CHIME,
      description: "Ops-room",
      roleArn: "arn:aws:iam::123456789012:role/Chime_Role",
      topics: `${EAST}\narn:aws:sns:eu-west-1:123456789012:orders.fifo\nnot-an-arn`,
    });
    expect(bad.response_action).toBe("errors");
    expect(bad.errors?.webhook_url).toBeUndefined();
    expect(bad.errors?.webhook_description).toContain("Chat_room_name/Webhook_name");
    expect(bad.errors?.webhook_role_arn).toContain("letters and digits");
    expect(bad.errors?.webhook_topics).toContain("SNS cannot deliver FIFO topics");
    expect(bad.errors?.webhook_topics).toContain("not-an-arn");
    const roleName = await submit({ ...valid, roleArn: "AWSChatbotChime" });
    expect(roleName.errors?.webhook_role_arn).toContain("give the role's full ARN");
    const empty = await submit({ ...valid, topics: " , \n" });
    expect(empty.errors?.webhook_topics).toContain("at least one SNS topic");

    expect(await prisma().channelConfiguration.count()).toBe(0);
    expect(await prisma().auditEvent.count()).toBe(0);
    expect(h.sns.callsOf("Subscribe")).toHaveLength(0);
  });

  it("removes a webhook, releasing only the topics no other configuration wants", async () => {
    await openForm();
    expect((await submit(valid)).response_action).toBe("update");
    await h.slack.waitForCalls("views.update", 1, {
      filter: (call) => textOf(call.args.view).includes("Webhook added"),
    });
    // A second webhook of the same room wanting only EAST.
    await openForm(2);
    expect(
      (await submit({ ...valid, description: "Ops-room/Oncall", roleArn: "", topics: EAST })).response_action,
    ).toBe("update");
    await h.slack.waitForCalls("views.update", 2, {
      filter: (call) => textOf(call.args.view).includes("Webhook added"),
    });
    await h.sns.flush();
    await waitUntil(
      async () => (await prisma().topicSubscription.count({ where: { status: "confirmed" } })) === 2,
    );
    await waitUntil(() => homeText().includes("Ops-room/Oncall") && homeText().includes("Ops-room/Alarms"));
    expect(homeText()).toContain("2 webhooks in this workspace");

    const alarms = await prisma().channelConfiguration.findFirstOrThrow({
      where: { webhookDescription: "Ops-room/Alarms" },
    });
    expect((await click("home_remove_webhook", alarms.id)).status).toBe(200);
    await waitUntil(() => homeText().includes("Removed webhook"));
    expect(homeText()).not.toContain(`webhook_${alarms.id}`);
    expect(homeText()).toContain("Ops-room/Oncall");
    expect(await prisma().channelConfiguration.count({ where: { id: alarms.id } })).toBe(0);

    // WEST was only Alarms': unsubscribed. EAST is still Oncall's: kept.
    expect(h.sns.callsOf("Unsubscribe")).toHaveLength(1);
    const east = await prisma().topicSubscription.findUniqueOrThrow({ where: { topicArn: EAST } });
    const west = await prisma().topicSubscription.findUniqueOrThrow({ where: { topicArn: WEST } });
    expect(east.status).toBe("confirmed");
    expect(west.status).toBe("unsubscribed");
    expect(homeText()).toContain("removed webhook Ops-room/Alarms");

    // Removing it again (a double click) says it is gone; another team cannot remove Oncall.
    await click("home_remove_webhook", alarms.id);
    await waitUntil(() => homeText().includes("no longer exists"));
    const oncall = await prisma().channelConfiguration.findFirstOrThrow({ where: { kind: "webhook" } });
    await h.interaction(
      blockActionsPayload({
        actions: [buttonAction({ action_id: "home_remove_webhook", value: oncall.id })],
        teamId: "T0OTHERTEAM",
        userId: SLACK_IDS.adminUserId,
      }),
    );
    await waitUntil(
      () =>
        h.slack.calls("views.publish").filter((c) => textOf(c.args).includes("no longer exists")).length >= 2,
    );
    expect(await prisma().channelConfiguration.count({ where: { id: oncall.id } })).toBe(1);

    for (const call of h.slack.calls()) expect(textOf(call.args)).not.toContain(TOKEN);
    expect(h.app.logs()).not.toContain(TOKEN);
  });
});
