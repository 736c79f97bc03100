/**
 * The writes a post leaves behind, many rows per statement: what the completion writer commits
 * hundreds of times a second. Raw SQL, because Prisma has no multi-row update with per-row values
 * and compiling one query per row costs more CPU than the post itself. Both dialects take the same
 * text but for placeholders ($n on PostgreSQL, ? in order on SQLite); DateTime values are bound as Date, so
 * the SQLite adapter stores them in the format Prisma itself writes (ISO with +00:00).
 */
import type { Database, Prisma } from "../db/database";

export interface PostedRow {
  id: string;
  postedTs: string;
  attempts: number;
}

export interface ThreadRowWrite {
  configurationId: string;
  threadKey: string;
  parentTs: string;
  lastState: string | null;
  lastStateAt: Date;
}

class Params {
  readonly values: unknown[] = [];

  constructor(private readonly kind: Database["kind"]) {}

  /** Binds a value; returns its placeholder. Placeholders must be used in the order they are bound. */
  bind(value: unknown): string {
    this.values.push(value);
    return this.kind === "postgres" ? `$${this.values.length}` : "?";
  }
}

/**
 * Rows per statement, so no statement binds more than SQLite's 999 parameters (as Prisma's adapter
 * runs it): a posted row binds 5, a thread row 7.
 */
const POSTED_ROWS_PER_STATEMENT = 150;
const THREAD_ROWS_PER_STATEMENT = 100;

/** `rows` in slices of at most `size`, in order. */
export function chunked<T>(rows: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let from = 0; from < rows.length; from += size) chunks.push(rows.slice(from, from + size));
  return chunks;
}

/**
 * Marks deliveries posted (with their Slack ts and attempts) and clears their leases: one statement
 * per POSTED_ROWS_PER_STATEMENT rows, for one `$transaction([...])`.
 */
export function markPostedMany(
  db: Database,
  rows: PostedRow[],
  now: Date = new Date(),
): Prisma.PrismaPromise<number>[] {
  return chunked(rows, POSTED_ROWS_PER_STATEMENT).map((chunk) => markPostedStatement(db, chunk, now));
}

function markPostedStatement(db: Database, rows: PostedRow[], now: Date): Prisma.PrismaPromise<number> {
  const params = new Params(db.kind);
  const ts = rows.map((row) => `WHEN ${params.bind(row.id)} THEN ${params.bind(row.postedTs)}`).join(" ");
  const attempts = rows
    .map((row) => `WHEN ${params.bind(row.id)} THEN CAST(${params.bind(row.attempts)} AS INTEGER)`)
    .join(" ");
  const updatedAt = params.bind(now);
  const ids = rows.map((row) => params.bind(row.id)).join(", ");
  return db.prisma.$executeRawUnsafe(
    `UPDATE "Delivery" SET "status" = 'posted', "postedTs" = CASE "id" ${ts} END, ` +
      `"attempts" = CASE "id" ${attempts} END, "leaseOwner" = NULL, "leaseUntil" = NULL, ` +
      `"updatedAt" = ${updatedAt} WHERE "id" IN (${ids})`,
    ...params.values,
  );
}

/**
 * Creates or moves alarm threads (one row per configuration and key; the last write of a key wins):
 * one statement per THREAD_ROWS_PER_STATEMENT keys, for one `$transaction([...])`.
 */
export function saveThreads(
  db: Database,
  rows: ThreadRowWrite[],
  now: Date = new Date(),
): Prisma.PrismaPromise<number>[] {
  const latest = new Map(rows.map((row) => [`${row.configurationId}\u0000${row.threadKey}`, row]));
  return chunked([...latest.values()], THREAD_ROWS_PER_STATEMENT).map((chunk) =>
    saveThreadsStatement(db, chunk, now),
  );
}

function saveThreadsStatement(db: Database, rows: ThreadRowWrite[], now: Date): Prisma.PrismaPromise<number> {
  const params = new Params(db.kind);
  const values = rows
    .map(
      (row) =>
        `(${[row.configurationId, row.threadKey, row.parentTs, row.lastState, row.lastStateAt, now, now]
          .map((value) => params.bind(value))
          .join(", ")})`,
    )
    .join(", ");
  return db.prisma.$executeRawUnsafe(
    `INSERT INTO "AlarmThread" ("configurationId", "threadKey", "parentTs", "lastState", "lastStateAt", ` +
      `"createdAt", "updatedAt") VALUES ${values} ON CONFLICT ("configurationId", "threadKey") DO UPDATE SET ` +
      `"parentTs" = excluded."parentTs", "lastState" = excluded."lastState", ` +
      `"lastStateAt" = excluded."lastStateAt", "updatedAt" = excluded."updatedAt"`,
    ...params.values,
  );
}
