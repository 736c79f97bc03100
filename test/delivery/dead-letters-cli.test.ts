/**
 * `chatbot dead-letters list|replay [--configuration ID]` on a real database: the table and the
 * count, re-queueing (never re-posting what Slack already has), and usage errors (exit 2).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { runDeadLetters } from "../../src/cli/dead-letters";
import { runCli } from "../../src/cli/index";
import type { Environment } from "../../src/config";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { createLogger } from "../../src/logger";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function io() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  stdin.end();
  const result = (code: number): Run => ({
    code,
    stdout: Buffer.concat(out).toString("utf8"),
    stderr: Buffer.concat(err).toString("utf8"),
  });
  return { streams: { stdin, stdout, stderr }, result };
}

describeEachDatabase("chatbot dead-letters", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let env: Environment;

  async function run(args: string[]): Promise<Run> {
    const { streams, result } = io();
    return result(await runDeadLetters(args, streams, env));
  }

  async function configurationWith(
    name: string,
    deliveries: { status: string; postedTs?: string; error?: string }[],
  ) {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0CLI",
      channelId: `C${name.toUpperCase()}`,
      name,
    });
    const ids: string[] = [];
    for (const [i, delivery] of deliveries.entries()) {
      const message = await db.prisma.message.create({
        data: {
          id: randomUUID(),
          snsMessageId: randomUUID(),
          topicArn: `arn:aws:sns:us-east-1:123456789012:${name}`,
          subject: `subject ${i}`,
          body: `body ${i}`,
          snsTimestamp: new Date().toISOString(),
        },
      });
      const row = await db.prisma.delivery.create({
        data: {
          id: randomUUID(),
          messageId: message.id,
          configurationId: configuration.id,
          status: delivery.status,
          attempts: delivery.status === "dead" ? 8 : 1,
          postedTs: delivery.postedTs ?? null,
          lastError: delivery.error ?? null,
        },
      });
      ids.push(row.id);
    }
    return { configuration, ids };
  }

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    env = { DATABASE_URL: testDb.url, ENCRYPTION_KEY: randomBytes(32).toString("base64") };
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it("says so when there are none", async () => {
    expect(await run(["list"])).toEqual({ code: 0, stdout: "no dead letters\n", stderr: "" });
  });

  it("lists dead letters as a table with their count, for one configuration or all", async () => {
    const alerts = await configurationWith("alerts", [
      { status: "dead", error: "http_500" },
      { status: "posted", postedTs: "1.1" },
      { status: "dead", error: "invalid_blocks" },
    ]);
    const ops = await configurationWith("ops", [{ status: "dead", error: "timeout" }]);

    const all = await run(["list"]);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      /^DELIVERY\s+CONFIGURATION\s+CHANNEL\s+ATTEMPTS\s+LAST ERROR\s+CREATED\s+TOPIC$/,
    );
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe("3 dead letter(s)");
    expect(all.stdout).toContain(alerts.ids[0]);
    expect(all.stdout).toContain(ops.ids[0]);
    expect(all.stdout).not.toContain(alerts.ids[1]);
    expect(all.stdout).toMatch(/invalid_blocks/);

    const one = await run(["list", "--configuration", ops.configuration.id]);
    expect(one.stdout).toContain(ops.ids[0]);
    expect(one.stdout).not.toContain(alerts.ids[0]);
    expect(one.stdout).toMatch(/\n1 dead letter\(s\)\n$/);

    const limited = await run(["list", "--limit", "1"]);
    expect(limited.stdout).toMatch(/3 dead letter\(s\) \(showing the oldest 1; use --limit\)\n$/);
  });

  it("replays: re-queues with fresh attempts, never re-posts one Slack already has", async () => {
    const alerts = await configurationWith("alerts", [
      { status: "dead", error: "http_500" },
      { status: "dead", error: "timeout", postedTs: "1700000000.000100" },
    ]);
    const ops = await configurationWith("ops", [{ status: "dead" }]);

    const replayed = await run(["replay", "--configuration", alerts.configuration.id]);
    expect(replayed).toEqual({
      code: 0,
      stdout: "re-queued 1 dead letter(s); 1 already in Slack, marked posted (not posted again)\n",
      stderr: "",
    });
    const rows = await db.prisma.delivery.findMany({ orderBy: { createdAt: "asc" } });
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(alerts.ids[0])).toMatchObject({ status: "pending", attempts: 0, leaseOwner: null });
    expect(byId.get(alerts.ids[1])).toMatchObject({ status: "posted", postedTs: "1700000000.000100" });
    expect(byId.get(ops.ids[0])).toMatchObject({ status: "dead" });

    expect((await run(["replay"])).stdout).toBe("re-queued 1 dead letter(s)\n");
    expect(await db.prisma.delivery.count({ where: { status: "dead" } })).toBe(0);
  });

  it.each([
    [[], /say list or replay/],
    [["frobnicate"], /unknown action "frobnicate"/],
    [["list", "--configuration"], /--configuration needs a value/],
    [["list", "--limit", "0"], /--limit must be a whole number/],
    [["list", "--limit", "ten"], /--limit must be a whole number/],
    [["replay", "--limit", "5"], /--limit is for list only/],
    [["list", "extra"], /unexpected argument "extra"/],
  ])("%j is a usage error: exit 2 with a clear message", async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain("usage: chatbot dead-letters list|replay");
  });

  it("an unknown configuration id is a usage error", async () => {
    const result = await run(["list", "--configuration", "no-such-id"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/no configuration with id "no-such-id"/);
  });

  it("is registered as `chatbot dead-letters` and reads the environment like every command", async () => {
    const saved = { DATABASE_URL: process.env.DATABASE_URL, ENCRYPTION_KEY: process.env.ENCRYPTION_KEY };
    Object.assign(process.env, env);
    try {
      const { streams, result } = io();
      const outcome = result(await runCli(["dead-letters", "list"], streams));
      expect(outcome).toEqual({ code: 0, stdout: "no dead letters\n", stderr: "" });
      const help = io();
      await runCli(["help"], help.streams);
      expect(help.result(0).stdout).toContain("chatbot dead-letters list|replay");
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
