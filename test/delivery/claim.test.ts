/**
 * The outbox claim on real SQLite and PostgreSQL: oldest first, leased, one owner per channel,
 * channels waiting for a retry skipped, expired leases claimable again, concurrent claims disjoint.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { type ClaimRequest, claimDueDeliveries } from "../../src/outbox/claim";
import { holdStrandedDeliveries } from "../../src/outbox/hold";
import { releaseLeases, renewLeases } from "../../src/outbox/leases";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

describeEachDatabase("claimDueDeliveries", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let clock: number;

  const request = (owner: string, extra: Partial<ClaimRequest> = {}): ClaimRequest => ({
    owner,
    limit: 100,
    leaseMs: 30_000,
    kinds: ["slack"],
    excludeConfigurations: [],
    now: new Date(clock),
    ...extra,
  });

  async function configuration(state: "active" | "awaiting_invite" = "active") {
    const row = await createSlackConfiguration(db.prisma, {
      teamId: "T0CLAIM",
      channelId: `C${randomUUID().slice(0, 8)}`,
      name: randomUUID(),
      state,
    });
    return row.id;
  }

  /** A delivery created `ageMs` before the clock, for an SNS message sent at `snsAt`. */
  async function delivery(
    configurationId: string,
    fields: { ageMs?: number; snsAt?: string; status?: string; nextAttemptInMs?: number } = {},
  ): Promise<string> {
    const createdAt = new Date(clock - (fields.ageMs ?? 0));
    const message = await db.prisma.message.create({
      data: {
        id: randomUUID(),
        snsMessageId: randomUUID(),
        topicArn: "arn:aws:sns:us-east-1:123456789012:t",
        body: "b",
        snsTimestamp: fields.snsAt ?? createdAt.toISOString(),
      },
    });
    const id = randomUUID();
    await db.prisma.delivery.create({
      data: {
        id,
        messageId: message.id,
        configurationId,
        status: fields.status ?? "pending",
        createdAt,
        nextAttemptAt: new Date(clock + (fields.nextAttemptInMs ?? -1)),
      },
    });
    return id;
  }

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    clock = Date.now();
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it("claims due deliveries oldest first (SNS time breaking ties), with a lease, up to the limit", async () => {
    const c = await configuration();
    const newest = await delivery(c, { ageMs: 1_000 });
    const tieLate = await delivery(c, { ageMs: 5_000, snsAt: "2026-01-01T00:00:02.000Z" });
    const tieEarly = await delivery(c, { ageMs: 5_000, snsAt: "2026-01-01T00:00:01.000Z" });
    const oldest = await delivery(c, { ageMs: 9_000 });

    const first = await claimDueDeliveries(db, request("A", { limit: 3 }));
    expect(first.map((row) => row.id)).toEqual([oldest, tieEarly, tieLate]);
    expect(first[0]).toMatchObject({ configurationId: c, attempts: 0 });
    const leased = await db.prisma.delivery.findUniqueOrThrow({ where: { id: oldest } });
    expect(leased.leaseOwner).toBe("A");
    expect(leased.leaseUntil?.getTime()).toBe(clock + 30_000);
    expect((await claimDueDeliveries(db, request("A"))).map((row) => row.id)).toEqual([newest]);
    expect(await claimDueDeliveries(db, request("A"))).toEqual([]);
  });

  it("leaves alone what is not due: held, posted, dead, later retries, other kinds, inactive configurations", async () => {
    const active = await configuration();
    await delivery(active, { status: "held" });
    await delivery(active, { status: "posted" });
    await delivery(active, { status: "dead" });
    const waiting = await configuration("awaiting_invite");
    await delivery(waiting);
    const webhook = await configuration();
    await db.prisma.channelConfiguration.update({ where: { id: webhook }, data: { kind: "webhook" } });
    await delivery(webhook);
    expect(await claimDueDeliveries(db, request("A"))).toEqual([]);
    expect(await claimDueDeliveries(db, request("A", { kinds: ["webhook"] }))).toHaveLength(1);
  });

  it("holds the pending deliveries of a paused configuration that no claim can take, but not a leased one", async () => {
    const paused = await configuration("awaiting_invite");
    const active = await configuration();
    const stranded = await delivery(paused);
    const leaseExpired = await delivery(paused);
    const leased = await delivery(paused);
    const flowing = await delivery(active);
    await db.prisma.delivery.update({
      where: { id: leased },
      data: { leaseOwner: "worker-a", leaseUntil: new Date(clock + 30_000) },
    });
    await db.prisma.delivery.update({
      where: { id: leaseExpired },
      data: { leaseOwner: "worker-b", leaseUntil: new Date(clock - 1) },
    });

    expect((await holdStrandedDeliveries(db.prisma, new Date(clock))).count).toBe(2);
    const rows = await db.prisma.delivery.findMany({ select: { id: true, status: true, leaseOwner: true } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(stranded)).toMatchObject({ status: "held", leaseOwner: null });
    expect(byId.get(leaseExpired)).toMatchObject({ status: "held", leaseOwner: null });
    // In a worker's hands: that worker holds it when it sees the configuration's state.
    expect(byId.get(leased)).toMatchObject({ status: "pending", leaseOwner: "worker-a" });
    expect(byId.get(flowing)).toMatchObject({ status: "pending" });
    expect((await holdStrandedDeliveries(db.prisma, new Date(clock))).count).toBe(0);
  });

  it("gives a channel to one owner at a time; another owner takes it once the lease expires", async () => {
    const x = await configuration();
    const y = await configuration();
    const x1 = await delivery(x, { ageMs: 3_000 });
    const x2 = await delivery(x, { ageMs: 2_000 });
    const y1 = await delivery(y, { ageMs: 1_000 });

    expect((await claimDueDeliveries(db, request("A", { limit: 1 }))).map((row) => row.id)).toEqual([x1]);
    // B may not take x2 while A holds x1: x's posts must stay sequential and in order.
    expect((await claimDueDeliveries(db, request("B"))).map((row) => row.id)).toEqual([y1]);
    // A itself may take more of its channel.
    expect((await claimDueDeliveries(db, request("A"))).map((row) => row.id)).toEqual([x2]);

    clock += 31_000;
    const taken = await claimDueDeliveries(db, request("B"));
    expect(taken.map((row) => row.id).sort()).toEqual([x1, x2, y1].sort());
  });

  it("renewing keeps the leases; releasing hands them back at once", async () => {
    const x = await configuration();
    const x1 = await delivery(x);
    await claimDueDeliveries(db, request("A"));
    clock += 20_000;
    expect((await renewLeases(db.prisma, "A", [x1], new Date(clock + 30_000))).count).toBe(1);
    expect((await renewLeases(db.prisma, "B", [x1], new Date(clock + 90_000))).count).toBe(0);
    clock += 20_000;
    expect(await claimDueDeliveries(db, request("B"))).toEqual([]);
    expect((await releaseLeases(db.prisma, "B", [x1])).count).toBe(0);
    expect((await releaseLeases(db.prisma, "A", [x1])).count).toBe(1);
    expect((await claimDueDeliveries(db, request("B"))).map((row) => row.id)).toEqual([x1]);
  });

  it("skips a channel while one of its deliveries waits for a retry, so nothing overtakes it", async () => {
    const x = await configuration();
    await delivery(x, { ageMs: 5_000, nextAttemptInMs: 2_000 });
    await delivery(x, { ageMs: 1_000 });
    const y = await configuration();
    const y1 = await delivery(y);
    expect((await claimDueDeliveries(db, request("A"))).map((row) => row.id)).toEqual([y1]);
    clock += 3_000;
    expect(await claimDueDeliveries(db, request("A"))).toHaveLength(2);
  });

  it("leaves out the channels the caller asks it to", async () => {
    const x = await configuration();
    const y = await configuration();
    await delivery(x);
    const y1 = await delivery(y);
    expect(
      (await claimDueDeliveries(db, request("A", { excludeConfigurations: [x] }))).map((r) => r.id),
    ).toEqual([y1]);
  });

  it("concurrent claims by several owners never hand out a delivery twice or a channel to two owners", async () => {
    const channels = await Promise.all(Array.from({ length: 30 }, () => configuration()));
    for (const [i, c] of channels.entries()) {
      for (let k = 0; k < 4; k++) await delivery(c, { ageMs: 10_000 - i * 10 - k });
    }
    const owners = ["A", "B", "C", "D", "E", "F"];
    const results = await Promise.all(
      owners.flatMap((owner) => [0, 1, 2].map(() => claimDueDeliveries(db, request(owner, { limit: 9 })))),
    );
    const claimed = results.flat();
    expect(new Set(claimed.map((row) => row.id)).size).toBe(claimed.length);
    const rows = await db.prisma.delivery.findMany({ where: { leaseOwner: { not: null } } });
    const ownersByChannel = new Map<string, Set<string>>();
    for (const row of rows) {
      const set = ownersByChannel.get(row.configurationId) ?? new Set<string>();
      set.add(row.leaseOwner ?? "");
      ownersByChannel.set(row.configurationId, set);
    }
    expect([...ownersByChannel.values()].every((set) => set.size === 1)).toBe(true);
    expect(rows).toHaveLength(claimed.length);
  });
});
