/**
 * Alarm threads end to end: one parent per alarm and channel, later state changes as replies in its
 * thread, the parent updated to the current state; a new thread after a long OK; custom
 * notifications threaded by metadata.threadId.
 */
import { describeEachDatabase } from "../support/databases";
import type { StoredMessage } from "../support/fake-slack";
import { type Harness, startHarness } from "./harness";
import { alarmMessage, eventually, topicArn } from "./world";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

function contextTexts(message: StoredMessage): string[] {
  return (message.blocks ?? [])
    .filter(
      (block): block is { type: string; elements: { text?: string }[] } =>
        (block as { type?: string }).type === "context",
    )
    .flatMap((block) => block.elements.map((element) => element.text ?? ""));
}

describeEachDatabase("alarm threads", (kind) => {
  let h: Harness;

  afterEach(async () => {
    await h.stop();
  });

  it("ALARM → OK → ALARM: one parent, the changes as thread replies, the parent showing the current state", async () => {
    h = await startHarness(kind);
    const topic = topicArn("threaded");
    const channel = await h.channel({ topicArns: [topic] });
    // Published back to back: the three are claimed together, and still only one becomes a parent.
    expect(await h.publish(topic, alarmMessage({ name: "api-5xx", state: "ALARM", at: minutes(0) }))).toBe(
      200,
    );
    expect(await h.publish(topic, alarmMessage({ name: "api-5xx", state: "OK", at: minutes(5) }))).toBe(200);
    expect(await h.publish(topic, alarmMessage({ name: "api-5xx", state: "ALARM", at: minutes(9) }))).toBe(
      200,
    );
    expect(await h.publish(topic, alarmMessage({ name: "db-latency", state: "ALARM", at: minutes(9) }))).toBe(
      200,
    );

    await h.slack.waitForCalls("chat.postMessage", 4, { timeoutMs: 10_000 });
    const messages = h.slack.messages(channel.channelId);
    const parents = messages.filter((m) => m.threadTs === undefined);
    expect(parents).toHaveLength(2);
    const [apiParent, dbParent] = parents;
    expect(apiParent.text).toContain("api-5xx");
    expect(dbParent.text).toContain("db-latency");
    const replies = messages.filter((m) => m.threadTs === apiParent.ts);
    expect(replies.map((m) => m.text)).toEqual([
      expect.stringContaining("OK"),
      expect.stringContaining("ALARM"),
    ]);

    // chat.update of the parent: the alarm is in ALARM again, since 10:09.
    await eventually("parent updated to the current state", () =>
      contextTexts(h.slack.messages(channel.channelId)[0]).some((text) =>
        /Now \*ALARM\* since <!date\^\d+\^/.test(text),
      ),
    );
    const updated = h.slack.messages(channel.channelId)[0];
    expect(updated.ts).toBe(apiParent.ts);
    expect(contextTexts(updated).join(" ")).toContain(`since <!date^${minutes(9).getTime() / 1000}^`);
    expect(h.slack.calls("chat.update").every((call) => call.args.ts === apiParent.ts)).toBe(true);
    // The update keeps the first message's content (header and details) under the new status line.
    expect(updated.blocks?.[0]).toEqual(apiParent.blocks?.[0]);

    await eventually(
      "all recorded",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 4,
    );
    const thread = await h.prisma.alarmThread.findFirstOrThrow({ where: { parentTs: apiParent.ts } });
    expect(thread).toMatchObject({ configurationId: channel.configurationId, lastState: "ALARM" });
    expect(thread.lastStateAt?.toISOString()).toBe(minutes(9).toISOString());
    expect(await h.prisma.alarmThread.count()).toBe(2);
  });

  it("an ALARM after a long OK starts a new thread", async () => {
    h = await startHarness(kind, { env: { DELIVERY_NEW_THREAD_AFTER_MS: String(60 * 60 * 1000) } });
    const topic = topicArn("reopened");
    const channel = await h.channel({ topicArns: [topic] });
    await h.publish(topic, alarmMessage({ name: "disk-full", state: "ALARM", at: minutes(0) }));
    await h.publish(topic, alarmMessage({ name: "disk-full", state: "OK", at: minutes(30) }));
    // OK for 40 minutes (within the hour): same thread.
    await h.publish(topic, alarmMessage({ name: "disk-full", state: "ALARM", at: minutes(70) }));
    await h.publish(topic, alarmMessage({ name: "disk-full", state: "OK", at: minutes(80) }));
    // OK for two hours: a new parent.
    await h.publish(topic, alarmMessage({ name: "disk-full", state: "ALARM", at: minutes(200) }));

    await h.slack.waitForCalls("chat.postMessage", 5, { timeoutMs: 10_000 });
    const messages = h.slack.messages(channel.channelId);
    const parents = messages.filter((m) => m.threadTs === undefined);
    expect(parents).toHaveLength(2);
    expect(messages.filter((m) => m.threadTs === parents[0].ts)).toHaveLength(3);
    expect(messages[4]).toMatchObject({ ts: parents[1].ts, threadTs: undefined });
    await eventually(
      "all recorded",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 5,
    );
    const thread = await h.prisma.alarmThread.findFirstOrThrow();
    expect(thread.parentTs).toBe(parents[1].ts);
  });

  it("custom notifications thread by metadata.threadId", async () => {
    h = await startHarness(kind);
    const topic = topicArn("custom");
    const channel = await h.channel({ topicArns: [topic] });
    const custom = (description: string, threadId: string) =>
      JSON.stringify({
        version: "1.0",
        source: "custom",
        content: { title: "Deploy", description },
        metadata: { threadId },
      });
    await h.publish(topic, custom("deploy 42 started", "deploy-42"));
    await h.publish(topic, custom("deploy 43 started", "deploy-43"));
    await h.publish(topic, custom("deploy 42 finished", "deploy-42"));

    await h.slack.waitForCalls("chat.postMessage", 3);
    const messages = h.slack.messages(channel.channelId);
    expect(messages.map((m) => m.threadTs)).toEqual([undefined, undefined, messages[0].ts]);
    // No state to show: the parent is left as it was.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.slack.calls("chat.update")).toHaveLength(0);
  });
});
