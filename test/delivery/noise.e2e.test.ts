/**
 * Noise control end to end (issue 13): signed `/aws mention|mute|unmute` commands and signed clicks
 * on a notification's Acknowledge button and Mute menu, against the real server, signed SNS posts,
 * the fake Slack; the server's mute clock is the test's.
 */
import type { BlockAction } from "@slack/bolt";
import { NOTIFICATION_ACTIONS } from "../../src/delivery/notification-controls";
import { describeEachDatabase } from "../support/databases";
import type { StoredMessage } from "../support/fake-slack";
import { TEST_SIGNING_SECRET } from "../support/server";
import { appHomeOpenedEvent, blockActionsPayload, buttonAction, SLACK_IDS } from "../support/slack-payloads";
import { postEvent, postInteraction, postSlashCommand } from "../support/slack-signing";
import { type Harness, startHarness } from "./harness";
import { alarmMessage, eventually, topicArn, type WorldChannel } from "./world";

const HOUR = 3_600_000;
const ADMIN: string = SLACK_IDS.adminUserId;
const MEMBER: string = SLACK_IDS.userId;

describeEachDatabase("noise control", (kind) => {
  let h: Harness;
  let channel: WorldChannel;
  let now: Date;
  const topic = topicArn("noisy");

  beforeEach(async () => {
    now = new Date();
    h = await startHarness(kind, { now: () => now });
    channel = await h.channel({ topicArns: [topic] });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function command(text: string, userId = ADMIN): Promise<string> {
    const url = h.slack.responseUrl();
    const answer = await postSlashCommand(h.app.url, TEST_SIGNING_SECRET, {
      text,
      user_id: userId,
      channel_id: channel.channelId,
      response_url: url,
    });
    expect(answer.status).toBe(200);
    const [reply] = await h.slack.waitForResponses(1, { url, timeoutMs: 15_000 });
    return JSON.stringify(reply.body);
  }

  async function click(action: BlockAction["actions"][number], ts: string, userId: string): Promise<string> {
    const url = h.slack.responseUrl();
    const payload = blockActionsPayload({
      actions: [action],
      channelId: channel.channelId,
      messageTs: ts,
      userId,
      responseUrl: url,
    });
    expect((await postInteraction(h.app.url, TEST_SIGNING_SECRET, payload)).status).toBe(200);
    const [reply] = await h.slack.waitForResponses(1, { url, timeoutMs: 15_000 });
    return JSON.stringify(reply.body);
  }

  /** App Home as the admin sees it after opening it. */
  async function homeText(): Promise<string> {
    const before = h.slack.calls("views.publish").length;
    const event = appHomeOpenedEvent({ user: ADMIN });
    expect((await postEvent(h.app.url, TEST_SIGNING_SECRET, event)).status).toBe(200);
    await h.slack.waitForCalls("views.publish", before + 1, { timeoutMs: 15_000 });
    return JSON.stringify(h.slack.homeView(ADMIN)?.view);
  }

  function muteChoice(value: string): BlockAction["actions"][number] {
    return {
      type: "static_select",
      action_id: NOTIFICATION_ACTIONS.mute,
      block_id: "notification_controls",
      action_ts: "1",
      selected_option: { text: { type: "plain_text", text: value }, value },
    } as unknown as BlockAction["actions"][number];
  }

  async function posted(count: number): Promise<StoredMessage[]> {
    await h.slack.waitForCalls("chat.postMessage", count, { timeoutMs: 15_000 });
    return h.slack.messages(channel.channelId);
  }

  const publish = async (name: string, state: "ALARM" | "OK" | "INSUFFICIENT_DATA") =>
    expect(await h.publish(topic, alarmMessage({ name, state }))).toBe(200);

  it("mentions top-level notifications at or above their level, never thread replies; bad commands change nothing", async () => {
    expect(await command("mention <@U0FAKEUSER1|alice> <!subteam^S0ONCALL1|@oncall>")).toContain("@alice");
    expect(await command("mention here at critical")).toContain("@here");
    for (const bad of [
      "mention #general",
      "mention <@U0FAKEUSER1> at urgent",
      "mute alarm 1h",
      "unmute x!",
    ]) {
      expect(await command(bad)).toContain("Type instead: `/aws ");
    }
    expect(await command("mention <!here>", MEMBER)).toContain("Only managers of AWS Chatbot");
    expect(await h.prisma.channelMention.count()).toBe(3);
    expect(await h.prisma.mute.count()).toBe(0);

    await publish("db-latency", "INSUFFICIENT_DATA");
    await publish("api-5xx", "ALARM");
    await publish("api-5xx", "OK");
    const [low, high, reply] = await posted(3);
    expect(low.text).not.toContain("<@");
    expect(high.text).toContain("<@U0FAKEUSER1> <!subteam^S0ONCALL1>");
    expect(JSON.stringify(high.blocks)).toContain("<@U0FAKEUSER1> <!subteam^S0ONCALL1>");
    expect(JSON.stringify(high.blocks)).not.toContain("<!here>");
    expect(reply.threadTs).toBe(high.ts);
    expect(JSON.stringify(reply)).not.toContain("<@U0FAKEUSER1>");

    const list = await command("list", MEMBER);
    expect(list).toContain("@alice, @oncall from high; @here from critical");
    expect(await homeText()).toContain("Mentions: @alice, @oncall from high; @here from critical");
    expect(await command("mention none")).toContain("Mentions cleared");
    await publish("web-cpu", "ALARM");
    const [, , , later] = await posted(4);
    expect(later.text).not.toContain("<@");
    expect(await h.prisma.auditEvent.count({ where: { action: "mentions.changed" } })).toBe(3);
  });

  it("Acknowledge updates the message in place and audits; a 1 h mute stores but does not post, and expires", async () => {
    await publish("api-5xx", "ALARM");
    const [alarm] = await posted(1);
    const ack = buttonAction({ action_id: NOTIFICATION_ACTIONS.acknowledge, value: "ack" });
    const url = h.slack.responseUrl();
    const payload = blockActionsPayload({
      actions: [ack],
      channelId: channel.channelId,
      messageTs: alarm.ts,
      userId: MEMBER,
      responseUrl: url,
    });
    expect((await postInteraction(h.app.url, TEST_SIGNING_SECRET, payload)).status).toBe(200);
    await h.slack.waitForCalls("chat.update", 1, { timeoutMs: 15_000 });
    const updated = h.slack.messages(channel.channelId)[0];
    expect(updated.updates).toBe(1);
    expect(JSON.stringify(updated.blocks)).toContain("👀 Acknowledged by <@U0FAKEUSER1> at");
    expect(
      await h.prisma.auditEvent.count({ where: { action: "notification.acknowledged", userId: MEMBER } }),
    ).toBe(1);

    expect(await click(muteChoice("alarm:1h"), alarm.ts, MEMBER)).toContain("Only managers of AWS Chatbot");
    expect(await click(muteChoice("alarm:1h"), alarm.ts, ADMIN)).toContain("Muted alarm");
    await publish("api-5xx", "OK");
    await publish("db-latency", "ALARM");
    // Each channel's deliveries go in order: once db-latency is posted, the muted OK was decided.
    const afterMute = await posted(2);
    expect(afterMute.map((m) => m.text)).toEqual([
      expect.stringContaining("api-5xx"),
      expect.stringContaining("db-latency"),
    ]);
    // A post is recorded (group-committed) just after Slack answered it.
    await eventually("the muted OK stored, the others recorded as posted", async () => {
      const statuses = await h.prisma.delivery.findMany({ select: { status: true } });
      return (
        statuses
          .map((d) => d.status)
          .sort()
          .join() === "muted,posted,posted"
      );
    });
    const mutes = await command("mute", MEMBER);
    expect(mutes).toContain(`by <@${ADMIN}>`);
    expect(await command("status", MEMBER)).toContain("1 notification muted");
    expect(await homeText()).toMatch(/Muted: alarm api-5xx \([a-z0-9]{8}\)/);

    now = new Date(now.getTime() + HOUR + 1000);
    await publish("api-5xx", "ALARM");
    const afterExpiry = await posted(3);
    expect(afterExpiry[2].text).toContain("api-5xx");
    expect(await command("mute", MEMBER)).toContain("nothing is muted");
  });

  it("a mute until OK resumes with the OK; unmute ends mutes at once", async () => {
    await publish("api-5xx", "ALARM");
    const [alarm] = await posted(1);
    expect(await click(muteChoice("alarm:ok"), alarm.ts, ADMIN)).toContain("until the alarm is OK");
    await publish("api-5xx", "ALARM");
    await publish("api-5xx", "OK");
    const [, ok] = await posted(2);
    expect(ok.threadTs).toBe(alarm.ts);
    expect(ok.text).toContain("OK");
    expect(await command("mute")).toContain("nothing is muted");
    expect((await h.prisma.delivery.findMany()).filter((d) => d.status === "muted")).toHaveLength(1);

    expect(await click(muteChoice("service:1h"), alarm.ts, ADMIN)).toContain("service cloudwatch");
    const [mute] = await h.prisma.mute.findMany({ where: { endedAt: null } });
    expect(await command("unmute zzzzzzzz")).toContain("No active mute");
    expect(await command(`unmute ${mute.id}`)).toContain(`Ended mute`);
    await publish("db-latency", "ALARM");
    const [, , db] = await posted(3);
    expect(db.text).toContain("db-latency");
    expect(await h.prisma.auditEvent.count({ where: { action: "mutes.ended" } })).toBe(1);
  });
});
