/**
 * Crash safety with the server as a child process on a real database: kill -9 in the middle of a
 * burst loses nothing (the dead process's leases expire and the next run delivers), and the only
 * messages posted twice are those that were in flight at the kill. SIGTERM stops claiming, finishes
 * the posts in flight, records them and hands the rest back: nothing is posted twice.
 */
import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { type FakeSlack, type FakeWorkspace, startFakeSlack } from "../support/fake-slack";
import { type ServerProcess, startServerProcess } from "../support/server-process";
import { addChannel, eventually, SnsPublisher, topicArn } from "./world";

jest.setTimeout(120_000);

const CHANNELS = 20;
const PER_CHANNEL = 10;

describeEachDatabase("crash safety", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let slack: FakeSlack;
  let workspace: FakeWorkspace;
  let sns: SnsPublisher;
  let running: ServerProcess | undefined;
  const encryptionKey = randomBytes(32).toString("base64");

  // A short lease lets the kill -9 tests see expired leases taken over; the SIGTERM test uses a long
  // one, since it relies on leases being released, and a 2 s lease can expire on a busy machine while
  // a post is still in flight (then the same delivery is claimed again and posted twice).
  const start = (leaseMs = 2000) =>
    startServerProcess({
      env: {
        DATABASE_URL: testDb.url,
        ENCRYPTION_KEY: encryptionKey,
        SLACK_BOT_TOKEN: workspace.botToken,
        SLACK_API_URL: slack.url,
        SNS_CERT_URL_PATTERN: sns.certUrlPattern,
        DELIVERY_LEASE_MS: String(leaseMs),
        DELIVERY_POLL_MS: "100",
        DELIVERY_CHANNEL_PER_SECOND: "20",
        DELIVERY_CHANNEL_BURST: "5",
        DELIVERY_WORKSPACE_PER_SECOND: "1000",
        DELIVERY_WORKSPACE_BURST: "1000",
      },
    });

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    slack = await startFakeSlack();
    workspace = slack.addWorkspace();
    sns = await SnsPublisher.start();
    // Slow answers, so a good number of posts are on their way at any moment.
    slack.setBehavior("chat.postMessage", { delayMs: 150 });
  });
  afterEach(async () => {
    await running?.kill("SIGKILL");
    running = undefined;
    await db.close();
    await sns.close();
    await slack.close();
    await testDb.drop();
  });

  /** Stores CHANNELS × PER_CHANNEL notifications through the running server; returns their texts. */
  async function burst(server: ServerProcess): Promise<string[]> {
    const topics: string[] = [];
    for (let c = 0; c < CHANNELS; c++) {
      const topic = topicArn(`crash-${c}`);
      await addChannel(db.prisma, slack, { topicArns: [topic] });
      topics.push(topic);
    }
    const texts: string[] = [];
    for (let i = 0; i < PER_CHANNEL; i++) {
      const round = topics.map(async (topic, c) => {
        const text = `crash ${c}.${i}`;
        texts.push(text);
        expect(await sns.publish(server.url, topic, text)).toBe(200);
      });
      await Promise.all(round);
    }
    return texts;
  }

  const storedTexts = () => slack.messages().map((message) => String(message.text));

  async function postedInDatabase(): Promise<Set<string>> {
    const rows = await db.prisma.delivery.findMany({
      where: { status: "posted" },
      select: { message: { select: { body: true } } },
    });
    return new Set(rows.map((row) => row.message.body));
  }

  it("kill -9 mid-burst, restart: every notification posted, duplicates only among those in flight", async () => {
    running = await start();
    const texts = await burst(running);
    await eventually("a third posted", () => storedTexts().length >= texts.length / 3, 30_000);
    const exit = await running.kill("SIGKILL");
    expect(exit.signal).toBe("SIGKILL");
    running = undefined;

    // What the dead process managed to record, and what it had sent to Slack (every call so far:
    // requests it wrote just before dying are read by the fake until its connections are gone).
    await eventually(
      "the killed server's connections closed",
      async () => (await slack.openConnections()) === 0,
    );
    const recorded = await postedInDatabase();
    expect(recorded.size).toBeGreaterThan(0);
    expect(recorded.size).toBeLessThan(texts.length);
    const reachedSlack = new Set(slack.calls("chat.postMessage").map((call) => String(call.args.text)));
    const inFlight = new Set([...reachedSlack].filter((text) => !recorded.has(text)));
    // The kill did catch posts on their way (20 channels post side by side, each answer takes 150 ms).
    expect(inFlight.size).toBeGreaterThan(0);
    expect(inFlight.size).toBeLessThanOrEqual(CHANNELS);

    running = await start();
    await eventually("every notification posted", () => new Set(storedTexts()).size === texts.length, 60_000);
    await eventually("all recorded", async () => (await postedInDatabase()).size === texts.length, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const counts = new Map<string, number>();
    for (const text of storedTexts()) counts.set(text, (counts.get(text) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...texts].sort());
    const duplicates = [...counts].filter(([, n]) => n > 1).map(([text]) => text);
    for (const text of duplicates) expect(inFlight.has(text)).toBe(true);
    expect([...counts.values()].every((n) => n <= 2)).toBe(true);
    expect(await db.prisma.delivery.count({ where: { status: { not: "posted" } } })).toBe(0);
  });

  it("SIGTERM finishes the posts in flight, records them, hands the rest back; the next run posts nothing twice", async () => {
    running = await start(60_000);
    const texts = await burst(running);
    await eventually("a quarter posted", () => storedTexts().length >= texts.length / 4, 30_000);
    const exit = await running.kill("SIGTERM");
    expect(exit.code).toBe(0);
    const output = running.output();
    running = undefined;
    expect(output).toContain("delivery worker stopped");

    // Everything that reached Slack is recorded as posted, and no lease is left behind.
    await eventually(
      "the stopped server's connections closed",
      async () => (await slack.openConnections()) === 0,
    );
    const recorded = await postedInDatabase();
    expect(new Set(storedTexts())).toEqual(recorded);
    expect(recorded.size).toBeLessThan(texts.length);
    expect(await db.prisma.delivery.count({ where: { leaseOwner: { not: null } } })).toBe(0);
    // Handed back, not delayed: the rest are due now, so a restart posts them without waiting for a
    // lease (60 s here) to expire or a retry backoff.
    const stoppedAt = new Date();
    const waiting = await db.prisma.delivery.findMany({ where: { status: { not: "posted" } } });
    expect(waiting.length).toBeGreaterThan(0);
    for (const delivery of waiting) {
      expect(delivery).toMatchObject({ status: "pending", leaseUntil: null, attempts: 0 });
      expect(delivery.nextAttemptAt.getTime()).toBeLessThanOrEqual(stoppedAt.getTime());
    }

    running = await start(60_000);
    await eventually("every notification posted", () => storedTexts().length >= texts.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...storedTexts()].sort()).toEqual([...texts].sort());
    await eventually("all recorded", async () => (await postedInDatabase()).size === texts.length, 10_000);
  });
});
