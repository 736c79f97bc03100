/**
 * Real databases for tests: a fresh SQLite file in a temp folder, or a fresh PostgreSQL database
 * created for the test file and dropped after it. `describeEachDatabase` runs a suite on both.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { type Config, loadConfig } from "../../src/config";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { TEST_POSTGRES_URL } from "./postgres-probe";

export type TestDatabaseKind = "sqlite" | "postgres";

export interface TestDatabase {
  kind: TestDatabaseKind;
  url: string;
  database: Config["database"];
  drop(): Promise<void>;
}

export const postgresAvailable = (): boolean => process.env.CHATBOT_TEST_POSTGRES === "1";

export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-test-"));
    const url = `file:${path.join(dir, "chatbot.db")}`;
    return {
      kind,
      url,
      database: loadConfig({ DATABASE_URL: url }).database,
      async drop() {
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `chatbot_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    kind,
    url: url.toString(),
    database: loadConfig({ DATABASE_URL: url.toString(), ENCRYPTION_KEY: randomBytes(32).toString("base64") })
      .database,
    async drop() {
      const client = new Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A fresh database of that kind, migrated and opened; `dispose` closes and drops it. */
export async function openMigratedTestDatabase(
  kind: TestDatabaseKind,
): Promise<{ testDb: TestDatabase; db: Database; dispose(): Promise<void> }> {
  const testDb = await createTestDatabase(kind);
  await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
  const db = await openDatabase(testDb.database);
  return {
    testDb,
    db,
    async dispose() {
      await db.close();
      await testDb.drop();
    },
  };
}

/** The database kinds this run covers: SQLite always, PostgreSQL when it answers (required in CI). */
export function databaseKinds(): TestDatabaseKind[] {
  return postgresAvailable() ? ["sqlite", "postgres"] : ["sqlite"];
}

/** `describe` once per database kind, named "<name> [sqlite]" / "<name> [postgres]". */
export function describeEachDatabase(name: string, suite: (kind: TestDatabaseKind) => void): void {
  for (const kind of ["sqlite", "postgres"] as const) {
    const run = kind === "sqlite" || postgresAvailable() ? describe : describe.skip;
    run(`${name} [${kind}]`, () => suite(kind));
  }
}
