/**
 * SNS → Slack end to end on the real server: what reaches chat.postMessage, for which channel,
 * how often, and in which order. Fake Slack and signed SNS posts; SQLite and PostgreSQL.
 */

import { decorate } from "../../src/delivery/notification-controls";
import { formatNotification, renderSlackMessage } from "../../src/notifications";
import { describeEachDatabase } from "../support/databases";
import { type Harness, startHarness } from "./harness";
import { alarmMessage, eventually, topicArn } from "./world";

describeEachDatabase("delivery", (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.stop();
  });

  it("posts a notification to its channel with the rendered blocks, once, and records it", async () => {
    const topic = topicArn("ops-alarms");
    const channel = await h.channel({ topicArns: [topic] });
    const message = alarmMessage({ name: "web-cpu-high", state: "ALARM" });

    expect(await h.publish(topic, message, { subject: "ALARM: web-cpu-high" })).toBe(200);
    const [call] = await h.slack.waitForCalls("chat.postMessage", 1);

    const stored = await h.prisma.message.findFirstOrThrow();
    const notification = formatNotification({
      Type: "Notification",
      MessageId: stored.snsMessageId,
      TopicArn: topic,
      Subject: "ALARM: web-cpu-high",
      Message: message,
      Timestamp: stored.snsTimestamp,
    });
    // The rendering as `chatbot render` prints it, then the Acknowledge / Mute controls (issue 13).
    const expected = decorate(renderSlackMessage(notification), notification);
    expect(expected.blocks.slice(0, -1)).toEqual(renderSlackMessage(notification).blocks);
    expect(call.outcome).toBe("ok");
    expect(call.token).toBe(h.workspace.botToken);
    expect(call.args.channel).toBe(channel.channelId);
    expect(call.args.blocks).toEqual(expected.blocks);
    expect(call.args.text).toBe(expected.text);
    expect(call.args).not.toHaveProperty("link_names");
    expect(call.args).not.toHaveProperty("thread_ts");

    await eventually("delivery recorded as posted", async () => {
      const delivery = await h.prisma.delivery.findFirstOrThrow();
      return delivery.status === "posted";
    });
    const delivery = await h.prisma.delivery.findFirstOrThrow();
    expect(delivery).toMatchObject({
      status: "posted",
      postedTs: call.response?.ts,
      attempts: 1,
      leaseOwner: null,
    });
    expect(h.slack.messages(channel.channelId)).toHaveLength(1);
    const status = await h.app.server.delivery.statusOf(channel.configurationId);
    expect(status).toMatchObject({ pending: 0, held: 0, deadLetters: 0, recentFailures: 0, lastError: null });
    expect(status.lastPostedAt).toBeInstanceOf(Date);
  });

  it("fans a topic out to every channel that wants it, each exactly once", async () => {
    const topic = topicArn("shared-topic");
    const channels = [];
    for (let i = 0; i < 3; i++) channels.push(await h.channel({ topicArns: [topic] }));
    await h.channel({ topicArns: [topicArn("someone-else")] });

    expect(await h.publish(topic, "Deployment finished")).toBe(200);
    const calls = await h.slack.waitForCalls("chat.postMessage", 3);
    await eventually(
      "all posted",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 3,
    );
    // The worker has recorded its three posts; a fourth (twice to a channel, or to the other
    // topic's channel) would come now.
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(h.slack.calls("chat.postMessage")).toHaveLength(3);
    expect(calls.map((call) => call.args.channel).sort()).toEqual(channels.map((c) => c.channelId).sort());
  });

  it("posts one channel's notifications in the order SNS sent them, channels side by side", async () => {
    const topicA = topicArn("burst-a");
    const topicB = topicArn("burst-b");
    const a = await h.channel({ topicArns: [topicA] });
    const b = await h.channel({ topicArns: [topicB] });
    for (let i = 0; i < 6; i++) {
      expect(await h.publish(topicA, `a-${i}`)).toBe(200);
      expect(await h.publish(topicB, `b-${i}`)).toBe(200);
    }
    await h.slack.waitForCalls("chat.postMessage", 12, { timeoutMs: 15_000 });
    const texts = (channelId: string) =>
      h.slack
        .calls("chat.postMessage")
        .filter((call) => call.args.channel === channelId)
        .map((call) => String(call.args.text));
    expect(texts(a.channelId)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `a-${i}`));
    expect(texts(b.channelId)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `b-${i}`));
    // 1 message/s per channel with a burst of 3: six messages take at least ~3 s per channel, but the
    // two channels are paced independently (not 12 messages one after another).
    const times = h.slack.calls("chat.postMessage").map((call) => call.at);
    const span = Math.max(...times) - Math.min(...times);
    expect(span).toBeGreaterThan(2_500);
    expect(span).toBeLessThan(6_000);
  });
});
