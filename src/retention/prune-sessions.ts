/**
 * Where a retention run executes its statements. PostgreSQL: a connection of its own holding a
 * session advisory lock for the run, so one replica prunes at a time (another replica's run finds the
 * lock taken and skips); each DELETE is its own transaction, so no lock outlives a batch, and
 * autovacuum reclaims the dead tuples as it does for any DELETE. SQLite: each batch is one
 * `BEGIN IMMEDIATE` transaction on Prisma's connection (db/sqlite-writer.ts), a few milliseconds.
 */
import pg from "pg";
import type { Database } from "../db/database";
import { type SqliteWriter, sqliteTimestamp } from "../db/sqlite-writer";
import { type PruneStep, pruneSql } from "./prune-statements";

/** Arbitrary constant key of pg_try_advisory_lock: "aws-chatbot retention". */
export const RETENTION_LOCK_KEY = 0x72_65_74_6e;

/** Pages freed per `PRAGMA incremental_vacuum` (4 MB of 4 KiB pages): one short write each. */
const VACUUM_PAGES_PER_STEP = 1_000;

export interface PruneSession {
  /** Deletes at most `limit` rows of the step older than `cutoff`; returns how many. */
  deleteBatch(step: PruneStep, cutoff: Date, limit: number): Promise<number>;
  /** Gives freed space back to the file system where the database does so (SQLite, incremental). */
  reclaim(yieldBetween: () => Promise<boolean>): Promise<number>;
  end(): Promise<void>;
}

/** A session, or null when another replica holds the retention lock. */
export async function openPruneSession(db: Database, postgresUrl?: string): Promise<PruneSession | null> {
  if (db.sqlite !== undefined) return sqliteSession(db.sqlite);
  if (postgresUrl === undefined) throw new Error("retention on PostgreSQL needs its connection string");
  return postgresSession(postgresUrl);
}

function sqliteSession(writer: SqliteWriter): PruneSession {
  return {
    deleteBatch: (step, cutoff, limit) =>
      writer.transaction(
        (w) => w.statement(pruneSql(step, "sqlite")).run({ cutoff: sqliteTimestamp(cutoff), limit }).changes,
      ),
    async reclaim(yieldBetween) {
      // Without auto_vacuum=INCREMENTAL (the default is NONE) freed pages stay in the file and new rows
      // reuse them, so the file stops growing at its high-water mark; nothing to do.
      // Integers come back as BigInt on Prisma's connection (safe integers).
      const mode = writer.statement("PRAGMA auto_vacuum").get() as { auto_vacuum: number | bigint };
      if (Number(mode.auto_vacuum) !== 2) return 0;
      let freed = 0;
      for (;;) {
        const free = Number(
          (writer.statement("PRAGMA freelist_count").get() as { freelist_count: number | bigint })
            .freelist_count,
        );
        if (free === 0) return freed;
        const pages = Math.min(free, VACUUM_PAGES_PER_STEP);
        await writer.transaction((w) => w.statement(`PRAGMA incremental_vacuum(${pages})`).run());
        freed += pages;
        if (!(await yieldBetween())) return freed;
      }
    },
    async end() {},
  };
}

async function postgresSession(connectionString: string): Promise<PruneSession | null> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  // A connection the server drops mid-run ends the run (its queries reject), not the process.
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      RETENTION_LOCK_KEY,
    ]);
    if (rows[0]?.locked !== true) {
      await client.end();
      return null;
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    async deleteBatch(step, cutoff, limit) {
      const result = await client.query(pruneSql(step, "postgres"), [cutoff.toISOString(), limit]);
      return result.rowCount ?? 0;
    },
    // Autovacuum makes the space of deleted rows reusable; VACUUM FULL would lock the tables.
    reclaim: async () => 0,
    async end() {
      // Ending the connection releases its session lock in any case; unlocking first is just tidy.
      await client.query("SELECT pg_advisory_unlock($1)", [RETENTION_LOCK_KEY]).catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
