/**
 * Prepared statements on a small `pg` pool of its own, beside Prisma's, for the PostgreSQL hot path
 * (storing SNS notifications). Prisma's raw queries compile and serialise every parameter of a
 * multi-row VALUES list (seven a row) and take an interactive transaction of four round trips; here a
 * batch is a handful of array parameters to a statement PostgreSQL parsed and planned once per
 * connection. Durability is the operator's: nothing here sets `synchronous_commit`.
 */
import pg from "pg";

/** A statement prepared once per pooled connection, under its name. */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/** Connections of the hot path: the ingest commits this many batches at once. */
export const POSTGRES_WRITER_CONNECTIONS = 3;

export interface PostgresWriterOptions {
  connectionString: string;
}

export class PostgresWriter {
  readonly #pool: pg.Pool;

  constructor(options: PostgresWriterOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: POSTGRES_WRITER_CONNECTIONS,
      connectionTimeoutMillis: 5_000,
    });
    // An idle connection dropped by the server (a restart) must not crash the process; the next
    // query opens a new one.
    this.#pool.on("error", () => {});
  }

  /**
   * Runs one prepared statement on its own: without BEGIN it is its own transaction, so every row a
   * statement writes (data-modifying CTEs included) commits together or not at all.
   */
  async query<Row>(statement: PreparedStatement, values: unknown[]): Promise<Row[]> {
    const result = await this.#pool.query<Row & pg.QueryResultRow>({
      name: statement.name,
      text: statement.text,
      values,
    });
    return result.rows;
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}

/** PostgreSQL's SQLSTATE of an error a `pg` query threw, if it is one. */
export function postgresErrorCode(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}
