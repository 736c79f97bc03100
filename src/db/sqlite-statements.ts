/**
 * What Prisma's better-sqlite3 adapter gets when it prepares a statement. The adapter prepares every
 * query anew (`prepare(sql).bind(args)`): in a profile of the server at 200 deliveries/s, preparing
 * took 5 % of the main thread. Here each SQL text is prepared once and kept (up to
 * PRISMA_STATEMENTS_KEPT, least recently used dropped), and the adapter gets a light view that
 * passes its arguments at each call instead of binding them to the statement for good.
 *
 * Also: Prisma's adapter starts every transaction with a deferred `BEGIN`. When another process
 * (the CLI, a second server, a test) commits between such a transaction's first read and its first
 * write, SQLite cannot upgrade it and fails with SQLITE_BUSY at once, busy timeout or not (a stale
 * snapshot). `BEGIN IMMEDIATE` takes the write lock up front, waiting for it within the busy timeout,
 * so a transaction never holds a snapshot another writer can invalidate. SQLite has one writer
 * anyway, and the adapter already runs one transaction at a time on its connection.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { SqliteConnection } from "./sqlite-writer";

export const PRISMA_STATEMENTS_KEPT = 500;

/**
 * The connection's own `prepare`, for code that uses statements as better-sqlite3 makes them (the
 * synchronous writer): after adaptConnectionForPrisma, `connection.prepare` is the adapter's.
 */
const ownPrepare = new WeakMap<SqliteConnection, (sql: string) => BetterSqlite3.Statement>();

export function prepareStatement(connection: SqliteConnection, sql: string): BetterSqlite3.Statement {
  const prepare = ownPrepare.get(connection);
  return prepare === undefined ? connection.prepare(sql) : prepare(sql);
}

/** The part of a statement Prisma's adapter uses (@prisma/adapter-better-sqlite3 6.19). */
interface AdapterStatement {
  readonly reader: boolean;
  run(): BetterSqlite3.RunResult;
  bind(args: unknown[]): {
    readonly reader: boolean;
    run(): BetterSqlite3.RunResult;
    columns(): BetterSqlite3.ColumnDefinition[];
    raw(): { all(): unknown[] };
  };
}

function adapterView(statement: BetterSqlite3.Statement): AdapterStatement {
  return {
    reader: statement.reader,
    run: () => statement.run(),
    bind: (args) => ({
      reader: statement.reader,
      run: () => statement.run(args),
      columns: () => statement.columns(),
      raw: () => ({ all: () => statement.raw(true).all(args) }),
    }),
  };
}

export interface PreparedStatementCount {
  /** Statements prepared for Prisma since the connection was adapted (a cache miss each). */
  readonly prepared: number;
}

/** Replaces `connection.prepare` for Prisma's adapter (see the header); returns a miss counter. */
export function adaptConnectionForPrisma(connection: SqliteConnection): PreparedStatementCount {
  const prepare = connection.prepare.bind(connection) as (sql: string) => BetterSqlite3.Statement;
  ownPrepare.set(connection, prepare);
  const kept = new Map<string, BetterSqlite3.Statement>();
  const count = { prepared: 0 };
  connection.prepare = ((source: string) => {
    const sql = source === "BEGIN" ? "BEGIN IMMEDIATE" : source;
    let statement = kept.get(sql);
    if (statement === undefined) {
      statement = prepare(sql);
      count.prepared++;
      if (kept.size >= PRISMA_STATEMENTS_KEPT) kept.delete(kept.keys().next().value as string);
    } else kept.delete(sql);
    kept.set(sql, statement);
    return adapterView(statement);
  }) as unknown as SqliteConnection["prepare"];
  return count;
}
