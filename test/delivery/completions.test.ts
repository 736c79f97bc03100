/** Group commit of posted records on real databases: shared transactions, a bad write isolated. */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import type { Database } from "../../src/db/database";
import { findThread } from "../../src/delivery/threads";
import { CompletionWriter } from "../../src/outbox/completions";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";

describeEachDatabase("CompletionWriter", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
  });
  afterEach(() => dispose());

  async function pendingDeliveries(count: number): Promise<{ configurationId: string; ids: string[] }> {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0C",
      channelId: "C0C",
      name: "c",
    });
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const message = await db.prisma.message.create({
        data: { id: randomUUID(), snsMessageId: randomUUID(), topicArn: "t", body: "b", snsTimestamp: "s" },
      });
      const id = randomUUID();
      await db.prisma.delivery.create({
        data: { id, messageId: message.id, configurationId: configuration.id },
      });
      ids.push(id);
    }
    return { configurationId: configuration.id, ids };
  }

  it("commits records that arrive together in one transaction of two statements", async () => {
    const { configurationId, ids } = await pendingDeliveries(20);
    const writer = new CompletionWriter(db);
    const transaction = jest.spyOn(db.prisma, "$transaction");
    const at = new Date("2026-03-01T10:00:00.000Z");
    await Promise.all(
      ids.map((id, i) =>
        writer.write({
          posted: { id, postedTs: `1.${i}`, attempts: i + 1 },
          thread:
            i % 2 === 0
              ? {
                  configurationId,
                  threadKey: `k${i}`,
                  parentTs: `1.${i}`,
                  lastState: "ALARM",
                  lastStateAt: at,
                }
              : undefined,
        }),
      ),
    );
    expect(transaction).toHaveBeenCalledTimes(1);
    const rows = await db.prisma.delivery.findMany({ orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => [row.status, row.postedTs, row.attempts, row.leaseOwner])).toEqual(
      ids.map((_, i) => ["posted", `1.${i}`, i + 1, null]),
    );
    // Prisma reads back what the raw statements wrote: the same DateTime format.
    expect(rows[0].updatedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const threads = await db.prisma.alarmThread.findMany({ orderBy: { threadKey: "asc" } });
    expect(threads).toHaveLength(10);
    expect(threads[0]).toMatchObject({
      configurationId,
      threadKey: "k0",
      parentTs: "1.0",
      lastState: "ALARM",
    });
    expect(threads[0].lastStateAt?.toISOString()).toBe(at.toISOString());
    expect(await db.prisma.alarmThread.count({ where: { lastStateAt: { gte: at } } })).toBe(10);

    // What the worker reads back (raw SQL too) has real Dates.
    const read = await findThread(db, configurationId, "k0");
    expect(read).toMatchObject({ parentTs: "1.0", lastState: "ALARM" });
    expect(read?.lastStateAt).toEqual(at);
    expect(read?.updatedAt).toBeInstanceOf(Date);
    expect(await findThread(db, configurationId, "k1")).toBeNull();

    // A thread moves on (a new parent, a new state): the row is updated in place.
    await writer.write({
      posted: { id: ids[0], postedTs: "2.0", attempts: 2 },
      thread: { configurationId, threadKey: "k0", parentTs: "2.0", lastState: "OK", lastStateAt: new Date() },
    });
    expect(
      await db.prisma.alarmThread.findUniqueOrThrow({
        where: { configurationId_threadKey: { configurationId, threadKey: "k0" } },
      }),
    ).toMatchObject({ parentTs: "2.0", lastState: "OK" });
  });

  it("a record that cannot be written fails alone; its neighbours are committed", async () => {
    const { ids } = await pendingDeliveries(3);
    const writer = new CompletionWriter(db);
    const results = await Promise.allSettled([
      writer.write({ posted: { id: ids[0], postedTs: "1.0", attempts: 1 } }),
      // A thread for a configuration that does not exist: a foreign-key violation.
      writer.write({
        posted: { id: ids[1], postedTs: "1.1", attempts: 1 },
        thread: {
          configurationId: "gone",
          threadKey: "k",
          parentTs: "1.1",
          lastState: null,
          lastStateAt: new Date(),
        },
      }),
      writer.write({ posted: { id: ids[2], postedTs: "1.2", attempts: 1 } }),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const posted = await db.prisma.delivery.findMany({ where: { status: "posted" }, select: { id: true } });
    expect(posted.map((row) => row.id).sort()).toEqual([ids[0], ids[2]].sort());
  });
});
