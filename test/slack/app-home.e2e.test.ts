/**
 * App Home, the "configured clients" page, end to end: the Home tab, the "Configure new channel"
 * modal (Add another Region, the role template, per-field errors, submission), Edit, Send test
 * message, Delete channel, pagination and the notifications' console link button.
 */
import type { ViewStateValue } from "@slack/bolt";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { describeEachDatabase } from "../support/databases";
import type { StoredView } from "../support/fake-slack";
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  buttonAction,
  radioButtonsAction,
  SLACK_IDS,
  stateValue,
  viewSubmissionPayload,
} from "../support/slack-payloads";
import { slackHarnessForEachTest, textOf, waitUntil } from "./slack-harness";

const EAST = "arn:aws:sns:us-east-2:123456789012:alarms";
const WEST = "arn:aws:sns:eu-west-1:123456789012:security";

const { option, radio, text, conversation } = stateValue;

describeEachDatabase("App Home", (kind) => {
  const h = slackHarnessForEachTest(kind, { topics: [EAST, WEST] });

  const prisma = () => h.app.server.db.prisma;
  const click = (
    actionId: string,
    fields: {
      value?: string;
      view?: StoredView;
      values?: Record<string, Record<string, ViewStateValue>>;
      userId?: string;
    } = {},
  ) =>
    h.interaction(
      blockActionsPayload({
        actions: [buttonAction({ action_id: actionId, value: fields.value })],
        userId: fields.userId ?? SLACK_IDS.adminUserId,
        view: fields.view === undefined ? undefined : h.echo(fields.view, fields.values),
      }),
    );
  const submit = (values: Record<string, Record<string, ViewStateValue>>) => {
    const view = h.slack.lastModal();
    return h.interaction(
      viewSubmissionPayload({
        userId: SLACK_IDS.adminUserId,
        callbackId: "configure_channel",
        values,
        privateMetadata: String(view.view.private_metadata),
        view: { id: view.id, blocks: h.echo(view).blocks },
      }),
    );
  };

  it("Configure new channel: Regions, role template, field errors, then a confirmed subscription and a test message", async () => {
    const opened = await h.event(appHomeOpenedEvent({ user: SLACK_IDS.adminUserId }));
    expect(opened.status).toBe(200);
    const [home] = await h.slack.waitForCalls("views.publish", 1);
    expect(textOf(home.args.view)).toContain("Configure new channel");
    expect(textOf(home.args.view)).toContain("No channel is configured yet");

    expect((await click("home_configure_new")).status).toBe(200);
    await h.slack.waitForCalls("views.open", 1);
    expect(h.slack.lastModal().view.callback_id).toBe("configure_channel");

    // Add another Region keeps what was typed.
    const typed = {
      channel: { channel: conversation(SLACK_IDS.channelId) },
      name: { name: text("prod-alerts") },
      role_mode: { role_mode: radio("none") },
      region_0: { region_0: option("us-east-2") },
      topics_0: { topics_0: text(EAST) },
    };
    await click("configure_add_region", { view: h.slack.lastModal(), values: typed });
    await h.slack.waitForCalls("views.update", 1);
    const twoRegions = textOf(h.slack.lastModal().view);
    expect(twoRegions).toContain('"block_id":"region_1"');
    expect(twoRegions).toContain(`"initial_value":"${EAST}"`);
    expect(twoRegions).toContain('"initial_value":"prod-alerts"');
    expect(JSON.parse(String(h.slack.lastModal().view.private_metadata))).toEqual({ regionCount: 2 });

    // Choosing "Create an IAM role using a template" shows the policy and a role name field.
    const withWest = {
      ...typed,
      region_1: { region_1: option("eu-west-1") },
      topics_1: { topics_1: text(WEST) },
    };
    await h.interaction(
      blockActionsPayload({
        actions: [radioButtonsAction("role_mode", "template")],
        view: h.echo(h.slack.lastModal(), withWest),
        userId: SLACK_IDS.adminUserId,
      }),
    );
    await h.slack.waitForCalls("views.update", 2);
    const template = textOf(h.slack.lastModal().view);
    expect(template).toContain("Notification permissions");
    expect(template).toContain("cloudwatch:List*");
    expect(template).toContain('"block_id":"role_name"');
    expect(template).toContain(`"initial_value":"${WEST}"`);
    // The policy lets the role read the topics typed so far (the role proof of TOPIC_ACCESS).
    expect(template).toContain("sns:GetTopicAttributes");
    for (const arn of [EAST, WEST]) expect(template.split(arn).length - 1).toBeGreaterThanOrEqual(2);

    // Bad input: each problem on its field, nothing saved.
    const bad = await submit({
      ...withWest,
      role_mode: { role_mode: radio("template") },
      role_name: { role_name: text("bad role!") },
      topics_1: { topics_1: text(`${WEST}\narn:aws:sns:eu-west-1:123456789012:orders.fifo\n${EAST}`) },
    });
    expect(bad.status).toBe(200);
    const errors = bad.json<{ response_action: string; errors: Record<string, string> }>();
    expect(errors.response_action).toBe("errors");
    expect(errors.errors.role_name).toContain("letters, digits and + = , . @ - _");
    expect(errors.errors.topics_1).toContain("SNS cannot deliver FIFO topics");
    expect(errors.errors.topics_1).toContain("is in us-east-2, not eu-west-1");
    const noChannel = await submit({ ...withWest, channel: { channel: { type: "conversations_select" } } });
    expect(noChannel.json<{ errors: Record<string, string> }>().errors.channel).toContain("Pick a channel");
    expect(await prisma().channelConfiguration.count()).toBe(0);

    // A valid submission: "Saving", then the result with each topic's state.
    const saved = await submit({
      ...withWest,
      role_mode: { role_mode: radio("template") },
      role_name: { role_name: text("AWSChatbotNotify") },
    });
    expect(saved.json<{ response_action: string }>().response_action).toBe("update");
    const [result] = await h.slack.waitForCalls("views.update", 1, {
      filter: (call) => textOf(call.args.view).includes("Channel configured"),
    });
    const resultText = textOf(result.args.view);
    expect(resultText).toContain("prod-alerts");
    expect(resultText).toContain(EAST);
    expect(resultText).toContain(WEST);
    expect(resultText).toContain("AWSTemplateFormatVersion");
    const configuration = await prisma().channelConfiguration.findFirstOrThrow({ include: { topics: true } });
    expect(configuration).toMatchObject({
      name: "prod-alerts",
      channelId: SLACK_IDS.channelId,
      state: "active",
      iamRoleArn: "arn:aws:iam::123456789012:role/AWSChatbotNotify",
    });
    expect(configuration.topics.map((t) => t.topicArn).sort()).toEqual([EAST, WEST].sort());
    expect(resultText).toContain(String(configuration.externalId));

    // Fake SNS delivers the confirmations to the real endpoint; the server confirms.
    await h.sns.flush();
    await waitUntil(
      async () => (await prisma().topicSubscription.count({ where: { status: "confirmed" } })) === 2,
    );
    expect(h.sns.callsOf("ConfirmSubscription")).toHaveLength(2);

    // Home now lists the configuration; "Send test message" reaches the channel.
    await waitUntil(() => textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view).includes("prod-alerts"));
    const homeNow = h.slack.homeView(SLACK_IDS.adminUserId);
    expect(textOf(homeNow?.view)).toContain("prod-alerts");
    expect(textOf(homeNow?.view)).toContain("2 SNS topics");
    await click("home_test_configuration", { value: configuration.id });
    const [post] = await h.slack.waitForCalls("chat.postMessage", 1, { timeoutMs: 10_000 });
    expect(post.args.channel).toBe(SLACK_IDS.channelId);
    expect(textOf(post.args)).toContain("Test notification from AWS Chatbot");
    await waitUntil(() =>
      textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view).includes("test notification is on its way"),
    );
    const audit = textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view);
    expect(audit).toContain("Recent changes");
    expect(audit).toContain("sent a test notification to prod-alerts");
  });

  it("Edit changes topics and role: removed topics are released, new ones subscribed", async () => {
    await h.command(`subscribe ${EAST}`);
    await h.sns.flush();
    await waitUntil(async () => (await prisma().topicSubscription.findFirst())?.status === "confirmed");
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();

    await click("home_edit_configuration", { value: configuration.id });
    await h.slack.waitForCalls("views.open", 1);
    const form = textOf(h.slack.lastModal().view);
    expect(form).toContain("Edit configuration");
    expect(form).toContain(`"initial_value":"${EAST}"`);
    expect(form).toContain('"initial_conversation":"C0FAKECHAN1"');

    const saved = await submit({
      channel: { channel: conversation(SLACK_IDS.channelId) },
      name: { name: text("renamed") },
      role_mode: { role_mode: radio("existing") },
      role_arn: { role_arn: text("arn:aws:iam::123456789012:role/Existing") },
      region_0: { region_0: option("eu-west-1") },
      topics_0: { topics_0: text(WEST) },
    });
    expect(saved.json<{ response_action: string }>().response_action).toBe("update");
    await h.slack.waitForCalls("views.update", 1, {
      filter: (c) => textOf(c.args.view).includes("Configuration saved"),
    });
    const updated = await prisma().channelConfiguration.findFirstOrThrow({ include: { topics: true } });
    expect(updated).toMatchObject({ name: "renamed", iamRoleArn: "arn:aws:iam::123456789012:role/Existing" });
    expect(updated.topics.map((t) => t.topicArn)).toEqual([WEST]);
    expect(h.sns.callsOf("Unsubscribe")).toHaveLength(1);
    expect((await prisma().topicSubscription.findUniqueOrThrow({ where: { topicArn: EAST } })).status).toBe(
      "unsubscribed",
    );
    const actions = (await prisma().auditEvent.findMany()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["configuration.updated", "topics.unsubscribed"]));
  });

  it("the form refuses a name another configuration has and a channel that is already configured", async () => {
    h.slack.addChannel({ id: "C0OTHERCH01", name: "other" });
    await h.command(`subscribe ${EAST}`);
    await click("home_configure_new");
    await h.slack.waitForCalls("views.open", 1);
    const taken = await submit({
      channel: { channel: conversation(SLACK_IDS.channelId) },
      name: { name: text("ALERTS") },
      role_mode: { role_mode: radio("none") },
    });
    const errors = taken.json<{ errors: Record<string, string> }>().errors;
    expect(errors.channel).toContain('already has a configuration, "alerts"');
    expect(errors.name).toContain("already the name of another configuration");
    expect(await prisma().channelConfiguration.count()).toBe(1);
  });

  it("Delete channel removes the configuration and says so on the Home tab", async () => {
    await h.command(`subscribe ${EAST}`);
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();
    expect((await click("home_delete_configuration", { value: configuration.id })).status).toBe(200);
    await waitUntil(() => textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view).includes("Deleted *alerts*"));
    expect(await prisma().channelConfiguration.count()).toBe(0);
    // A second click on the stale button explains instead of failing.
    await click("home_delete_configuration", { value: configuration.id });
    await waitUntil(() => textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view).includes("no longer exists"));
  });

  it("paginates a workspace with many configurations", async () => {
    for (let i = 0; i < 30; i += 1) {
      await createSlackConfiguration(prisma(), {
        teamId: SLACK_IDS.teamId,
        channelId: `C0PAGE${String(i).padStart(5, "0")}`,
        name: `page-${String(i).padStart(2, "0")}`,
      });
    }
    await h.event(appHomeOpenedEvent({ user: SLACK_IDS.adminUserId }));
    await h.slack.waitForCalls("views.publish", 1);
    const first = h.slack.homeView(SLACK_IDS.adminUserId)?.view;
    expect(first?.blocks).toBeInstanceOf(Array);
    expect((first?.blocks as unknown[] | undefined)?.length).toBeLessThanOrEqual(100);
    expect(textOf(first)).toContain("Showing 1–25 of 30 configurations");
    expect(textOf(first)).not.toContain("page-25");
    await click("home_page_next", { value: "1" });
    await waitUntil(() =>
      textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view).includes("Showing 26–30 of 30"),
    );
    expect(textOf(h.slack.homeView(SLACK_IDS.adminUserId)?.view)).toContain("page-29");
  });

  it("acknowledges the console link button of notifications", async () => {
    const started = Date.now();
    const answer = await h.interaction(
      blockActionsPayload({
        actions: [buttonAction({ action_id: "open_aws_console", url: "https://console.aws.amazon.com/" })],
        channelId: SLACK_IDS.channelId,
      }),
    );
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
