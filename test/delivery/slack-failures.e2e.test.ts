/**
 * Slack misbehaving, end to end: a 429 pauses only the workspace it came from, for Retry-After;
 * an outage (HTTP 500) is ridden out with backoff and ends with everything delivered exactly once;
 * a delivery failing past DELIVERY_MAX_AGE becomes a dead letter.
 */
import { PassThrough } from "node:stream";
import { runDeadLetters } from "../../src/cli/dead-letters";
import { describeEachDatabase } from "../support/databases";
import type { RecordedCall } from "../support/fake-slack";
import { type Harness, startHarness } from "./harness";
import { eventually, topicArn } from "./world";

const OTHER_TEAM = "T0FAKETEAM2";

function okPosts(h: Harness, channelId?: string): RecordedCall[] {
  return h.slack
    .calls("chat.postMessage")
    .filter((call) => call.outcome === "ok" && (channelId === undefined || call.args.channel === channelId));
}

describeEachDatabase("Slack rate limits", (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(kind, { mode: "oauth" });
  });
  afterEach(async () => {
    await h.stop();
  });

  it("waits Retry-After for the limited workspace only; other workspaces keep flowing", async () => {
    await h.addWorkspace(OTHER_TEAM);
    const limitedTopic = topicArn("limited");
    const freeTopic = topicArn("free");
    const limited = await h.channel({ topicArns: [limitedTopic] });
    const sameWorkspace = await h.channel({ topicArns: [topicArn("same-workspace")] });
    const free = await h.channel({ topicArns: [freeTopic], teamId: OTHER_TEAM });
    h.slack.failNext(
      "chat.postMessage",
      { status: 429, retryAfterSeconds: 3 },
      { filter: (call) => call.teamId === h.workspace.teamId },
    );

    expect(await h.publish(limitedTopic, "first in the limited workspace")).toBe(200);
    const [limitedCall] = await h.slack.waitForCalls("chat.postMessage", 1, {
      filter: (call) => call.outcome === "rate_limited",
    });
    expect(await h.publish(topicArn("same-workspace"), "second in the limited workspace")).toBe(200);
    expect(await h.publish(freeTopic, "in the other workspace")).toBe(200);

    const [freeCall] = await h.slack.waitForCalls("chat.postMessage", 1, {
      filter: (call) => call.args.channel === free.channelId && call.outcome === "ok",
    });
    // The other workspace is not held up by the 429 at all.
    expect(freeCall.at - limitedCall.at).toBeLessThan(1_000);

    await h.slack.waitForCalls("chat.postMessage", 2, {
      filter: (call) => call.teamId === h.workspace.teamId && call.outcome === "ok",
      timeoutMs: 8_000,
    });
    for (const channel of [limited, sameWorkspace]) {
      const [post] = okPosts(h, channel.channelId);
      expect(post.at - limitedCall.at).toBeGreaterThanOrEqual(2_900);
      expect(h.slack.messages(channel.channelId)).toHaveLength(1);
    }
    // A 429 is not a failed attempt: the delivery is posted on its first counted attempt.
    await eventually(
      "all posted",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 3,
    );
    const retried = await h.prisma.delivery.findFirstOrThrow({
      where: { configurationId: limited.configurationId },
    });
    expect(retried.attempts).toBe(1);
    const metrics = await h.app.server.metrics.render();
    expect(metrics).toMatch(/chatbot_delivery_rate_limited_total\{target="slack"\} 1/);
  });
});

