/**
 * Incoming-webhook rooms end to end: a topic fans out to a Slack channel and a webhook room; the
 * room gets its provider's payload, a 5xx is retried, a 429 waits without counting as an attempt,
 * and a webhook that is gone disables its configuration (reason recorded) and holds its deliveries.
 */
import { describeEachDatabase } from "../support/databases";
import { type EndpointReceiver, startEndpointReceiver } from "../support/fake-sns";
import { addChimeRoom, type Harness, startHarness } from "./harness";
import { eventually, topicArn } from "./world";

describeEachDatabase("webhook deliveries", (kind) => {
  let h: Harness;
  let room: EndpointReceiver;
  let answers: number[];

  beforeEach(async () => {
    answers = [];
    room = await startEndpointReceiver(() => ({ status: answers.shift() ?? 200 }));
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.stop();
    await room.close();
  });

  const webhookRoom = (topic: string) => addChimeRoom(h, room.url, topic);

  it("delivers one notification to a Slack channel and a Chime room", async () => {
    const topic = topicArn("mixed");
    const channel = await h.channel({ topicArns: [topic] });
    const roomId = await webhookRoom(topic);

    expect(await h.publish(topic, "Deployment 42 finished")).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 1);
    await eventually("the room got it", () => room.received.length === 1);
    const payload = JSON.parse(room.received[0].body) as { Content: string };
    expect(payload.Content).toContain("Deployment 42 finished");
    expect(h.slack.messages(channel.channelId)).toHaveLength(1);
    await eventually(
      "both recorded",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 2,
    );
    const delivery = await h.prisma.delivery.findFirstOrThrow({ where: { configurationId: roomId } });
    expect(delivery.postedTs).toMatch(/^webhook:/);
    expect(await h.app.server.metrics.render()).toMatch(
      /chatbot_delivery_posts_total\{[^}]*target="webhook"[^}]*\} 1/,
    );
  });

  it("retries a 5xx with backoff and waits out a 429 without counting it as an attempt", async () => {
    const topic = topicArn("flaky-room");
    const roomId = await webhookRoom(topic);
    answers = [500, 429, 200];
    expect(await h.publish(topic, "eventually there")).toBe(200);
    await eventually(
      "posted",
      async () => (await h.prisma.delivery.findFirstOrThrow()).status === "posted",
      10_000,
    );
    expect(room.received).toHaveLength(3);
    // The 500 and the 200 count; the 429 does not.
    expect(await h.prisma.delivery.findFirstOrThrow({ where: { configurationId: roomId } })).toMatchObject({
      attempts: 2,
      lastError: "webhook_rate_limited",
    });
  });

  it("a webhook that is gone disables its configuration with the reason and holds its deliveries", async () => {
    const topic = topicArn("gone-room");
    const roomId = await webhookRoom(topic);
    answers = [404];
    expect(await h.publish(topic, "nobody home")).toBe(200);
    await eventually("disabled", async () => {
      const row = await h.prisma.channelConfiguration.findUniqueOrThrow({ where: { id: roomId } });
      return row.state === "disabled";
    });
    const row = await h.prisma.channelConfiguration.findUniqueOrThrow({ where: { id: roomId } });
    expect(row.stateReason).toMatch(/404.*add it again/);
    expect(await h.prisma.delivery.findFirstOrThrow()).toMatchObject({
      status: "held",
      lastError: "webhook_404",
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(room.received).toHaveLength(1);
  });
});
