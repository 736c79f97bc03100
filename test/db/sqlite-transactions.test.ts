/**
 * Prisma transactions on SQLite take the write lock at BEGIN (src/db/sqlite-statements.ts): another process
 * committing between a transaction's read and its write cannot leave it with a stale snapshot that
 * SQLite refuses to upgrade (SQLITE_BUSY at once, whatever the busy timeout).
 */
import { randomUUID } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });

describe("Prisma transactions on SQLite", () => {
  let testDb: TestDatabase;
  let db: Database;
  let other: BetterSqlite3.Database;

  beforeEach(async () => {
    testDb = await createTestDatabase("sqlite");
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
    // Another writer, as the CLI or a second process would be; it does not wait for locks.
    other = new BetterSqlite3(testDb.database.sqliteFile ?? "");
    other.pragma("busy_timeout = 0");
  });
  afterEach(async () => {
    other.close();
    await db.close();
    await testDb.drop();
  });

  const insertElsewhere = () =>
    other
      .prepare(
        `INSERT INTO "Message" ("id", "snsMessageId", "topicArn", "body", "snsTimestamp", "receivedAt") VALUES (?, ?, 't', 'other', 'x', 'x')`,
      )
      .run(randomUUID(), randomUUID());

  it("hold the write lock from BEGIN, so a read-then-write transaction is never invalidated", async () => {
    let elsewhere: unknown;
    await db.prisma.$transaction(async (tx) => {
      await tx.message.count();
      try {
        insertElsewhere();
      } catch (error) {
        elsewhere = error;
      }
      await tx.message.create({
        data: {
          id: randomUUID(),
          snsMessageId: randomUUID(),
          topicArn: "t",
          body: "ours",
          snsTimestamp: "x",
        },
      });
    });
    // The other writer had to wait for us (here: it gave up at once), and our write went through.
    expect((elsewhere as { code?: string }).code).toBe("SQLITE_BUSY");
    expect(await db.prisma.message.findMany({ select: { body: true } })).toEqual([{ body: "ours" }]);
    // Outside a transaction the other writer goes ahead.
    insertElsewhere();
    expect(await db.prisma.message.count()).toBe(2);
  });

  it("the synchronous writer waits for an open Prisma transaction to end, then sees what it committed", async () => {
    const sqlite = db.sqlite;
    if (sqlite === undefined) throw new Error("not SQLite");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Resolved once the transaction has written (it holds the write lock): the writer starts after.
    let wrote: () => void = () => undefined;
    const written = new Promise<void>((resolve) => {
      wrote = resolve;
    });
    const prismaTransaction = db.prisma.$transaction(
      async (tx) => {
        await tx.message.create({
          data: {
            id: randomUUID(),
            snsMessageId: randomUUID(),
            topicArn: "t",
            body: "ours",
            snsTimestamp: "x",
          },
        });
        wrote();
        await held;
      },
      { timeout: 10_000 },
    );
    await written;
    let ran = false;
    const counted = sqlite.transaction((writer) => {
      ran = true;
      return Number((writer.statement(`SELECT count(*) AS n FROM "Message"`).get() as { n: bigint }).n);
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(ran).toBe(false);
    release();
    await prismaTransaction;
    expect(await counted).toBe(1);
  });
});
