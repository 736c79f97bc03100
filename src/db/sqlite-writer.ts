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

export type SqliteConnection = BetterSqlite3.Database;

/** How long a transaction waits for Prisma's open transaction to end (as Prisma's own maxWait). */
const MAX_WAIT_MS = 20_000;
/** Turns of the event loop spent waiting with setImmediate before falling back to 1 ms timers. */
const IMMEDIATE_TURNS = 64;

/** A Date as Prisma's SQLite adapter stores a DateTime (ISO 8601, `+00:00`), so both compare alike. */
export function sqliteTimestamp(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}

export class SqliteWriter {
  #statements = new Map<string, BetterSqlite3.Statement>();
  #preparedOn: SqliteConnection | undefined;

  constructor(private readonly connection: () => SqliteConnection) {}

  /** A prepared statement, prepared once per SQL text (and again if Prisma reconnected). */
  statement(sql: string): BetterSqlite3.Statement {
    const db = this.connection();
    if (db !== this.#preparedOn) {
      this.#statements = new Map();
      this.#preparedOn = db;
    }
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
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
    for (let turn = 0; db.inTransaction; turn++) {
      if (Date.now() > deadline) {
        throw new ChatbotError(
          ErrorCode.DatabaseUnavailable,
          `a transaction held the SQLite connection for more than ${MAX_WAIT_MS / 1000} s`,
        );
      }
      await new Promise<void>((resolve) =>
        turn < IMMEDIATE_TURNS ? setImmediate(resolve) : setTimeout(resolve, 1),
      );
    }
    return db.transaction(() => work(this)).immediate();
  }
}
