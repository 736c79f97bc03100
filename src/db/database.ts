/**
 * The only place that constructs Prisma clients. Both generated clients come from schemas that are
 * identical but for the provider (test/db/schema-parity.test.ts), so the PostgreSQL client is used
 * through the SQLite client's type.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Config, DatabaseKind } from "../config";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgres/client";
import type { Prisma } from "./generated/sqlite/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { PostgresWriter } from "./postgres-writer";
import { SqliteCheckpointer } from "./sqlite-checkpointer";
import { ensureSqliteDirectory } from "./sqlite-file";
import { adaptConnectionForPrisma } from "./sqlite-statements";
import { type SqliteConnection, SqliteWriter } from "./sqlite-writer";

export type PrismaClient = SqlitePrismaClient;
export type { Prisma };
/** A client or an open transaction: what a query function needs. */
export type DbClient = PrismaClient | Prisma.TransactionClient;

export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  /** SQLite only: synchronous transactions on Prisma's own connection, for the hot path. */
  readonly sqlite?: SqliteWriter;
  /** PostgreSQL only: prepared statements on a `pg` pool of their own, for the hot path. */
  readonly postgres?: PostgresWriter;
  /** SQLite with background checkpoints: the worker that runs them. */
  readonly checkpointer?: SqliteCheckpointer;
  /** Resolves when the database answers a trivial query; throws DatabaseUnavailable otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** SQLite: run WAL checkpoints in a worker thread (the server does; one-shot commands need not). */
  backgroundCheckpoints?: { logger: Logger };
}

export async function openDatabase(
  database: Config["database"],
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  let prisma: PrismaClient;
  let sqlite: SqliteWriter | undefined;
  let postgres: PostgresWriter | undefined;
  let checkpointer: SqliteCheckpointer | undefined;
  if (database.kind === "sqlite") {
    const file = database.sqliteFile ?? "";
    ensureSqliteDirectory(file);
    const adapter = instrumentedSqliteAdapter(new PrismaBetterSQLite3({ url: file, timeout: 10_000 }));
    prisma = new SqlitePrismaClient({ adapter });
    // WAL lets readers run beside the writer; NORMAL is durable across process crashes in WAL mode.
    await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
    const connection = adapter.connection();
    if (options.backgroundCheckpoints !== undefined && connection !== undefined) {
      checkpointer = new SqliteCheckpointer({
        file,
        connection,
        logger: options.backgroundCheckpoints.logger,
      });
    }
    sqlite = new SqliteWriter(() => {
      const connection = adapter.connection();
      if (connection === undefined || !connection.open) {
        throw new ChatbotError(ErrorCode.DatabaseUnavailable, "the SQLite connection is closed");
      }
      return connection;
    }, adapter.transactionsEnded);
  } else {
    const adapter = new PrismaPg({ connectionString: database.url, max: 10, connectionTimeoutMillis: 5_000 });
    // Wait for a pooled connection up to 20 s instead of Prisma's 2 s: under load the default leaves
    // transactions failing while the pool is busy (prisma/orm#29719).
    prisma = new PostgresPrismaClient({
      adapter,
      transactionOptions: { maxWait: 20_000 },
    }) as unknown as PrismaClient;
    postgres = new PostgresWriter({ connectionString: database.url });
  }
  return {
    kind: database.kind,
    prisma,
    sqlite,
    postgres,
    checkpointer,
    async ping() {
      try {
        await prisma.$queryRawUnsafe("SELECT 1");
      } catch (error) {
        throw new ChatbotError(ErrorCode.DatabaseUnavailable, "the database does not answer", {
          cause: error,
        });
      }
    },
    async close() {
      await checkpointer?.stop();
      await postgres?.close();
      await prisma.$disconnect();
    },
  };
}

/**
 * Prisma's better-sqlite3 adapter, as Prisma gets it, with three additions made when it connects:
 * its one connection (the adapter's `client`) is remembered for the synchronous writer; its
 * statements are kept and transactions begin IMMEDIATE (sqlite-statements.ts); and its open transactions are counted, so the
 * writer can wait for their end instead of polling.
 */
function instrumentedSqliteAdapter(factory: PrismaBetterSQLite3): Pick<
  PrismaBetterSQLite3,
  "provider" | "adapterName" | "connect"
> & {
  connection(): SqliteConnection | undefined;
  /** Resolves when no Prisma transaction is open; undefined when none is open now. */
  transactionsEnded(): Promise<void> | undefined;
} {
  let connection: SqliteConnection | undefined;
  let open = 0;
  let waiting: Array<() => void> = [];
  const ended = () => {
    open--;
    if (open > 0) return;
    const resolve = waiting;
    waiting = [];
    for (const wake of resolve) wake();
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect() {
      const adapter = await factory.connect();
      const client = (adapter as unknown as { client: SqliteConnection }).client;
      adaptConnectionForPrisma(client);
      connection = client;
      // Count Prisma's transactions (begun here, ended by commit or rollback), so the synchronous
      // writer can wait for the end of one instead of polling the connection.
      const startTransaction = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (...args) => {
        const transaction = await startTransaction(...args);
        open++;
        let done = false;
        for (const method of ["commit", "rollback"] as const) {
          const end = transaction[method].bind(transaction);
          transaction[method] = async () => {
            try {
              await end();
            } finally {
              if (!done) {
                done = true;
                ended();
              }
            }
          };
        }
        return transaction;
      };
      return adapter;
    },
    connection: () => connection,
    transactionsEnded: () => (open === 0 ? undefined : new Promise<void>((resolve) => waiting.push(resolve))),
  };
}
