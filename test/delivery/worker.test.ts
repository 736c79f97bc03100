/**
 * The worker's own rules, on a real database with a stand-in processor (the Slack side is covered
 * end to end elsewhere): woken at once, channels side by side but each one at a time, a stalled
 * process never posting a delivery twice, stop() handing back what it did not start.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import type { Outcome } from "../../src/delivery/delivery-types";
import { DeliveryWorker } from "../../src/delivery/worker";
import { createLogger } from "../../src/logger";
import type { LoadedDelivery } from "../../src/outbox/leases";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { eventually } from "./world";

const logger = createLogger({ level: "silent" });

describeEachDatabase("DeliveryWorker", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let worker: DeliveryWorker | undefined;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await db.close();
    await testDb.drop();
  });

  async function channelWith(count: number): Promise<{ configurationId: string; ids: string[] }> {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0W",
      channelId: `C${randomUUID().slice(0, 8)}`,
      name: randomUUID(),
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const message = await db.prisma.message.create({
        data: {
          id: randomUUID(),
          snsMessageId: randomUUID(),
          topicArn: "t",
          body: `m${i}`,
          snsTimestamp: new Date(Date.now() + i).toISOString(),
        },
      });
      const id = randomUUID();
      await db.prisma.delivery.create({
        data: {
          id,
          messageId: message.id,
          configurationId: configuration.id,
          createdAt: new Date(Date.now() + i),
        },
      });
      ids.push(id);
    }
    return { configurationId: configuration.id, ids };
  }

  /** Stands in for the Slack side: records what it is given and marks it posted. */
  function recordingProcessor(work: (delivery: LoadedDelivery) => Promise<void> = async () => undefined) {
    const processed: string[] = [];
    const running = new Map<string, number>();
    let maxPerChannel = 0;
    let maxOverall = 0;
    const processor = {
      async process(delivery: LoadedDelivery): Promise<Outcome> {
        const now = (running.get(delivery.configurationId) ?? 0) + 1;
        running.set(delivery.configurationId, now);
        maxPerChannel = Math.max(maxPerChannel, now);
        maxOverall = Math.max(
          maxOverall,
          [...running.values()].reduce((a, b) => a + b, 0),
        );
        await work(delivery);
        processed.push(delivery.id);
        await db.prisma.delivery.update({
          where: { id: delivery.id },
          data: { status: "posted", postedTs: "1", leaseOwner: null, leaseUntil: null },
        });
        running.set(delivery.configurationId, (running.get(delivery.configurationId) ?? 1) - 1);
        return "posted";
      },
    };
    return { processor, processed, concurrency: () => ({ maxPerChannel, maxOverall }) };
  }

  it("claims at once when woken, not at the next poll", async () => {
    const { processor, processed } = recordingProcessor();
    const started = new DeliveryWorker({ db, processor, logger, leaseMs: 30_000, pollMs: 60_000 });
    worker = started;
    started.start();
    await eventually("the start's claim", () => started.claims >= 1);
    const { ids } = await channelWith(1);
    started.wake();
    // The next poll is 60 s away: processed well before it means the wake claimed it (no timing
    // assertion, which a busy machine fails).
    await eventually("processed", () => processed.length === 1, 20_000);
    expect(processed).toEqual(ids);
  });

  it("skips a wake for channels whose queues are full, and claims for any other channel", async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { processor, processed } = recordingProcessor(() => blocked);
    worker = new DeliveryWorker({
      db,
      processor,
      logger,
      leaseMs: 30_000,
      pollMs: 60_000,
      perChannelQueue: 2,
    });
    try {
      const busy = await channelWith(2);
      worker.start();
      await eventually("the busy channel's queue is full", () => worker?.inFlight === 2, 2_000);
      // More for the busy channel: its queue is full, so the wake claims nothing.
      const more = await createDeliveryFor(busy.configurationId);
      const claims = worker.claims;
      worker.wake(new Set([busy.configurationId]));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(worker.claims).toBe(claims);
      expect(worker.inFlight).toBe(2);
      expect((await db.prisma.delivery.findUniqueOrThrow({ where: { id: more } })).leaseOwner).toBeNull();
      // A wake naming another channel claims (for it, and for nobody whose queue is full).
      const other = await channelWith(1);
      worker.wake(new Set([other.configurationId]));
      await eventually("the other channel's delivery is claimed", () => worker?.inFlight === 3, 2_000);
      expect(worker.claims).toBeGreaterThan(claims);
      expect((await db.prisma.delivery.findUniqueOrThrow({ where: { id: more } })).leaseOwner).toBeNull();
    } finally {
      release();
    }
    await eventually("everything processed", () => processed.length === 4, 5_000);
  });

  async function createDeliveryFor(configurationId: string): Promise<string> {
    const message = await db.prisma.message.create({
      data: { id: randomUUID(), snsMessageId: randomUUID(), topicArn: "t", body: "more", snsTimestamp: "x" },
    });
    const id = randomUUID();
    await db.prisma.delivery.create({ data: { id, messageId: message.id, configurationId } });
    return id;
  }

  it("runs channels side by side, each one delivery at a time and in order", async () => {
    const { processor, processed, concurrency } = recordingProcessor(
      () => new Promise((resolve) => setTimeout(resolve, 20)),
    );
    const channels = [await channelWith(5), await channelWith(5), await channelWith(5)];
    worker = new DeliveryWorker({ db, processor, logger, leaseMs: 30_000, pollMs: 50 });
    worker.start();
    await eventually("all processed", () => processed.length === 15, 5_000);
    expect(concurrency()).toEqual({ maxPerChannel: 1, maxOverall: 3 });
    for (const channel of channels) {
      expect(processed.filter((id) => channel.ids.includes(id))).toEqual(channel.ids);
    }
  });

  it("a delivery whose lease ran out while it was being posted is not queued (and posted) twice", async () => {
    let first = true;
    const { processor, processed } = recordingProcessor(async () => {
      if (!first) return;
      first = false;
      // As if renewals had not happened for a whole lease: every lease in the table has run out,
      // the one of the delivery being posted right now included. The next polls claim them again.
      await db.prisma.delivery.updateMany({ data: { leaseUntil: new Date(Date.now() - 1_000) } });
      // Two polls claim after the leases ran out, so the in-hand deliveries are claimed again.
      const claims = worker?.claims ?? 0;
      await eventually("two polls after the leases ran out", () => (worker?.claims ?? 0) >= claims + 2);
    });
    const { ids } = await channelWith(4);
    worker = new DeliveryWorker({ db, processor, logger, leaseMs: 30_000, pollMs: 20 });
    worker.start();
    await eventually(
      "all posted",
      async () => (await db.prisma.delivery.count({ where: { status: "posted" } })) === 4,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(processed).toEqual(ids);
  });

  it("stop() lets the delivery in progress finish and hands back the rest at once", async () => {
    let release: () => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      const { processor } = recordingProcessor(
        () =>
          new Promise<void>((resolve) => {
            release = resolve;
            resolveStarted();
          }),
      );
      worker = new DeliveryWorker({ db, processor, logger, leaseMs: 30_000, pollMs: 50 });
    });
    const { ids } = await channelWith(4);
    worker?.start();
    await started;
    const stopped = worker?.stop();
    release();
    await stopped;
    const rows = await db.prisma.delivery.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => row.status)).toEqual(["posted", "pending", "pending", "pending"]);
    expect(rows.map((row) => row.leaseOwner)).toEqual([null, null, null, null]);
    expect(rows[0].id).toBe(ids[0]);
  });
});
