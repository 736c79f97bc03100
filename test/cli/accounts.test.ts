/**
 * `chatbot accounts link|unlink|list` in-process against a migrated SQLite file and PostgreSQL
 * database: links recorded with how and when, audited in the workspace, listed as a table and JSON;
 * unlinking reports the topics it holds; bad arguments exit 2 naming what to type.
 */
import { randomBytes } from "node:crypto";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { runChatbot } from "./cli-runner";

const TEAM = "T0FAKETEAM1";
const ACCOUNT = "111122223333";

describeEachDatabase("chatbot accounts", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let env: Record<string, string>;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    env = {
      DATABASE_URL: testDb.url,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "error",
    };
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });
  beforeEach(async () => {
    await db.prisma.linkedAccount.deleteMany();
    await db.prisma.channelConfiguration.deleteMany();
    await db.prisma.auditEvent.deleteMany();
  });

  const chatbot = (...argv: string[]) => runChatbot(["accounts", ...argv], env);

  it("link → list (table and JSON) → link again is a no-op → unlink → unlink again fails", async () => {
    const linked = await chatbot("link", "--team", TEAM, "--account", ACCOUNT);
    expect(linked).toMatchObject({ code: 0 });
    expect(linked.stdout).toBe(
      `linked AWS account ${ACCOUNT} to ${TEAM}: its topics may be subscribed there\n`,
    );
    // No installation of that team: the operator is told, the link is made anyway.
    expect(linked.stderr).toContain(`no workspace ${TEAM} has installed the app`);
    const audit = await db.prisma.auditEvent.findMany({ where: { teamId: TEAM } });
    expect(audit).toMatchObject([{ action: "account.linked", userId: null }]);

    const table = await chatbot("list");
    expect(table.code).toBe(0);
    const [header, row] = table.stdout.trimEnd().split("\n");
    expect(header.split(/\s{2,}/)).toEqual(["TEAM", "ACCOUNT", "LINKED VIA", "BY", "LINKED AT", "PROOF"]);
    expect(row).toMatch(new RegExp(`^${TEAM}\\s+${ACCOUNT}\\s+operator\\s+-\\s+\\d{4}-\\d\\d-\\d\\dT`));

    const json = await chatbot("list", "--json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ teamId: TEAM, accountId: ACCOUNT, linkedVia: "operator", linkedBy: null }),
    ]);

    const again = await chatbot("link", "--team", TEAM, "--account", ACCOUNT);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("was already linked");
    expect(await db.prisma.linkedAccount.count()).toBe(1);

    const unlinked = await chatbot("unlink", "--team", TEAM, "--account", ACCOUNT);
    expect(unlinked).toMatchObject({ code: 0, stdout: `unlinked AWS account ${ACCOUNT} from ${TEAM}\n` });
    expect(await db.prisma.linkedAccount.count()).toBe(0);
    const twice = await chatbot("unlink", "--team", TEAM, "--account", ACCOUNT);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain("is not linked to T0FAKETEAM1; nothing changed");
    expect((await chatbot("list")).stdout).toBe("no linked accounts\n");
  });

  it("unlink names the workspace's topics of that account that are held from now on", async () => {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: TEAM,
      channelId: "C1",
      name: "alerts",
    });
    const held = `arn:aws:sns:us-east-1:${ACCOUNT}:alarms`;
    await addTopicToConfiguration(db.prisma, configuration.id, { topicArn: held, region: "us-east-1" });
    await addTopicToConfiguration(db.prisma, configuration.id, {
      topicArn: "arn:aws:sns:us-east-1:999988887777:other",
      region: "us-east-1",
    });
    await chatbot("link", "--team", TEAM, "--account", ACCOUNT);
    const unlinked = await chatbot("unlink", "--team", TEAM, "--account", ACCOUNT);
    expect(unlinked.code).toBe(0);
    expect(unlinked.stdout.trimEnd().split("\n")).toEqual([
      `unlinked AWS account ${ACCOUNT} from ${TEAM}`,
      `  held (not delivered until linked again): alerts  ${held}`,
    ]);
    // The configuration keeps its topics: linking again resumes them.
    expect(await db.prisma.configurationTopic.count()).toBe(2);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { action: "account.unlinked" } });
    expect(audit.detail).toContain("1 subscribed topic(s) no longer delivered");
  });

  it.each([
    [["link", "--team", TEAM, "--account", "12345"], "is not an AWS account id: exactly 12 digits"],
    [["link", "--team", TEAM, "--account", "1111222233334"], "is not an AWS account id"],
    [["link", "--team", TEAM, "--account", "11112222333x"], "is not an AWS account id"],
    [["unlink", "--team", "team-one", "--account", ACCOUNT], "is not a Slack workspace id"],
    [["link", "--team", `T${"A".repeat(200)}`, "--account", ACCOUNT], "is not a Slack workspace id"],
    [["link", "--account", ACCOUNT], "link needs --team TEAM_ID"],
    [["unlink", "--team", TEAM], "unlink needs --account ACCOUNT_ID"],
    [["link", "--team", "--account", ACCOUNT], "Did you forget to specify the option argument for '--team'"],
    [["list", "--team", TEAM], "list takes only --json"],
    [["link", "--team", TEAM, "--account", ACCOUNT, "--json"], "--json is for list only"],
    [["link", "--team", TEAM, "--account", ACCOUNT, "--force"], "Unknown option '--force'"],
    [["relink"], 'unknown action "relink"'],
    [[], "say link, unlink or list"],
    [["list", "extra"], 'unexpected argument "extra"'],
  ])("%j exits 2 and says what is wrong", async (argv, problem) => {
    const run = await chatbot(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).toContain("usage: chatbot accounts link --team TEAM_ID --account ACCOUNT_ID");
    expect(run.stderr.length).toBeLessThan(2000);
    expect(await db.prisma.linkedAccount.count()).toBe(0);
  });
});
