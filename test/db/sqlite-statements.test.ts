/**
 * Prisma's better-sqlite3 adapter on a connection adapted by src/db/sqlite-statements.ts: the real
 * adapter, a real SQLite file. Each SQL text is prepared once however often Prisma runs it, every
 * answer is what a fresh statement gives, and the synchronous writer still gets real statements.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import {
  adaptConnectionForPrisma,
  PRISMA_STATEMENTS_KEPT,
  prepareStatement,
} from "../../src/db/sqlite-statements";
import type { SqliteConnection } from "../../src/db/sqlite-writer";

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;

describe("prepared statements kept for Prisma's SQLite adapter", () => {
  let dir: string;
  let adapter: Adapter;
  let connection: SqliteConnection;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "chatbot-statements-"));
    adapter = await new PrismaBetterSQLite3({ url: path.join(dir, "db.sqlite") }).connect();
    connection = (adapter as unknown as { client: SqliteConnection }).client;
    connection.exec('CREATE TABLE "T" ("id" INTEGER PRIMARY KEY, "name" TEXT NOT NULL)');
  });
  afterEach(async () => {
    await adapter.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (id: number, name: string) =>
    adapter.executeRaw({
      sql: 'INSERT INTO "T" ("id", "name") VALUES (?, ?)',
      args: [id, name],
      argTypes: [
        { scalarType: "int", arity: "scalar" },
        { scalarType: "string", arity: "scalar" },
      ],
    });
  const nameOf = async (id: number) =>
    (
      await adapter.queryRaw({
        sql: 'SELECT "name" FROM "T" WHERE "id" = ?',
        args: [id],
        argTypes: [{ scalarType: "int", arity: "scalar" }],
      })
    ).rows;

  it("prepares each SQL text once, and every call gets its own arguments", async () => {
    const count = adaptConnectionForPrisma(connection);
    for (let id = 1; id <= 100; id++) expect(await insert(id, `name-${id}`)).toBe(1);
    for (let id = 1; id <= 100; id++) expect(await nameOf(id)).toEqual([[`name-${id}`]]);
    expect(await nameOf(1000)).toEqual([]);
    expect(count.prepared).toBe(2);
  });

  it("answers as a fresh statement does, errors included", async () => {
    const fresh = { id: 7, name: "seven" };
    await insert(fresh.id, fresh.name);
    const before = await nameOf(fresh.id);
    await expect(insert(fresh.id, "again")).rejects.toThrow();
    adaptConnectionForPrisma(connection);
    expect(await nameOf(fresh.id)).toEqual(before);
    // A constraint error is Prisma's, as without the adaptation; the statement stays usable.
    await expect(insert(fresh.id, "again")).rejects.toThrow();
    expect(await insert(8, "eight")).toBe(1);
  });

  it("begins Prisma's transactions IMMEDIATE: another connection cannot write until they end", async () => {
    adaptConnectionForPrisma(connection);
    const transaction = await adapter.startTransaction();
    const other = new (connection.constructor as new (file: string) => SqliteConnection)(connection.name);
    other.pragma("busy_timeout = 0");
    try {
      expect(() => other.prepare('INSERT INTO "T" ("id", "name") VALUES (1, \'x\')').run()).toThrow(
        /locked|busy/i,
      );
      await transaction.commit();
      connection.prepare("COMMIT").run();
      expect(other.prepare('INSERT INTO "T" ("id", "name") VALUES (1, \'x\')').run().changes).toBe(1);
    } finally {
      other.close();
    }
  });

  it("keeps at most PRISMA_STATEMENTS_KEPT, dropping the least recently used", async () => {
    const count = adaptConnectionForPrisma(connection);
    const select = (n: number) => adapter.queryRaw({ sql: `SELECT ${n} AS "n"`, args: [], argTypes: [] });
    for (let n = 0; n < PRISMA_STATEMENTS_KEPT; n++) await select(n);
    await select(0); // used again: now the most recent
    await select(PRISMA_STATEMENTS_KEPT); // one more: drops SELECT 1, the least recently used
    expect(count.prepared).toBe(PRISMA_STATEMENTS_KEPT + 1);
    await select(0);
    expect(count.prepared).toBe(PRISMA_STATEMENTS_KEPT + 1);
    await select(1);
    expect(count.prepared).toBe(PRISMA_STATEMENTS_KEPT + 2);
  });

  it("gives other code the connection's own statements", () => {
    adaptConnectionForPrisma(connection);
    const statement = prepareStatement(connection, 'SELECT "name" FROM "T" WHERE "id" = ?');
    connection.prepare('INSERT INTO "T" ("id", "name") VALUES (?, ?)').bind([3, "three"]).run();
    expect(statement.get(3)).toEqual({ name: "three" });
    expect(statement.all(3)).toEqual([{ name: "three" }]);
  });
});
