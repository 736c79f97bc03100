/**
 * RequestReplays on real databases, as replicas use it: two database connections (two replicas on
 * PostgreSQL, two processes sharing the SQLite file) claiming the same signature at once — exactly one
 * takes it; expired signatures are pruned.
 */
import { type Database, openDatabase } from "../../../src/db/database";
import { migrateDatabase } from "../../../src/db/migrate";
import { createLogger } from "../../../src/logger";
import { RequestReplays } from "../../../src/slack/requests/request-replays";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../../support/databases";

const logger = createLogger({ level: "silent" });

describeEachDatabase("RequestReplays across replicas", (kind) => {
  let testDb: TestDatabase;
  let replicas: Database[];

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, logger);
    replicas = [await openDatabase(testDb.database), await openDatabase(testDb.database)];
  });
  afterEach(async () => {
    for (const db of replicas) await db.close();
    await testDb.drop();
  });

  it("lets exactly one replica take a signature, however many ask at once", async () => {
    const stores = replicas.map((db) => new RequestReplays(db.prisma, logger, { timeoutMs: 10_000 }));
    const expiresAt = new Date(Date.now() + 300_000);
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stores[i % 2].claim("a".repeat(64), expiresAt)),
    );
    expect(claims.filter((claim) => claim === "first")).toHaveLength(1);
    expect(claims.filter((claim) => claim === "seen")).toHaveLength(9);
    // Released (the request failed), it can be taken again, by either replica.
    await stores[0].release("a".repeat(64));
    expect(await stores[1].claim("a".repeat(64), expiresAt)).toBe("first");
  });

  it("prunes signatures whose window has passed", async () => {
    const prisma = replicas[0].prisma;
    await prisma.slackRequestReplay.create({
      data: { signature: "old", expiresAt: new Date(Date.now() - 1000) },
    });
    const store = new RequestReplays(prisma, logger);
    expect(await store.claim("b".repeat(64), new Date(Date.now() + 300_000))).toBe("first");
    const remaining = async () => (await prisma.slackRequestReplay.findMany()).map((row) => row.signature);
    const deadline = Date.now() + 5_000;
    while ((await remaining()).includes("old") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await remaining()).toEqual(["b".repeat(64)]);
  });
});
