import { randomUUID } from "node:crypto";
import {
  ARCHIVED_CHANNEL_REASON,
  addTopicToConfiguration,
  type ConfigurationState,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { type IncomingNotification, NotificationIngest } from "../../src/sns/ingest";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });
const TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-alarms";
const OTHER_TOPIC = "arn:aws:sns:eu-west-1:123456789012:nobody-wants-this";

function notification(topicArn = TOPIC, snsMessageId = randomUUID()): IncomingNotification {
  return {
    snsMessageId,
    topicArn,
    subject: "ALARM",
    message: '{"AlarmName":"x"}',
    snsTimestamp: new Date().toISOString(),
  };
}

describeEachDatabase("NotificationIngest", (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  async function channelWanting(topicArn: string, state: ConfigurationState = "active") {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0INGEST",
      channelId: `C${randomUUID().slice(0, 8).toUpperCase()}`,
      name: `channel-${randomUUID()}`,
      state,
    });
    await addTopicToConfiguration(db.prisma, configuration.id, { topicArn, region: topicArn.split(":")[3] });
    return configuration;
  }

  /**
   * The ingest's transactions: synchronous ones of its own on SQLite; on PostgreSQL its writer's
   * statements (each one a transaction), of which the writing ones are counted.
   */
  function spyOnTransactions(): jest.SpyInstance<Promise<unknown>> {
    if (db.sqlite !== undefined)
      return jest.spyOn(db.sqlite, "transaction") as jest.SpyInstance<Promise<unknown>>;
    if (db.postgres === undefined) throw new Error("no hot-path writer");
    return jest.spyOn(db.postgres, "query") as unknown as jest.SpyInstance<Promise<unknown>>;
  }

  function writingTransactions(spy: jest.SpyInstance<Promise<unknown>>): number {
    if (db.sqlite !== undefined) return spy.mock.calls.length;
    return spy.mock.calls.filter(([statement]) => /INSERT/.test((statement as { text: string }).text)).length;
  }

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it("stores the message and one delivery per configuration in one go, and wakes the worker", async () => {
    const active = await channelWanting(TOPIC);
    const waiting = await channelWanting(TOPIC, "awaiting_invite");
    await channelWanting(TOPIC, "disabled");
    const woken: string[][] = [];
    const ingest = new NotificationIngest(db, logger, { onDeliveriesStored: (ids) => woken.push([...ids]) });

    const before = Date.now();
    const result = await ingest.ingest(notification());
    expect(result).toEqual({ outcome: "stored", deliveries: 2 });
    // Stored as UTC whatever the session's time zone: read back through Prisma, it is "now".
    const { receivedAt } = await db.prisma.message.findFirstOrThrow();
    expect(Math.abs(receivedAt.getTime() - before)).toBeLessThan(60_000);
    // Only the configuration with a delivery to post now is named (the held one waits for /invite).
    expect(woken).toEqual([[active.id]]);
    const deliveries = await db.prisma.delivery.findMany({ select: { configurationId: true, status: true } });
    expect(deliveries.sort((a, b) => a.status.localeCompare(b.status))).toEqual([
      { configurationId: waiting.id, status: "held" },
      { configurationId: active.id, status: "pending" },
    ]);
  });

  it("holds a delivery for a configuration disabled because its channel is archived, and none for other reasons", async () => {
    const archived = await channelWanting(TOPIC, "disabled");
    await db.prisma.channelConfiguration.update({
      where: { id: archived.id },
      data: { stateReason: ARCHIVED_CHANNEL_REASON },
    });
    const other = await channelWanting(TOPIC, "disabled");
    await db.prisma.channelConfiguration.update({
      where: { id: other.id },
      data: { stateReason: "the webhook answered 404: it was deleted" },
    });
    const woken: string[][] = [];
    const ingest = new NotificationIngest(db, logger, { onDeliveriesStored: (ids) => woken.push([...ids]) });

    expect(await ingest.ingest(notification())).toEqual({ outcome: "stored", deliveries: 1 });
    expect(woken).toEqual([]);
    expect(await db.prisma.delivery.findMany({ select: { configurationId: true, status: true } })).toEqual([
      { configurationId: archived.id, status: "held" },
    ]);
  });

  it("recognises a redelivered MessageId, also within one batch, and stores it once", async () => {
    await channelWanting(TOPIC);
    const ingest = new NotificationIngest(db, logger);
    const first = notification();
    const results = await Promise.all([ingest.ingest(first), ingest.ingest({ ...first })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["duplicate", "stored"]);
    expect((await ingest.ingest({ ...first })).outcome).toBe("duplicate");
    expect(await db.prisma.message.count()).toBe(1);
    expect(await db.prisma.delivery.count()).toBe(1);
  });

  it("stores nothing for a topic nobody wants", async () => {
    await channelWanting(TOPIC);
    const ingest = new NotificationIngest(db, logger);
    expect(await ingest.ingest(notification(OTHER_TOPIC))).toEqual({ outcome: "unwanted", deliveries: 0 });
    expect(await db.prisma.message.count()).toBe(0);
  });

  it("group-commits concurrent notifications: every one stored, in few transactions", async () => {
    await channelWanting(TOPIC);
    await channelWanting(TOPIC);
    const ingest = new NotificationIngest(db, logger, { maxBatch: 100 });
    const transaction = spyOnTransactions();
    const results = await Promise.all(Array.from({ length: 300 }, () => ingest.ingest(notification())));
    expect(results.every((r) => r.outcome === "stored" && r.deliveries === 2)).toBe(true);
    expect(await db.prisma.message.count()).toBe(300);
    expect(await db.prisma.delivery.count()).toBe(600);
    expect(writingTransactions(transaction)).toBeLessThanOrEqual(3);
  });

  it("rejects every waiting caller when the database fails, leaving nothing half-written", async () => {
    await channelWanting(TOPIC);
    const ingest = new NotificationIngest(db, logger);
    const failing = spyOnTransactions().mockImplementationOnce(() =>
      Promise.reject(new Error("disk I/O error")),
    );
    const outcomes = await Promise.allSettled([ingest.ingest(notification()), ingest.ingest(notification())]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
    failing.mockRestore();
    expect(await db.prisma.message.count()).toBe(0);
    // The next request goes through once the database is back.
    expect((await ingest.ingest(notification())).outcome).toBe("stored");
  });
});
