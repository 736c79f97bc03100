import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/database";
import { MIGRATIONS_ROOT, migrateDatabase, readMigrations } from "../../src/db/migrate";
import { ChatbotError } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-migrations-"));
  fs.cpSync(MIGRATIONS_ROOT, dir, { recursive: true });
  return dir;
}

describeEachDatabase("migrateDatabase", (kind) => {
  let testDb: TestDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it("applies every migration, records them, and is a no-op the second time", async () => {
    const all = readMigrations(kind).map((m) => m.name);
    const first = await migrateDatabase(testDb.database, logger);
    expect(first.applied).toEqual(all);
    const second = await migrateDatabase(testDb.database, logger);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.sort()).toEqual(all);

    const db = await openDatabase(testDb.database);
    try {
      expect(await db.prisma.installation.count()).toBe(0);
      await db.ping();
    } finally {
      await db.close();
    }
  });

  it("two processes migrating at once do not collide", async () => {
    const results = await Promise.all([
      migrateDatabase(testDb.database, logger),
      migrateDatabase(testDb.database, logger),
      migrateDatabase(testDb.database, logger),
    ]);
    const appliedCounts = results.map((r) => r.applied.length).sort();
    expect(appliedCounts).toEqual([0, 0, readMigrations(kind).length]);
  });

  it("applies a new migration added later, and only that one", async () => {
    const root = copyMigrations();
    await migrateDatabase(testDb.database, logger, root);
    const extra = path.join(root, kind, "9999_test_extra");
    fs.mkdirSync(extra);
    fs.writeFileSync(
      path.join(extra, "migration.sql"),
      'CREATE TABLE "TestExtra" ("id" TEXT PRIMARY KEY);\n',
    );
    const result = await migrateDatabase(testDb.database, logger, root);
    expect(result.applied).toEqual(["9999_test_extra"]);
  });

  it("refuses a migration edited after it was applied", async () => {
    const root = copyMigrations();
    await migrateDatabase(testDb.database, logger, root);
    const [first] = readMigrations(kind, root);
    fs.appendFileSync(path.join(root, kind, first.name, "migration.sql"), "\n-- edited\n");
    await expect(migrateDatabase(testDb.database, logger, root)).rejects.toThrow(
      /was changed after it was applied/,
    );
  });

  it("a failing migration is rolled back and reported", async () => {
    const root = copyMigrations();
    await migrateDatabase(testDb.database, logger, root);
    const broken = path.join(root, kind, "9999_broken");
    fs.mkdirSync(broken);
    fs.writeFileSync(
      path.join(broken, "migration.sql"),
      'CREATE TABLE "Half" ("id" TEXT);\nTHIS IS NOT SQL;\n',
    );
    await expect(migrateDatabase(testDb.database, logger, root)).rejects.toThrow(ChatbotError);
    fs.rmSync(broken, { recursive: true });
    const again = await migrateDatabase(testDb.database, logger, root);
    expect(again.applied).toEqual([]);
    const db = await openDatabase(testDb.database);
    try {
      await expect(db.prisma.$queryRawUnsafe('SELECT * FROM "Half"')).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
