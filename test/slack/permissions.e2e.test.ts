/**
 * Issue 11's attacks, end to end on the real server with signed requests and the fake Slack (an
 * admin, a plain member and a guest): nobody but a manager changes anything, by command or by forged
 * App Home payloads; managers are added and removed; a configuration enters or leaves a channel only
 * through a manager in it; nothing a guest or member sees names a private channel or a topic.
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

const { adminUserId: ADMIN, userId: MEMBER, guestUserId: GUEST } = SLACK_IDS;
const PUBLIC = SLACK_IDS.channelId;
const PRIVATE = SLACK_IDS.privateChannelId;
const EAST = "arn:aws:sns:us-east-2:123456789012:alarms";
const SECRET_TOPIC = "arn:aws:sns:us-east-2:123456789012:secret-ops";

const { option, radio, conversation } = stateValue;
const form = (channelId: string, configurationId?: string) => ({
  callbackId: "configure_channel",
  privateMetadata: JSON.stringify({ regionCount: 1, ...(configurationId ? { configurationId } : {}) }),
  values: {
    channel: { channel: conversation(channelId) },
    role_mode: { role_mode: radio("none") },
    region_0: { region_0: option("us-east-2") },
    topics_0: { topics_0: { type: "plain_text_input", value: EAST } as ViewStateValue },
  },
});

describeEachDatabase("permissions", (kind) => {
  const h = slackHarnessForEachTest(kind, { topics: [EAST, SECRET_TOPIC] });

  const prisma = () => h.app.server.db.prisma;
  const as = (userId: string) => ({ user_id: userId });
  const homeOf = (userId: string) => textOf(h.slack.homeView(userId)?.view);

  it("a guest and a plain member change nothing by command; an admin's managers may, until removed", async () => {
    for (const userId of [GUEST, MEMBER]) {
      for (const text of [
        `subscribe ${EAST}`,
        "role template Chat",
        "role arn:aws:iam::123456789012:role/Chat",
        "test",
        "delete",
      ]) {
        const reply = textOf(await h.command(text, as(userId)));
        expect(reply).toContain("Only managers of AWS Chatbot can do that, and nothing was changed.");
        expect(reply).toContain("/aws managers add @you");
        expect(reply).not.toMatch(/awschatbot-[0-9a-f]{32}/);
      }
      expect(textOf(await h.command(`managers add <@${userId}>`, as(userId)))).toContain(
        "Only workspace admins and owners",
      );
    }
    expect(textOf(await h.command("delete", as(GUEST)))).toContain("Guests cannot change AWS Chatbot.");
    expect(await prisma().channelConfiguration.count()).toBe(0);
    expect(await prisma().workspaceManager.count()).toBe(0);
    expect(h.sns.callsOf("Subscribe")).toHaveLength(0);

    const added = textOf(await h.command(`managers add <@${MEMBER}|alice> <@${GUEST}|guest>`));
    expect(added).toContain(`<@${MEMBER}> can now manage AWS Chatbot`);
    expect(added).toContain("is a guest: guests are never managers");
    expect(textOf(await h.command("managers", as(GUEST)))).toContain(
      `the people added as managers: <@${MEMBER}>`,
    );
    expect(textOf(await h.command(`subscribe ${EAST}`, as(MEMBER)))).toContain(
      "Created the configuration *alerts*",
    );
    expect(textOf(await h.command(`subscribe ${EAST}`, as(GUEST)))).toContain("Guests cannot");

    expect(textOf(await h.command(`managers remove <@${MEMBER}>`))).toContain(
      `Removed <@${MEMBER}> from the managers`,
    );
    expect(textOf(await h.command("test", as(MEMBER)))).toContain("Only managers");
    const audit = await prisma().auditEvent.findMany({ where: { action: { startsWith: "managers." } } });
    expect(audit.map((a) => [a.action, a.userId]).sort()).toEqual([
      ["managers.added", ADMIN],
      ["managers.removed", ADMIN],
    ]);
  });

  it("forged App Home payloads from a guest and a member change nothing; a manager's succeed", async () => {
    await h.command(`subscribe ${EAST}`);
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();
    for (const userId of [GUEST, MEMBER]) {
      for (const actionId of [
        "home_delete_configuration",
        "home_test_configuration",
        "home_edit_configuration",
        "home_remove_webhook",
      ]) {
        const answer = await h.interaction(
          blockActionsPayload({
            actions: [buttonAction({ action_id: actionId, value: configuration.id })],
            userId,
          }),
        );
        expect(answer.status).toBe(200);
      }
      const submitted = await h.interaction(
        viewSubmissionPayload({ ...form(PUBLIC, configuration.id), userId }),
      );
      expect(textOf(await submitted.json())).toContain("Not allowed");
      const webhook = await h.interaction(
        viewSubmissionPayload({
          callbackId: "add_webhook",
          userId,
          values: { url: { url: "https://hooks.chime.aws/x" } },
        }),
      );
      expect(textOf(await webhook.json())).toContain("Not allowed");
      await waitUntil(() => (homeOf(userId).match(/Only managers of AWS Chatbot/g) ?? []).length > 0);
    }
    await waitUntil(() => h.slack.calls("views.publish").length >= 8);
    expect(h.slack.calls("views.open")).toHaveLength(0);
    expect(await prisma().channelConfiguration.count()).toBe(1);
    expect(await prisma().delivery.count()).toBe(0);

    await h.interaction(
      blockActionsPayload({
        actions: [buttonAction({ action_id: "home_delete_configuration", value: configuration.id })],
        userId: ADMIN,
      }),
    );
    await waitUntil(() => homeOf(ADMIN).includes("Deleted *alerts*"));
    expect(await prisma().channelConfiguration.count()).toBe(0);
  });

  it("App Home shows others only public channels' configurations, read-only, and who manages", async () => {
    await h.command(`subscribe ${EAST}`);
    await h.command(`subscribe ${SECRET_TOPIC}`, {
      channel_id: PRIVATE,
      channel_name: SLACK_IDS.privateChannelName,
    });
    for (const userId of [GUEST, MEMBER, ADMIN]) await h.event(appHomeOpenedEvent({ user: userId }));
    await waitUntil(() => [GUEST, MEMBER, ADMIN].every((u) => homeOf(u) !== ""));

    const admin = homeOf(ADMIN);
    expect(admin).toContain(SLACK_IDS.privateChannelName);
    expect(admin).toContain("home_delete_configuration");
    expect(admin).toContain("Delete configuration");
    expect(admin).toContain("home_remove_workspace");
    expect(admin).toContain(SECRET_TOPIC);
    for (const userId of [GUEST, MEMBER]) {
      const home = homeOf(userId);
      expect(home).toContain("*alerts* → <#C0FAKECHAN1>");
      expect(home).toContain("AWS Chatbot is managed by workspace admins and owners");
      expect(home).toContain("created alerts (#alerts)");
      for (const hidden of [PRIVATE, SLACK_IDS.privateChannelName, "arn:aws:", "home_", "123456789012"]) {
        expect(home).not.toContain(hidden);
      }
    }
  });

  it("a configuration from before migration 0002 (privacy unknown) shows to others once Slack says it is public", async () => {
    await h.command(`subscribe ${EAST}`);
    await prisma().channelConfiguration.updateMany({ data: { channelPrivate: null } });
    await h.event(appHomeOpenedEvent({ user: MEMBER }));
    await waitUntil(() => homeOf(MEMBER).includes("*alerts* → <#C0FAKECHAN1>"));
    expect((await prisma().channelConfiguration.findFirstOrThrow()).channelPrivate).toBe(false);
  });

  it("the form puts a configuration only in a channel the manager is in, and moves it only between two such", async () => {
    h.slack.addChannel({ id: "C0NOTMINE01", name: "not-mine", members: [MEMBER] });
    h.slack.addChannel({ id: "C0MINETOO01", name: "mine-too" });
    h.slack.updateChannel(PRIVATE, { isMember: false });
    const submit = async (channelId: string, configurationId?: string) => {
      const answer = await h.interaction(
        viewSubmissionPayload({ ...form(channelId, configurationId), userId: ADMIN }),
      );
      const json = await answer.json<{ response_action: string; errors?: Record<string, string> }>();
      // Field errors land on whichever block of the (here, forged: block-less) view shows them.
      return { ...json, problem: Object.values(json.errors ?? {}).join(" ") };
    };
    const notMine = await submit("C0NOTMINE01");
    expect(notMine.response_action).toBe("errors");
    expect(notMine.problem).toContain("You are not a member of #not-mine: join it first");
    const hidden = await submit(PRIVATE);
    expect(hidden.problem).toContain("run `/aws subscribe arn:aws:sns:…` in that channel");
    expect(await prisma().channelConfiguration.count()).toBe(0);

    expect((await submit(PUBLIC)).response_action).toBe("update");
    await waitUntil(async () => (await prisma().channelConfiguration.count()) === 1);
    const created = await prisma().channelConfiguration.findFirstOrThrow();
    expect(created).toMatchObject({ channelId: PUBLIC, channelPrivate: false, createdBy: ADMIN });
    const moveAway = await submit("C0NOTMINE01", created.id);
    expect(moveAway.problem).toContain("Moving a configuration needs you in both channels");
    // Leaving a channel needs membership too: the admin left #alerts.
    h.slack.updateChannel(PUBLIC, { members: [MEMBER] });
    const leave = await submit("C0MINETOO01", created.id);
    expect(leave.problem).toContain("You are not a member of #alerts");
    h.slack.updateChannel(PUBLIC, { members: undefined });
    expect((await submit("C0MINETOO01", created.id)).response_action).toBe("update");
    await waitUntil(
      async () => (await prisma().channelConfiguration.findFirstOrThrow()).channelId === "C0MINETOO01",
    );
    expect(h.slack.calls("conversations.members").length).toBeGreaterThan(0);
  });
});
