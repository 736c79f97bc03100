/**
 * Retention on a real database with a test clock: what is old goes, in bounded batches; what is
 * waiting to be delivered, dead letters and the audit log stay for as long as they must.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import type { Database } from "../../src/db/database";
import { Metrics } from "../../src/http/metrics";
import { createLogger, type Logger } from "../../src/logger";
import { openPruneSession } from "../../src/retention/prune-sessions";
import { PRUNE_STEPS } from "../../src/retention/prune-statements";
import { RetentionJob, type RetentionJobOptions, type RetentionRun } from "../../src/retention/retention-job";
import { eventually } from "../delivery/world";
import { describeEachDatabase, openMigratedTestDatabase, type TestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";

const DAY = 86_400_000;
const NOW = new Date("2027-06-01T12:00:00.000Z");
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const SETTINGS = { retentionMs: 30 * DAY, auditRetentionMs: 365 * DAY };

type Status = "pending" | "held" | "posted" | "dead";

describeEachDatabase("retention", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let dispose: () => Promise<void>;
  let configurationId: string;
  let otherConfigurationId: string;

  beforeEach(async () => {
    ({ testDb, db, dispose } = await openMigratedTestDatabase(kind));
    configurationId = (
      await createSlackConfiguration(db.prisma, { teamId: "T0RET", channelId: "C0RET", name: "ret" })
    ).id;
    otherConfigurationId = (
      await createSlackConfiguration(db.prisma, { teamId: "T0RET", channelId: "C0RET2", name: "ret2" })
    ).id;
  });
  afterEach(() => dispose());

  function job(options: Partial<RetentionJobOptions> = {}): RetentionJob {
    return new RetentionJob({
      db,
      settings: SETTINGS,
      metrics: new Metrics({ processMetrics: false }),
      logger: createLogger({ level: "silent" }),
      postgresUrl: testDb.url,
      now: () => NOW,
      ...options,
    });
  }

  async function runOnce(options: Partial<RetentionJobOptions> = {}): Promise<RetentionRun> {
    const result = await job(options).runOnce();
    if (typeof result === "string") throw new Error(`the run was ${result}`);
    return result;
  }

  /** `count` messages received at `at`, each with one delivery of `status` last changed at `at`. */
  async function seed(
    count: number,
    status: Status,
    at: Date,
    extra: { configurationId?: string; postedTs?: (i: number) => string; leased?: boolean } = {},
  ): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await db.prisma.message.createMany({
      data: ids.map((id) => ({
        id,
        snsMessageId: randomUUID(),
        topicArn: "arn:aws:sns:us-east-1:123456789012:t",
        body: "{}",
        snsTimestamp: at.toISOString(),
        receivedAt: at,
      })),
    });
    await addDeliveries(ids, status, at, extra);
    return ids;
  }

  async function addDeliveries(
    messageIds: string[],
    status: Status,
    at: Date,
    extra: { configurationId?: string; postedTs?: (i: number) => string; leased?: boolean } = {},
  ): Promise<void> {
    await db.prisma.delivery.createMany({
      data: messageIds.map((messageId, i) => ({
        id: randomUUID(),
        messageId,
        configurationId: extra.configurationId ?? configurationId,
        status,
        createdAt: at,
        updatedAt: at,
        nextAttemptAt: at,
        postedTs: status === "posted" ? (extra.postedTs?.(i) ?? `1700000000.${i}`) : null,
        leaseOwner: extra.leased ? "replica-1" : null,
        leaseUntil: extra.leased ? new Date(Date.now() + 60_000) : null,
      })),
    });
  }

  const counts = async () => ({
    messages: await db.prisma.message.count(),
    deliveries: await db.prisma.delivery.count(),
    threads: await db.prisma.alarmThread.count(),
    audit: await db.prisma.auditEvent.count(),
  });

  it("deletes posted messages and deliveries older than RETENTION and keeps recent ones", async () => {
    await seed(3, "posted", daysAgo(31));
    const recent = await seed(2, "posted", daysAgo(29));

    const run = await runOnce();

    expect(run.pruned).toEqual({ alarm_thread: 0, delivery: 3, digest: 0, message: 3, audit_event: 0 });
    const left = await db.prisma.message.findMany({ select: { id: true } });
    expect(left.map((m) => m.id).sort()).toEqual([...recent].sort());
    expect(await db.prisma.delivery.count()).toBe(2);
  });

  it("never deletes pending, held or in-flight deliveries (nor their messages), whatever their age", async () => {
    await seed(2, "pending", daysAgo(400));
    await seed(2, "held", daysAgo(400));
    await seed(2, "pending", daysAgo(400), { leased: true });
    // One message, two channels: posted long ago to one, still waiting for the other.
    const [shared] = await seed(1, "posted", daysAgo(400));
    await addDeliveries([shared], "pending", daysAgo(400), { configurationId: otherConfigurationId });

    const run = await runOnce();

    expect(run.pruned).toEqual({ alarm_thread: 0, delivery: 1, digest: 0, message: 0, audit_event: 0 });
    expect(await counts()).toMatchObject({ messages: 7, deliveries: 7 });
    const statuses = await db.prisma.delivery.groupBy({ by: ["status"], _count: true });
    expect(Object.fromEntries(statuses.map((s) => [s.status, s._count]))).toEqual({ pending: 5, held: 2 });
  });

  it("keeps dead letters and audit events until AUDIT_RETENTION", async () => {
    const kept = await seed(1, "dead", daysAgo(200));
    await seed(2, "dead", daysAgo(366));
    await db.prisma.auditEvent.createMany({
      data: [200, 364, 366, 500].map((days) => ({
        id: randomUUID(),
        teamId: "T0RET",
        action: `a${days}`,
        createdAt: daysAgo(days),
      })),
    });

    const run = await runOnce();

    expect(run.pruned).toEqual({ alarm_thread: 0, delivery: 2, digest: 0, message: 2, audit_event: 2 });
    expect((await db.prisma.message.findMany()).map((m) => m.id)).toEqual(kept);
    const audit = await db.prisma.auditEvent.findMany({ orderBy: { action: "asc" } });
    expect(audit.map((event) => event.action)).toEqual(["a200", "a364"]);
  });

  it("prunes alarm threads unused for RETENTION, and keeps a live thread's parent whatever its age", async () => {
    await seed(1, "posted", daysAgo(40), { postedTs: () => "1700000000.000100" });
    await seed(1, "posted", daysAgo(40), { postedTs: () => "1700000000.000200" });
    await db.prisma.alarmThread.createMany({
      data: [
        { threadKey: "idle", parentTs: "1700000000.000100", at: daysAgo(31) },
        { threadKey: "live", parentTs: "1700000000.000200", at: daysAgo(1) },
      ].map(({ threadKey, parentTs, at }) => ({
        configurationId,
        threadKey,
        parentTs,
        lastState: "ALARM",
        lastStateAt: at,
        createdAt: at,
        updatedAt: at,
      })),
    });

    const run = await runOnce();

    expect(run.pruned).toEqual({ alarm_thread: 1, delivery: 1, digest: 0, message: 1, audit_event: 0 });
    expect((await db.prisma.alarmThread.findMany()).map((t) => t.threadKey)).toEqual(["live"]);
    const parent = await db.prisma.delivery.findMany({ select: { postedTs: true } });
    expect(parent).toEqual([{ postedTs: "1700000000.000200" }]);
    expect(await db.prisma.message.count()).toBe(1);
  });

  it("deletes storm digests that no delivery refers to any more, after RETENTION", async () => {
    const old = daysAgo(31);
    await db.prisma.digest.createMany({
      data: [
        { id: "digest-emptied", configurationId, ts: "1700000000.1", createdAt: old, updatedAt: old },
        { id: "digest-in-use", configurationId, ts: "1700000000.2", createdAt: old, updatedAt: old },
        { id: "digest-recent", configurationId, ts: "1700000000.3", updatedAt: daysAgo(1) },
      ],
    });
    const [pending] = await seed(1, "pending", old);
    await db.prisma.delivery.updateMany({
      where: { messageId: pending },
      data: { digestId: "digest-in-use" },
    });

    const run = await runOnce();

    expect(run.pruned.digest).toBe(1);
    const left = await db.prisma.digest.findMany({ select: { id: true }, orderBy: { id: "asc" } });
    expect(left.map((d) => d.id)).toEqual(["digest-in-use", "digest-recent"]);
  });

  it("deletes in statements of at most batchSize rows", async () => {
    await seed(1_200, "posted", daysAgo(31));
    const session = await openPruneSession(db, testDb.url);
    if (session === null) throw new Error("no session");
    const posted = PRUNE_STEPS.find((step) => step.name === "posted deliveries");
    if (posted === undefined) throw new Error("no step");
    try {
      expect(await session.deleteBatch(posted, daysAgo(30), 500)).toBe(500);
      expect(await db.prisma.delivery.count()).toBe(700);
    } finally {
      await session.end();
    }

    const run = await runOnce({ batchSize: 500 });

    expect(run.largestBatch).toBe(500);
    expect(run.pruned).toMatchObject({ delivery: 700, message: 1_200 });
    // deliveries 500 + 200; messages 500 + 500 + 200; one empty statement for each other step.
    expect(run.batches).toBe(2 + 3 + 4);
    expect(await counts()).toMatchObject({ messages: 0, deliveries: 0 });
  });

  it("counts what it deletes per table and logs one line for a run that deleted something", async () => {
    await seed(3, "posted", daysAgo(31));
    const metrics = new Metrics({ processMetrics: false });
    const { logger, lines } = capturingLogger("info");
    const retention = job({ metrics, logger });
    expect(await metrics.render()).toContain('chatbot_retention_pruned_total{table="delivery"} 0');

    await retention.runOnce();
    await retention.runOnce();

    const text = await metrics.render();
    expect(text).toContain('chatbot_retention_pruned_total{table="delivery"} 3');
    expect(text).toContain('chatbot_retention_pruned_total{table="message"} 3');
    expect(text).toContain('chatbot_retention_pruned_total{table="alarm_thread"} 0');
    const logged = lines().map((line) => JSON.parse(line) as { msg: string; pruned?: unknown });
    expect(logged).toEqual([
      expect.objectContaining({
        msg: "retention deleted 6 rows",
        pruned: { alarm_thread: 0, delivery: 3, digest: 0, message: 3, audit_event: 0 },
      }),
    ]);
  });

  it("runs every interval once started", async () => {
    await seed(600, "posted", daysAgo(31));
    const retention = job({ intervalMs: 20, batchSize: 50 });
    retention.start();
    try {
      await eventually("old rows pruned by the timer", async () => (await db.prisma.message.count()) === 0);
    } finally {
      await retention.stop();
    }
  });

  it("stop() ends a run in progress after its current batch, and waits for it", async () => {
    await db.prisma.alarmThread.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({
        configurationId,
        threadKey: `k${i}`,
        parentTs: `1700000000.${i}`,
        updatedAt: daysAgo(31),
      })),
    });
    let stopped: Promise<void> | undefined;
    // The clock is read as the run begins: stop there, so the run has exactly one batch to finish.
    const retention: RetentionJob = job({
      batchSize: 100,
      now: () => {
        stopped = retention.stop();
        return NOW;
      },
    });
    expect(await retention.runOnce()).toBe("stopped");
    await stopped;
    // Threads are the first step: one batch of them went, then nothing else.
    expect(await db.prisma.alarmThread.count()).toBe(200);
  });

  if (kind === "postgres") {
    it("is skipped while another replica holds the retention lock", async () => {
      await seed(3, "posted", daysAgo(31));
      const other = await openPruneSession(db, testDb.url);
      try {
        expect(await job().runOnce()).toBe("skipped");
        expect(await db.prisma.message.count()).toBe(3);
      } finally {
        await other?.end();
      }
      expect(await job().runOnce()).toMatchObject({ pruned: { message: 3 } });
    });

    it("two replicas running at once never prune at the same time", async () => {
      await seed(2_000, "posted", daysAgo(31));
      const silent: Logger = createLogger({ level: "silent" });
      const [a, b] = await Promise.all([
        job({ batchSize: 100, logger: silent }).runOnce(),
        job({ batchSize: 100, logger: silent }).runOnce(),
      ]);
      const runs = [a, b].filter((r): r is RetentionRun => typeof r !== "string");
      expect(runs.length).toBeGreaterThanOrEqual(1);
      if (runs.length === 2) {
        const [first, second] = runs.sort((x, y) => x.startedAt - y.startedAt);
        expect(second.startedAt).toBeGreaterThanOrEqual(first.endedAt);
      } else {
        expect([a, b]).toContain("skipped");
      }
      expect(runs.reduce((sum, run) => sum + run.pruned.message, 0)).toBe(2_000);
      expect(await counts()).toMatchObject({ messages: 0, deliveries: 0 });
    });
  }

  if (kind === "sqlite") {
    const freelist = async () =>
      Number(
        ((await db.prisma.$queryRawUnsafe("PRAGMA freelist_count")) as Array<{ freelist_count: bigint }>)[0]
          .freelist_count,
      );

    it("leaves freed pages for reuse when auto_vacuum is off (SQLite's default)", async () => {
      await seed(2_000, "posted", daysAgo(31));
      const run = await runOnce();
      expect(run.pagesFreed).toBe(0);
      expect(await freelist()).toBeGreaterThan(0);
    });

    it("gives freed pages back with incremental vacuum when auto_vacuum is INCREMENTAL", async () => {
      // On the server's own connection: auto_vacuum changes only with a VACUUM right after it.
      db.sqlite?.statement("PRAGMA auto_vacuum = INCREMENTAL").run();
      db.sqlite?.statement("VACUUM").run();
      expect(db.sqlite?.statement("PRAGMA auto_vacuum").get()).toEqual({ auto_vacuum: 2n });
      await seed(2_000, "posted", daysAgo(31));
      const run = await runOnce();
      expect(run.pagesFreed).toBeGreaterThan(0);
      expect(await freelist()).toBe(0);
    });
  }
});
