/**
 * Storm digests end to end: the real server, the fake Slack (its per-channel chat.postMessage
 * limiter on), signed SNS posts; SQLite and PostgreSQL. A burst is made deterministic by holding the
 * channel while it is published and releasing it at once, so the worker finds it all waiting.
 */

import { describeEachDatabase } from "../support/databases";
import type { StoredMessage } from "../support/fake-slack";
import { type EndpointReceiver, startEndpointReceiver } from "../support/fake-sns";
import { startTestServer, TEST_SIGNING_SECRET } from "../support/server";
import { blockActionsPayload } from "../support/slack-payloads";
import { postInteraction } from "../support/slack-signing";
import { addChimeRoom, FAST_DELIVERY_ENV, type Harness, startHarness } from "./harness";
import { alarmMessage, eventually, TEST_REGION, topicArn, type WorldChannel } from "./world";

const DIGEST_TITLE = /^⚡ \d+ notifications? in the last/;

function isDigest(message: StoredMessage): boolean {
  const header = (message.blocks?.[0] ?? {}) as { type?: string; text?: { text?: string } };
  return header.type === "header" && DIGEST_TITLE.test(header.text?.text ?? "");
}

function titleOf(message: StoredMessage): string {
  const header = (message.blocks?.[0] ?? {}) as { text?: { text?: string } };
  return header.text?.text ?? "";
}

function digestText(message: StoredMessage): string {
  return JSON.stringify(message.blocks);
}

