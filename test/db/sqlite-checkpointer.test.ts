/**
 * WAL checkpoints in a worker thread (src/db/sqlite-checkpointer.ts), on a real SQLite file: the
 * server's connection stops checkpointing inside its commits, the worker copies the log back, and
 * closing the database stops the thread.
 */
import { randomUUID } from "node:crypto";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { FALLBACK_AUTOCHECKPOINT_PAGES } from "../../src/db/sqlite-checkpointer";
import { createLogger } from "../../src/logger";
import { eventually } from "../delivery/world";
import { createTestDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });

describe("SQLite WAL checkpoints in the background", () => {
  let testDb: TestDatabase;
  let db: Database | undefined;

  beforeEach(async () => {
    testDb = await createTestDatabase("sqlite");
    await migrateDatabase(testDb.database, logger);
  });
  afterEach(async () => {
    await db?.close();
    await testDb.drop();
  });

  async function writeMessages(count: number): Promise<void> {
    await db?.sqlite?.transaction((writer) => {
      const insert = writer.statement(
        `INSERT INTO "Message" ("id", "snsMessageId", "topicArn", "body", "snsTimestamp", "receivedAt") VALUES (?, ?, 't', ?, 'x', 'x')`,
      );
      for (let i = 0; i < count; i++) insert.run(randomUUID(), randomUUID(), "x".repeat(2_000));
    });
  }

  function autocheckpoint(database: Database): number {
    if (database.sqlite === undefined) throw new Error("not a SQLite database");
    const row = database.sqlite.statement("PRAGMA wal_autocheckpoint").get() as {
      wal_autocheckpoint: bigint;
    };
    return Number(row.wal_autocheckpoint);
  }

  it("moves the checkpoints off the server's connection and copies the log back from a worker", async () => {
    db = await openDatabase(testDb.database, { backgroundCheckpoints: { logger } });
    expect(autocheckpoint(db)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await writeMessages(500);
    const checkpointer = db.checkpointer;
    await eventually(
      "a background checkpoint copied the log",
      () => (checkpointer?.framesCheckpointed ?? 0) > 0,
      5_000,
    );
    // Everything written is still there, through the server's connection.
    expect(await db.prisma.message.count()).toBe(500);
  });

  it("leaves one-shot connections (CLI, migrations) with SQLite's own checkpoints, and close() ends the thread", async () => {
    db = await openDatabase(testDb.database);
    expect(autocheckpoint(db)).toBe(1_000);
    await db.close();
    db = await openDatabase(testDb.database, { backgroundCheckpoints: { logger } });
    const closing = Date.now();
    await db.close();
    expect(Date.now() - closing).toBeLessThan(2_000);
    db = undefined;
  });
});
