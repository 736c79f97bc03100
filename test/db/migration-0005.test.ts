/**
 * Migration 0005_mentions_and_mutes on a database that already holds a configuration with a topic
 * and a delivery: nothing of them is lost (SQLite adds the column in place rather than rebuilding
 * the table, which would cascade), every channel starts with "only managers mute", and the new
 * tables cascade with their configuration or delivery.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../src/db/database";
import { MIGRATIONS_ROOT, migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });

/** The migrations as they were before 0005. */
function migrationsBefore0005(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-migrations-"));
  for (const kind of ["sqlite", "postgres"]) {
    for (const name of fs.readdirSync(path.join(MIGRATIONS_ROOT, kind))) {
      if (name >= "0005") continue;
      fs.cpSync(path.join(MIGRATIONS_ROOT, kind, name), path.join(dir, kind, name), { recursive: true });
    }
  }
  return dir;
}

describeEachDatabase("migration 0005_mentions_and_mutes", (kind) => {
  let testDb: TestDatabase;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it("keeps configurations, their topics and deliveries; new tables cascade with them", async () => {
    await migrateDatabase(testDb.database, logger, migrationsBefore0005());
    const before = await openDatabase(testDb.database);
    try {
      for (const sql of [
        `INSERT INTO "ChannelConfiguration" ("id","kind","name","teamId","channelId","updatedAt") VALUES ('c1','slack','alerts','T1','C1',CURRENT_TIMESTAMP)`,
        `INSERT INTO "TopicSubscription" ("topicArn","region","updatedAt") VALUES ('arn:aws:sns:us-east-1:123456789012:t','us-east-1',CURRENT_TIMESTAMP)`,
        `INSERT INTO "ConfigurationTopic" ("configurationId","topicArn") VALUES ('c1','arn:aws:sns:us-east-1:123456789012:t')`,
        `INSERT INTO "Message" ("id","snsMessageId","topicArn","body","snsTimestamp") VALUES ('m1','sns-1','arn:aws:sns:us-east-1:123456789012:t','b','2026-03-01T10:00:00Z')`,
        `INSERT INTO "Delivery" ("id","messageId","configurationId","status","postedTs","updatedAt") VALUES ('d1','m1','c1','posted','1.1',CURRENT_TIMESTAMP)`,
      ])
        await before.prisma.$executeRawUnsafe(sql);
    } finally {
      await before.close();
    }

    const result = await migrateDatabase(testDb.database, logger);
    // 0005 first; later migrations (0007_managed_by) follow it.
    expect(result.applied[0]).toBe("0005_mentions_and_mutes");
    const db = await openDatabase(testDb.database);
    try {
      expect(
        await db.prisma.channelConfiguration.findMany({ select: { id: true, mutePermission: true } }),
      ).toEqual([{ id: "c1", mutePermission: "managers" }]);
      expect(await db.prisma.configurationTopic.count()).toBe(1);
      expect(await db.prisma.delivery.findMany({ select: { id: true, status: true } })).toEqual([
        { id: "d1", status: "posted" },
      ]);
      await db.prisma.channelMention.create({
        data: { configurationId: "c1", target: "<!here>", label: "@here", minSeverity: "high" },
      });
      await db.prisma.mute.create({
        data: {
          id: "k3v9q2ab",
          configurationId: "c1",
          scope: "service",
          key: "health",
          label: "service health",
          createdBy: "U1",
        },
      });
      await db.prisma.acknowledgement.create({ data: { deliveryId: "d1", userId: "U1" } });
      await db.prisma.channelConfiguration.delete({ where: { id: "c1" } });
      expect(await db.prisma.channelMention.count()).toBe(0);
      expect(await db.prisma.mute.count()).toBe(0);
      expect(await db.prisma.acknowledgement.count()).toBe(0);
    } finally {
      await db.close();
    }
  });
});