describeEachDatabase("Slack outages", (kind) => {
  let h: Harness;

  afterEach(async () => {
    await h.stop();
  });

  it("rides out 6 s of HTTP 500 with backoff, then delivers everything exactly once", async () => {
    h = await startHarness(kind, {
      env: { DELIVERY_BACKOFF_BASE_MS: "200", DELIVERY_BACKOFF_MAX_MS: "1500", DELIVERY_MAX_ATTEMPTS: "15" },
    });
    const topics = [0, 1, 2, 3].map((i) => topicArn(`outage-${i}`));
    const channels = [];
    for (const topic of topics) channels.push(await h.channel({ topicArns: [topic] }));
    h.slack.failFor("chat.postMessage", 6_000, { status: 500 });
    const outageEnds = Date.now() + 6_000;

    const sent: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [i, topic] of topics.entries()) {
        const text = `outage ${i}.${round}`;
        expect(await h.publish(topic, text)).toBe(200);
        sent.push(text);
      }
    }
    await h.slack.waitForCalls("chat.postMessage", 12, {
      filter: (call) => call.outcome === "ok",
      timeoutMs: 20_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const failed = h.slack.calls("chat.postMessage").filter((call) => call.status === 500);
    expect(failed.length).toBeGreaterThanOrEqual(4);
    const posted = okPosts(h);
    expect(posted.every((call) => call.at >= outageEnds - 50)).toBe(true);
    expect(posted.map((call) => String(call.args.text)).sort()).toEqual([...sent].sort());
    for (const [i, channel] of channels.entries()) {
      // Exactly once each, and still in order within the channel.
      expect(h.slack.messages(channel.channelId).map((m) => m.text)).toEqual(
        [0, 1, 2].map((r) => `outage ${i}.${r}`),
      );
    }
    const deliveries = await h.prisma.delivery.findMany();
    expect(deliveries.every((d) => d.status === "posted")).toBe(true);
    expect(Math.max(...deliveries.map((d) => d.attempts))).toBeGreaterThan(1);
    const status = await h.app.server.delivery.statusOf(channels[0].configurationId);
    expect(status.recentFailures).toBeGreaterThan(0);
    expect(status.lastError).toBe("http_500");
    expect(await h.app.server.metrics.render()).toMatch(
      /chatbot_delivery_failures_total\{[^}]*kind="transient"[^}]*\} \d+/,
    );
  });

  it("gives up past DELIVERY_MAX_AGE: a dead letter, counted and visible, that a replay delivers", async () => {
    // Old enough at once; the attempts floor (3) decides when.
    h = await startHarness(kind, {
      env: { DELIVERY_MAX_AGE: "1ms", DELIVERY_MAX_ATTEMPTS: "3", DELIVERY_BACKOFF_BASE_MS: "50" },
    });
    const topic = topicArn("doomed");
    const channel = await h.channel({ topicArns: [topic] });
    h.slack.setBehavior("chat.postMessage", { disconnect: true });

    expect(await h.publish(topic, "never makes it")).toBe(200);
    await eventually(
      "dead letter",
      async () => (await h.prisma.delivery.findFirstOrThrow()).status === "dead",
    );
    expect(h.slack.calls("chat.postMessage")).toHaveLength(3);
    const dead = await h.prisma.delivery.findFirstOrThrow();
    expect(dead).toMatchObject({ attempts: 3, postedTs: null });
    expect(dead.lastError).toMatch(/^request_error/);
    const status = await h.app.server.delivery.statusOf(channel.configurationId);
    expect(status).toMatchObject({ deadLetters: 1, pending: 0, recentFailures: 3 });
    expect(await h.app.server.metrics.render()).toMatch(
      /chatbot_delivery_dead_letters_total\{target="slack"\} 1/,
    );
    expect(await h.app.server.metrics.render()).toMatch(/chatbot_delivery_queue_depth\{status="dead"\} 1/);

    // Slack is back; an operator replays the dead letter beside the running server, which posts it.
    h.slack.clearBehavior("chat.postMessage");
    const stdout = new PassThrough();
    const printed: string[] = [];
    stdout.on("data", (chunk: Buffer) => printed.push(chunk.toString()));
    const streams = { stdin: new PassThrough(), stdout, stderr: new PassThrough() };
    expect(await runDeadLetters(["replay"], streams, h.databaseEnv)).toBe(0);
    expect(printed.join("")).toBe("re-queued 1 dead letter(s)\n");
    await eventually(
      "posted after the replay",
      async () => (await h.prisma.delivery.findFirstOrThrow()).status === "posted",
    );
    expect(h.slack.messages(channel.channelId).map((m) => m.text)).toEqual(["never makes it"]);
  });
});
