/**
 * 0003_linked_accounts on a database that already has configurations (SQLite and PostgreSQL): each
 * subscribed topic's account is linked to the workspace that subscribed the topic first, the links
 * are logged, and afterwards ingest under TOPIC_ACCESS=linked still delivers to those
 * configurations — but not to a later subscriber of another workspace, nor is the CLI's room affected.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addTopicToConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { MIGRATIONS_ROOT, migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { NotificationIngest } from "../../src/sns/ingest";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";

const MIGRATION = "0003_linked_accounts";
const SHARED = "arn:aws:sns:us-east-1:111111111111:shared"; // A first, B later
const B_OWN = "arn:aws:sns:eu-west-1:222222222222:b-own"; // B only
const CLI_ROOM = "arn:aws:sns:us-gov-west-1:333333333333:room"; // the operator's webhook room only

/** The committed migrations without 0003 and later, in a folder of their own. */
function migrationsBefore(kind: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-migrations-"));
  fs.cpSync(MIGRATIONS_ROOT, root, { recursive: true });
  for (const name of fs.readdirSync(path.join(root, kind))) {
    if (name >= MIGRATION) fs.rmSync(path.join(root, kind, name), { recursive: true });
  }
  return root;
}

describeEachDatabase(`migration ${MIGRATION}`, (kind) => {
  let testDb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await db?.close();
    await testDb.drop();
  });

  async function configuration(teamId: string, name: string, topics: string[], at: Date) {
    // Raw SQL: the client knows columns of later migrations (0005's mutePermission) this schema lacks.
    const row = { id: `cfg-${name}` };
    await db.prisma.$executeRawUnsafe(
      teamId === "cli"
        ? `INSERT INTO "ChannelConfiguration" ("id","kind","name","teamId","webhookDescription","updatedAt") VALUES ('${row.id}','webhook','${name}','${teamId}','Ops/Alarms',CURRENT_TIMESTAMP)`
        : `INSERT INTO "ChannelConfiguration" ("id","kind","name","teamId","channelId","updatedAt") VALUES ('${row.id}','slack','${name}','${teamId}','C${name.toUpperCase()}',CURRENT_TIMESTAMP)`,
    );
    for (const topicArn of topics) {
      await addTopicToConfiguration(db.prisma, row.id, { topicArn, region: topicArn.split(":")[3] });
      await db.prisma.configurationTopic.update({
        where: { configurationId_topicArn: { configurationId: row.id, topicArn } },
        data: { createdAt: at },
      });
    }
    return row.id;
  }

  it("links each topic's account to its first workspace, logs it, and existing configurations keep delivering", async () => {
    const silent = createLogger({ level: "silent" });
    const before = migrationsBefore(kind);
    await migrateDatabase(testDb.database, silent, before);
    db = await openDatabase(testDb.database);
    const a = await configuration("T0TEAMA0001", "a-alerts", [SHARED], new Date("2026-01-01T00:00:00Z"));
    const b = await configuration(
      "T0TEAMB0001",
      "b-alerts",
      [SHARED, B_OWN],
      new Date("2026-02-01T00:00:00Z"),
    );
    const room = await configuration("cli", "room", [CLI_ROOM], new Date("2026-03-01T00:00:00Z"));
    await db.close();

    const { logger, lines } = capturingLogger("info");
    const result = await migrateDatabase(testDb.database, logger);
    expect(result.applied).toContain(MIGRATION);
    expect(result.reports.map((r) => r.row)).toEqual([
      { teamId: "T0TEAMA0001", accountId: "111111111111" },
      { teamId: "T0TEAMB0001", accountId: "222222222222" },
    ]);
    const logged = lines()
      .map((line) => JSON.parse(line) as { msg: string; teamId?: string; accountId?: string })
      .filter((line) => line.msg.startsWith("linked an AWS account"));
    expect(logged.map((line) => [line.teamId, line.accountId])).toEqual([
      ["T0TEAMA0001", "111111111111"],
      ["T0TEAMB0001", "222222222222"],
    ]);

    db = await openDatabase(testDb.database);
    const links = await db.prisma.linkedAccount.findMany({ orderBy: { teamId: "asc" } });
    expect(links).toEqual([
      expect.objectContaining({
        teamId: "T0TEAMA0001",
        accountId: "111111111111",
        linkedVia: "migration",
        linkedBy: null,
      }),
      expect.objectContaining({ teamId: "T0TEAMB0001", accountId: "222222222222", linkedVia: "migration" }),
    ]);
    expect(links[0].linkedAt).toBeInstanceOf(Date);
    expect(Number.isNaN(links[0].linkedAt.getTime())).toBe(false);

    const ingest = new NotificationIngest(db, createLogger({ level: "silent" }), { topicAccess: "linked" });
    const deliver = async (topicArn: string, id: string) => {
      await ingest.ingest({
        snsMessageId: id,
        topicArn,
        message: "{}",
        snsTimestamp: "2026-03-02T00:00:00.000Z",
      });
      const message = await db.prisma.message.findUniqueOrThrow({
        where: { snsMessageId: id },
        include: { deliveries: true },
      });
      return message.deliveries.map((d) => d.configurationId).sort();
    };
    expect(await deliver(SHARED, "m-shared")).toEqual([a]);
    expect(await deliver(B_OWN, "m-b-own")).toEqual([b]);
    expect(await deliver(CLI_ROOM, "m-room")).toEqual([room]);

    // Applying again changes nothing and logs nothing more.
    expect((await migrateDatabase(testDb.database, silent)).reports).toEqual([]);
  });

  it("on an empty database it links nothing", async () => {
    const result = await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    expect(result.reports).toEqual([]);
    db = await openDatabase(testDb.database);
    expect(await db.prisma.linkedAccount.count()).toBe(0);
  });
});
