/**
 * Applies the committed SQL migrations (prisma/migrations/<sqlite|postgres>/<name>/migration.sql)
 * in name order and records each in `_chatbot_migrations`. Written without the Prisma CLI because
 * its JS schema engine cannot migrate through the pg adapter (prisma/orm issue 27403).
 * PostgreSQL: a session advisory lock serialises replicas starting at once. SQLite: BEGIN IMMEDIATE.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { Client } from "pg";
import type { Config, DatabaseKind } from "../config";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { ensureSqliteDirectory } from "./sqlite-file";

export const MIGRATIONS_ROOT = path.resolve(__dirname, "..", "..", "prisma", "migrations");
const MIGRATION_TABLE = "_chatbot_migrations";
/** Arbitrary constant key for pg_advisory_lock: "aws-chatbot migrate". */
const ADVISORY_LOCK_KEY = 7_260_311_042;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
  /** What the migrations applied now decided (MIGRATION_REPORTS), to log for the operator. */
  reports: MigrationReport[];
}

export interface MigrationReport {
  migration: string;
  message: string;
  row: Record<string, unknown>;
}

/**
 * Migrations that decide something about existing data name it here: the query (run in the
 * migration's transaction, right after it) returns one row per decision, logged once when applied.
 */
const MIGRATION_REPORTS: Readonly<Record<string, { query: string; message: string }>> = {
  "0003_linked_accounts": {
    query: `SELECT "teamId", "accountId" FROM "LinkedAccount" WHERE "linkedVia" = 'migration' ORDER BY "teamId", "accountId"`,
    message:
      "linked an AWS account to the workspace that subscribed its topic first, so its configurations keep receiving it",
  },
};

