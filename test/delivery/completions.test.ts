/** Group commit of posted records on real databases: shared transactions, a bad write isolated. */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { CompletionWriter } from "../../src/delivery/completions";
import { markPosted } from "../../src/delivery/outbox";
import { saveThread } from "../../src/delivery/threads";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

describeEachDatabase("CompletionWriter", (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

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

  it("commits writes that arrive together in one transaction", async () => {
    const { configurationId, ids } = await pendingDeliveries(20);
    const writer = new CompletionWriter(db.prisma);
    const transaction = jest.spyOn(db.prisma, "$transaction");
    await Promise.all(
      ids.map((id, i) =>
        writer.write(() => [
          markPosted(db.prisma, id, `1.${i}`, 1),
          saveThread(
            db.prisma,
            { configurationId, threadKey: `k${i}` },
            { parentTs: `1.${i}`, lastState: "ALARM", lastStateAt: new Date() },
          ),
        ]),
      ),
    );
    expect(transaction).toHaveBeenCalledTimes(1);
    expect(await db.prisma.delivery.count({ where: { status: "posted" } })).toBe(20);
    expect(await db.prisma.alarmThread.count()).toBe(20);
  });

  it("a write that cannot succeed fails alone; its neighbours are committed", async () => {
    const { ids } = await pendingDeliveries(3);
    const writer = new CompletionWriter(db.prisma);
    const results = await Promise.allSettled([
      writer.write(() => [markPosted(db.prisma, ids[0], "1.0", 1)]),
      // A thread for a configuration that does not exist: a foreign-key violation.
      writer.write(() => [
        markPosted(db.prisma, ids[1], "1.1", 1),
        saveThread(
          db.prisma,
          { configurationId: "gone", threadKey: "k" },
          { parentTs: "1.1", lastState: null, lastStateAt: new Date() },
        ),
      ]),
      writer.write(() => [markPosted(db.prisma, ids[2], "1.2", 1)]),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const posted = await db.prisma.delivery.findMany({ where: { status: "posted" }, select: { id: true } });
    expect(posted.map((row) => row.id).sort()).toEqual([ids[0], ids[2]].sort());
  });
});
