/**
 * After a Slack outage: the first post that goes through in a workspace makes every delivery of that
 * workspace waiting out its backoff due at once, so all channels resume within a poll or two of
 * Slack recovering — not one by one as their backoffs (here at least 22 s) run out.
 */
import { describeEachDatabase } from "../support/databases";
import { type Harness, startHarness } from "./harness";
import { eventually, topicArn } from "./world";

/** The shortest backoff after one failure (30 s −25 % jitter): what the channels would wait without the reset. */
const SHORTEST_BACKOFF_MS = 22_500;

describeEachDatabase("Slack recovering after an outage", (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(kind, {
      env: { DELIVERY_BACKOFF_BASE_MS: "30000", DELIVERY_BACKOFF_MAX_MS: "60000" },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it("resumes every channel of the workspace within seconds of the first success", async () => {
    const names = [0, 1, 2, 3, 4].map((i) => `outage-recovery-${i}`);
    const channels = [];
    for (const name of names) channels.push(await h.channel({ topicArns: [topicArn(name)] }));
    const probe = await h.channel({ topicArns: [topicArn("outage-probe")] });

    h.slack.setBehavior("chat.postMessage", { status: 500 });
    for (const [i, name] of names.entries()) expect(await h.publish(topicArn(name), `during ${i}`)).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", names.length, {
      filter: (call) => call.status === 500,
      timeoutMs: 15_000,
    });
    // Every channel's delivery now waits out a backoff of at least 22 s.
    await eventually(
      "all five in backoff",
      async () =>
        (await h.prisma.delivery.count({
          where: { status: "pending", attempts: 1, nextAttemptAt: { gt: new Date(Date.now() + 15_000) } },
        })) === names.length,
    );

    h.slack.clearBehavior("chat.postMessage");
    const recoveredAt = Date.now();
    expect(await h.publish(topicArn("outage-probe"), "after the outage")).toBe(200);
    const posted = await h.slack.waitForCalls("chat.postMessage", names.length + 1, {
      filter: (call) => call.outcome === "ok",
      timeoutMs: 15_000,
    });
    const last = Math.max(...posted.map((call) => call.at));
    expect(last - recoveredAt).toBeLessThan(SHORTEST_BACKOFF_MS / 2);
    for (const [i, channel] of channels.entries()) {
      expect(h.slack.messages(channel.channelId).map((m) => m.text)).toEqual([`during ${i}`]);
    }
    expect(h.slack.messages(probe.channelId)).toHaveLength(1);
    expect(h.app.logs()).toContain("waiting deliveries resume now");
  }, 60_000);
});