export function readMigrations(kind: DatabaseKind, root = MIGRATIONS_ROOT): Migration[] {
  const dir = path.join(root, kind);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkRecorded(migrations: Migration[], recorded: Map<string, string>): void {
  for (const [name, checksum] of recorded) {
    const migration = migrations.find((m) => m.name === name);
    if (migration === undefined) {
      throw new ChatbotError(
        ErrorCode.MigrationFailed,
        `the database has migration ${name}, which this version does not know: it was written by a newer version`,
      );
    }
    if (migration.checksum !== checksum) {
      throw new ChatbotError(ErrorCode.MigrationFailed, `migration ${name} was changed after it was applied`);
    }
  }
}

function migrateSqlite(file: string, migrations: Migration[]): MigrationResult {
  ensureSqliteDirectory(file);
  const db = new Sqlite(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 10000");
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${MIGRATION_TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    const run = db.transaction(() => {
      const rows = db.prepare(`SELECT name, checksum FROM ${MIGRATION_TABLE}`).all() as {
        name: string;
        checksum: string;
      }[];
      const recorded = new Map(rows.map((row) => [row.name, row.checksum]));
      checkRecorded(migrations, recorded);
      const applied: string[] = [];
      const reports: MigrationReport[] = [];
      for (const migration of migrations) {
        if (recorded.has(migration.name)) continue;
        db.exec(migration.sql);
        const report = MIGRATION_REPORTS[migration.name];
        if (report !== undefined) {
          for (const row of db.prepare(report.query).all() as Record<string, unknown>[])
            reports.push({ migration: migration.name, message: report.message, row });
        }
        db.prepare(`INSERT INTO ${MIGRATION_TABLE} (name, checksum, applied_at) VALUES (?, ?, ?)`).run(
          migration.name,
          migration.checksum,
          new Date().toISOString(),
        );
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: [...recorded.keys()], reports };
    });
    return run.immediate();
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    try {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${MIGRATION_TABLE} (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`,
      );
      const { rows } = await client.query<{ name: string; checksum: string }>(
        `SELECT name, checksum FROM ${MIGRATION_TABLE}`,
      );
      const recorded = new Map(rows.map((row) => [row.name, row.checksum]));
      checkRecorded(migrations, recorded);
      const applied: string[] = [];
      const reports: MigrationReport[] = [];
      for (const migration of migrations) {
        if (recorded.has(migration.name)) continue;
        await client.query("BEGIN");
        try {
          await client.query(migration.sql);
          const report = MIGRATION_REPORTS[migration.name];
          if (report !== undefined) {
            const { rows: decided } = await client.query<Record<string, unknown>>(report.query);
            for (const row of decided)
              reports.push({ migration: migration.name, message: report.message, row });
          }
          await client.query(`INSERT INTO ${MIGRATION_TABLE} (name, checksum) VALUES ($1, $2)`, [
            migration.name,
            migration.checksum,
          ]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        }
        applied.push(migration.name);
      }
      return { applied, alreadyApplied: [...recorded.keys()], reports };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Brings the database up to date. Applying twice is a no-op. */
export async function migrateDatabase(
  database: Config["database"],
  logger: Logger,
  migrationsRoot = MIGRATIONS_ROOT,
): Promise<MigrationResult> {
  const migrations = readMigrations(database.kind, migrationsRoot);
  let result: MigrationResult;
  try {
    result =
      database.kind === "sqlite"
        ? migrateSqlite(database.sqliteFile ?? "", migrations)
        : await migratePostgres(database.url, migrations);
  } catch (error) {
    if (error instanceof ChatbotError) throw error;
    throw new ChatbotError(
      ErrorCode.MigrationFailed,
      `migrating the ${database.kind} database failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  for (const name of result.applied) logger.info({ migration: name }, "applied migration");
  for (const report of result.reports)
    logger.info({ migration: report.migration, ...report.row }, report.message);
  return result;
}

export interface MigrationStatus {
  applied: string[];
  /** Migrations of this version the database has not had yet. */
  pending: string[];
}

/**
 * What `migrateDatabase` would do, without doing it or creating anything (`chatbot doctor`). Throws
 * MigrationFailed for a database written by another version, DatabaseUnavailable when it cannot be
 * read (a SQLite file that does not exist included).
 */
export async function migrationStatus(
  database: Config["database"],
  migrationsRoot = MIGRATIONS_ROOT,
): Promise<MigrationStatus> {
  const migrations = readMigrations(database.kind, migrationsRoot);
  let recorded: Map<string, string>;
  try {
    recorded =
      database.kind === "sqlite"
        ? recordedSqlite(database.sqliteFile ?? "")
        : await recordedPostgres(database.url);
  } catch (error) {
    throw new ChatbotError(ErrorCode.DatabaseUnavailable, (error as Error).message, { cause: error });
  }
  checkRecorded(migrations, recorded);
  return {
    applied: migrations.filter((m) => recorded.has(m.name)).map((m) => m.name),
    pending: migrations.filter((m) => !recorded.has(m.name)).map((m) => m.name),
  };
}

type Recorded = Map<string, string>;

function recordedSqlite(file: string): Recorded {
  if (!fs.existsSync(file)) throw new Error(`the SQLite file ${file} does not exist`);
  const db = new Sqlite(file, { readonly: true, fileMustExist: true });
  try {
    const table = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(MIGRATION_TABLE);
    if (table === undefined) return new Map();
    const rows = db.prepare(`SELECT name, checksum FROM ${MIGRATION_TABLE}`).all() as Migration[];
    return new Map(rows.map((row) => [row.name, row.checksum]));
  } finally {
    db.close();
  }
}

async function recordedPostgres(url: string): Promise<Recorded> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ exists: string | null }>(
      "SELECT to_regclass($1) AS exists",
      [MIGRATION_TABLE],
    );
    if (tables[0]?.exists === null) return new Map();
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM ${MIGRATION_TABLE}`,
    );
    return new Map(rows.map((row) => [row.name, row.checksum]));
  } finally {
    await client.end();
  }
}