describeEachDatabase("storm digests", (kind) => {
  let h: Harness;
  const topic = topicArn("storm");
  let channel: WorldChannel;

  beforeEach(async () => {
    h = await startHarness(kind, {
      fakeSlack: { postMessageLimit: { perSecond: 1, burst: 3 } },
      env: { DELIVERY_DIGEST_THRESHOLD: "3" },
    });
    channel = await h.channel({ topicArns: [topic] });
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Publishes while the channel is held, then releases it: every message waits at once. */
  async function burst(messages: string[], configurationId = channel.configurationId): Promise<void> {
    await h.prisma.channelConfiguration.update({
      where: { id: configurationId },
      data: { state: "awaiting_invite", stateReason: "not_in_channel" },
    });
    const before = await h.prisma.delivery.count({ where: { configurationId: configurationId } });
    for (const message of messages) expect(await h.publish(topic, message)).toBe(200);
    await eventually(
      "the burst held",
      async () =>
        (await h.prisma.delivery.count({
          where: { configurationId: configurationId, status: "held" },
        })) === messages.length,
    );
    expect(await h.prisma.delivery.count({ where: { configurationId: configurationId } })).toBe(
      before + messages.length,
    );
    expect(await h.app.server.delivery.releaseHeld(configurationId)).toBe(messages.length);
  }

  /**
   * What a crash between Slack's answer and the record leaves: the first `count` deliveries assigned
   * to their digest, not marked posted, due again.
   */
  async function handBackAssigned(count: number) {
    const back = await h.prisma.delivery.findMany({ take: count, orderBy: { id: "asc" } });
    await h.prisma.delivery.updateMany({
      where: { id: { in: back.map((d) => d.id) } },
      data: {
        status: "pending",
        postedTs: null,
        nextAttemptAt: new Date(),
        leaseOwner: null,
        leaseUntil: null,
      },
    });
    return back;
  }

  async function allPosted(count: number): Promise<void> {
    await eventually(
      `${count} deliveries posted`,
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === count,
      20_000,
    );
  }

  /**
   * Every delivery is in the channel: its own message, or counted in the digest whose ts it holds
   * (each digest's title counts exactly the deliveries it holds; one alarm's changes share a line).
   */
  async function expectNothingDropped(): Promise<void> {
    const messages = h.slack.messages(channel.channelId);
    const byTs = new Map(messages.map((message) => [message.ts, message]));
    const deliveries = await h.prisma.delivery.findMany({ include: { digest: true } });
    const perDigest = new Map<string, number>();
    for (const delivery of deliveries) {
      expect(delivery.status).toBe("posted");
      const shown = byTs.get(delivery.postedTs ?? "");
      expect(shown).toBeDefined();
      if (delivery.digestId === null) expect(isDigest(shown as StoredMessage)).toBe(false);
      else {
        expect(delivery.digest?.ts).toBe(delivery.postedTs);
        perDigest.set(delivery.postedTs ?? "", (perDigest.get(delivery.postedTs ?? "") ?? 0) + 1);
      }
    }
    for (const [ts, count] of perDigest) {
      expect(titleOf(byTs.get(ts) as StoredMessage)).toMatch(
        new RegExp(`^⚡ ${count} notifications? in the last`),
      );
    }
    expect(messages.filter(isDigest)).toHaveLength(perDigest.size);
  }

  it("three waiting are posted one by one; more than three become one digest", async () => {
    await burst(["first", "second", "third"]);
    await allPosted(3);
    expect(h.slack.messages(channel.channelId).filter(isDigest)).toHaveLength(0);
    expect(h.slack.messages(channel.channelId)).toHaveLength(3);

    await burst(["a", "b", "c", "d", "e"]);
    await allPosted(8);
    const digests = h.slack.messages(channel.channelId).filter(isDigest);
    expect(digests).toHaveLength(1);
    expect(titleOf(digests[0])).toMatch(/^⚡ 5 notifications in the last/);
    expect(h.slack.messages(channel.channelId)).toHaveLength(4);
    await expectNothingDropped();
  });

  it("a muted notification is no digest line: stored as muted, never posted", async () => {
    const muted = alarmMessage({ name: "noisy-alarm", state: "ALARM" });
    const threadKey = `arn:aws:cloudwatch:${TEST_REGION}:123456789012:alarm:noisy-alarm`;
    await h.prisma.mute.create({
      data: {
        id: "m1",
        configurationId: channel.configurationId,
        scope: "alarm",
        key: threadKey,
        label: "alarm noisy-alarm",
        endsAt: new Date(Date.now() + 3_600_000),
        createdBy: "U0MANAGER",
      },
    });
    await h.app.server.noise.changed();

    await burst(["a", "b", muted, "c", "d"]);
    await eventually(
      "four posted and one muted",
      async () =>
        (await h.prisma.delivery.count({ where: { status: "posted" } })) === 4 &&
        (await h.prisma.delivery.count({ where: { status: "muted" } })) === 1,
      20_000,
    );
    const digests = h.slack.messages(channel.channelId).filter(isDigest);
    expect(digests).toHaveLength(1);
    expect(titleOf(digests[0])).toMatch(/^⚡ 4 notifications in the last/);
    expect(digestText(digests[0])).not.toContain("noisy-alarm");
  });

  it("updates the open digest in place with what arrives next", async () => {
    await burst(["1", "2", "3", "4", "5"]);
    await allPosted(5);
    await burst(["6", "7", "8", "9"]);
    await allPosted(9);
    const digests = h.slack.messages(channel.channelId).filter(isDigest);
    expect(digests).toHaveLength(1);
    expect(digests[0].updates).toBe(1);
    expect(h.slack.calls("chat.update")).toHaveLength(1);
    expect(titleOf(digests[0])).toMatch(/^⚡ 9 notifications/);
    await expectNothingDropped();
  });

  it("a digest deleted in Slack is posted again with its lines, old and new; none becomes a dead letter", async () => {
    await burst(["1", "2", "3", "4", "5"]);
    await allPosted(5);
    const [first] = h.slack.messages(channel.channelId).filter(isDigest);
    expect(h.slack.deleteMessage(channel.channelId, first.ts)).toBe(true);
    await burst(["6", "7", "8", "9"]);
    await allPosted(9);
    const digests = h.slack.messages(channel.channelId).filter(isDigest);
    expect(digests).toHaveLength(1);
    expect(digests[0].ts).not.toBe(first.ts);
    expect(titleOf(digests[0])).toMatch(/^⚡ 9 notifications/);
    expect(await h.prisma.delivery.count({ where: { status: "dead" } })).toBe(0);
    await expectNothingDropped();
  });

  it("starts a new digest when one is full", async () => {
    const messages = Array.from({ length: 130 }, (_, i) => `storm message ${i}`);
    await burst(messages);
    await allPosted(130);
    const digests = h.slack.messages(channel.channelId).filter(isDigest);
    expect(digests.length).toBeGreaterThanOrEqual(2);
    for (const digest of digests) expect(digest.blocks?.length ?? 0).toBeLessThanOrEqual(50);
    await expectNothingDropped();
  });

  it("collapses one alarm's state changes into one line; its next change replies under the digest", async () => {
    const states = ["ALARM", "OK", "ALARM", "OK", "ALARM"] as const;
    await burst([
      ...states.map((state) => alarmMessage({ name: "api-errors", state })),
      "deploy finished",
      "backup done",
    ]);
    await allPosted(7);
    const [digest] = h.slack.messages(channel.channelId).filter(isDigest);
    const text = digestText(digest);
    expect(text).toContain("5 changes, now ALARM");
    expect(text.match(/api-errors/g)?.length).toBeGreaterThanOrEqual(1);
    expect(titleOf(digest)).toMatch(/^⚡ 7 notifications/);
    await expectNothingDropped();

    expect(await h.publish(topic, alarmMessage({ name: "api-errors", state: "OK" }))).toBe(200);
    await allPosted(8);
    const reply = h.slack.messages(channel.channelId).at(-1) as StoredMessage;
    expect(reply.threadTs).toBe(digest.ts);
    // The digest is never replaced by the alarm's own rendering.
    expect(
      isDigest(h.slack.messages(channel.channelId).find((m) => m.ts === digest.ts) as StoredMessage),
    ).toBe(true);
  });

  it("a delivery that comes back assigned to a digest (crash after the post, before the record) goes into that digest again", async () => {
    await burst(["1", "2", "3", "4", "5"]);
    await allPosted(5);
    const [digest] = h.slack.messages(channel.channelId).filter(isDigest);
    const posts = h.slack.calls("chat.postMessage").length;
    const back = await handBackAssigned(2);
    h.app.server.delivery.wake();
    await allPosted(5);
    await eventually("the digest updated again", () => h.slack.calls("chat.update").length >= 1);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(posts);
    expect(h.slack.calls("chat.update").every((call) => call.args.ts === digest.ts)).toBe(true);
    for (const delivery of await h.prisma.delivery.findMany({
      where: { id: { in: back.map((d) => d.id) } },
    })) {
      expect(delivery.postedTs).toBe(digest.ts);
    }
    await expectNothingDropped();
  });

  /** Chooses `deliveryId` in the "Show one in full" menu of the digest `digestTs`. */
  async function expand(digestTs: string, deliveryId: string, channelId = channel.channelId): Promise<void> {
    const payload = blockActionsPayload({
      channelId,
      messageTs: digestTs,
      actions: [
        {
          type: "static_select",
          action_id: "digest_expand",
          block_id: "digest",
          action_ts: "1",
          selected_option: { text: { type: "plain_text", text: "line" }, value: deliveryId },
          placeholder: { type: "plain_text", text: "Show one in full" },
        },
      ] as never,
    });
    const answer = await postInteraction(h.app.url, TEST_SIGNING_SECRET, payload);
    expect(answer.status).toBe(200);
  }

  it("shows a digest line in full in the digest's thread; a value from elsewhere shows nothing", async () => {
    await burst(["one", "two", "three", "four", "five"]);
    await allPosted(5);
    const [digest] = h.slack.messages(channel.channelId).filter(isDigest);
    const line = await h.prisma.delivery.findFirstOrThrow({
      where: { digestId: { not: null } },
      include: { message: true },
    });

    await expand(digest.ts, line.id);
    await eventually("the full rendering in the digest's thread", () =>
      h.slack.messages(channel.channelId).some((message) => message.threadTs === digest.ts),
    );
    const reply = h.slack
      .messages(channel.channelId)
      .find((message) => message.threadTs === digest.ts) as StoredMessage;
    expect(isDigest(reply)).toBe(false);
    expect(JSON.stringify(reply.blocks)).toContain(line.message.body);

    // Forged: a delivery id that is no line of this digest, and a real one asked from another channel.
    const other = await h.channel({ topicArns: [topicArn("elsewhere")] });
    const posts = h.slack.calls("chat.postMessage").length;
    await expand(digest.ts, "01a00000-0000-7000-8000-000000000000");
    await expand(digest.ts, line.id, other.channelId);
    await expand("1600000000.000100", line.id);
    expect(await h.publish(topic, "after the forged ones")).toBe(200);
    await allPosted(6);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(posts + 1);
  });

  it("a webhook room gets the same digest as text, one post for the burst", async () => {
    const room: EndpointReceiver = await startEndpointReceiver(() => ({ status: 200 }));
    try {
      await h.prisma.configurationTopic.deleteMany({ where: { configurationId: channel.configurationId } });
      const roomId = await addChimeRoom(h, room.url, topic);
      const messages = Array.from({ length: 8 }, (_, i) => `room storm ${i}`);
      await burst(messages, roomId);
      await allPosted(8);
      expect(room.received).toHaveLength(1);
      const { Content } = JSON.parse(room.received[0].body) as { Content: string };
      expect(Content).toContain("⚡ 8 notifications in the last");
      for (const message of messages) expect(Content).toContain(message);
      const deliveries = await h.prisma.delivery.findMany({ include: { digest: true } });
      expect(new Set(deliveries.map((d) => d.digestId)).size).toBe(1);
      for (const delivery of deliveries) expect(delivery.postedTs).toMatch(/^webhook:/);
      expect(h.slack.calls("chat.postMessage")).toHaveLength(0);
    } finally {
      await room.close();
    }
  });

  it("after a restart, a delivery that comes back assigned updates its digest, loaded from the database", async () => {
    await burst(["r1", "r2", "r3", "r4", "r5"]);
    await allPosted(5);
    const [digest] = h.slack.messages(channel.channelId).filter(isDigest);
    const posts = h.slack.calls("chat.postMessage").length;
    // The first process stops (its digests in memory are gone); another starts on the same database.
    await h.app.server.delivery.stop();
    await handBackAssigned(2);
    const next = await startTestServer({
      kind,
      env: {
        ...FAST_DELIVERY_ENV,
        DELIVERY_DIGEST_THRESHOLD: "3",
        ...h.databaseEnv,
        SLACK_BOT_TOKEN: h.workspace.botToken,
        SLACK_API_URL: h.slack.url,
      },
    });
    try {
      await eventually(
        "the digest updated by the new process",
        () => h.slack.calls("chat.update").length >= 1,
        20_000,
      );
      await allPosted(5);
      expect(h.slack.calls("chat.postMessage")).toHaveLength(posts);
      const update = h.slack.calls("chat.update").at(-1);
      expect(update?.args.ts).toBe(digest.ts);
      // Rebuilt from the rows: all five lines, not only the two that came back.
      expect(JSON.stringify(update?.args.blocks)).toContain("⚡ 5 notifications");
      await expectNothingDropped();
    } finally {
      await next.server.close();
    }
  });
});
