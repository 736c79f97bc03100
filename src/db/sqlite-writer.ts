/**
 * Synchronous transactions on the SQLite connection Prisma's better-sqlite3 adapter uses, for the
 * hot path (storing SNS notifications): prepared statements run back to back in one JS turn cost a
 * few microseconds a row, where Prisma's query pipeline costs tens.
 *
 * It is the SAME connection, on purpose: a second connection in this process would wait for the
 * write lock with a busy loop that blocks the event loop, while the transaction holding the lock
 * needs the event loop to finish. On one connection nothing can interleave with a transaction that
 * runs start to end synchronously; one only has to wait until no Prisma transaction is open on it.
 */
import type BetterSqlite3 from "better-sqlite3";
import { ChatbotError, ErrorCode } from "../errors";
import { prepareStatement } from "./sqlite-statements";

export type SqliteConnection = BetterSqlite3.Database;

/** How long a transaction waits for Prisma's open transaction to end (as Prisma's own maxWait). */
const MAX_WAIT_MS = 20_000;

/** A Date as Prisma's SQLite adapter stores a DateTime (ISO 8601, `+00:00`), so both compare alike. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

/** `promise`, or at most `ms` milliseconds. */
function waitFor(promise: Promise<void> | undefined, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise?.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export class SqliteWriter {
  #statements = new Map<string, BetterSqlite3.Statement>();
  #preparedOn: SqliteConnection | undefined;

  /**
   * @param transactionsEnded resolves once no Prisma transaction is open on the connection, or is
   *   undefined when none is (database.ts counts the adapter's transactions); without it, or for a
   *   transaction begun some other way, the writer polls every millisecond.
   */
  constructor(
    private readonly connection: () => SqliteConnection,
    private readonly transactionsEnded?: () => Promise<void> | undefined,
  ) {}

  /** A prepared statement, prepared once per SQL text (and again if Prisma reconnected). */
  statement(sql: string): BetterSqlite3.Statement {
    const db = this.connection();
    if (db !== this.#preparedOn) {
      this.#statements = new Map();
      this.#preparedOn = db;
    }
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = prepareStatement(db, sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `work` in one `BEGIN IMMEDIATE` transaction, synchronously, as soon as no Prisma transaction
   * is open on the connection. It commits when `work` returns and rolls back when it throws.
   */
  async transaction<T>(work: (writer: SqliteWriter) => T): Promise<T> {
    const db = this.connection();
    const deadline = Date.now() + MAX_WAIT_MS;
    while (db.inTransaction) {
      if (Date.now() > deadline) {
        throw new ChatbotError(
          ErrorCode.DatabaseUnavailable,
          `a transaction held the SQLite connection for more than ${MAX_WAIT_MS / 1000} s`,
        );
      }
      // Wait for Prisma's transactions to end rather than spinning on the event loop (and look
      // again every second, should one never be ended).
      const ended = this.transactionsEnded?.();
      await waitFor(ended, ended === undefined ? 1 : 1_000);
    }
    return db.transaction(() => work(this)).immediate();
  }
}
