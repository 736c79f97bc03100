/**
 * Migration 0002_workspace_managers on a database that already holds configurations and audit
 * entries: they keep working; a configuration waiting for /invite is known private, others learn it
 * later; older audit entries stay for managers only; the managers list starts empty.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/database";
import { MIGRATIONS_ROOT, migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });

/** The migrations as they were before 0002. */
function migrationsBefore0002(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-migrations-"));
  for (const kind of ["sqlite", "postgres"]) {
    fs.cpSync(path.join(MIGRATIONS_ROOT, kind, "0001_init"), path.join(dir, kind, "0001_init"), {
      recursive: true,
    });
  }
  return dir;
}

describeEachDatabase("migration 0002_workspace_managers", (kind) => {
  let testDb: TestDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it("keeps existing configurations and audit entries, marking what it knows", async () => {
    await migrateDatabase(testDb.database, logger, migrationsBefore0002());
    const before = await openDatabase(testDb.database);
    try {
      const insert = (id: string, channelId: string, state: string) =>
        before.prisma.$executeRawUnsafe(
          `INSERT INTO "ChannelConfiguration" ("id","kind","name","teamId","channelId","state","updatedAt") VALUES ('${id}','slack','${id}','T1','${channelId}','${state}',CURRENT_TIMESTAMP)`,
        );
      await insert("waiting", "C0PRIV", "awaiting_invite");
      await insert("active", "C0PUB", "active");
      await before.prisma.$executeRawUnsafe(
        `INSERT INTO "AuditEvent" ("id","teamId","userId","action","detail") VALUES ('a1','T1','U1','topics.subscribed','subscribed x to arn:aws:sns:us-east-1:123456789012:t')`,
      );
    } finally {
      await before.close();
    }

    const result = await migrateDatabase(testDb.database, logger);
    expect(result.applied).toContain("0002_workspace_managers");
    const db = await openDatabase(testDb.database);
    try {
      const rows = await db.prisma.channelConfiguration.findMany({
        select: { id: true, channelPrivate: true, state: true },
        orderBy: { id: "asc" },
      });
      expect(rows).toEqual([
        { id: "active", channelPrivate: null, state: "active" },
        { id: "waiting", channelPrivate: true, state: "awaiting_invite" },
      ]);
      expect(await db.prisma.auditEvent.findMany({ select: { id: true, visibleToAll: true } })).toEqual([
        { id: "a1", visibleToAll: false },
      ]);
      expect(await db.prisma.workspaceManager.count()).toBe(0);
      await db.prisma.workspaceManager.create({ data: { teamId: "T1", userId: "U2", addedBy: "U1" } });
      await expect(
        db.prisma.workspaceManager.create({ data: { teamId: "T1", userId: "U2", addedBy: "U3" } }),
      ).rejects.toMatchObject({ code: "P2002" });
    } finally {
      await db.close();
    }
  });
});
