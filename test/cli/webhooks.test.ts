/**
 * `chatbot webhooks add|list|remove` end to end: the CLI (in-process, its own environment) against the
 * same database as the real server, with the fake SNS delivering the SubscriptionConfirmation to the
 * server, which confirms it. On SQLite and PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "../../src/db/database";
import { SecretBox } from "../../src/db/secret-box";
import { webhookUrlContext } from "../../src/webhooks/webhook-queries";
import { eventually, type SnsHarness, startSnsHarness } from "../sns/e2e-harness";
import { createTestDatabase, describeEachDatabase } from "../support/databases";
import { runChatbot } from "./cli-runner";

const TOKEN = "Q2hpbWVUb2tlbi1zZWNyZXQtdmFsdWU";
const CHIME = `https://hooks.chime.aws/incomingwebhooks/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d?token=${TOKEN}`;
const ROLE = "arn:aws:iam::123456789012:role/ChimeCharts";

describeEachDatabase("chatbot webhooks", (kind) => {
  let harness: SnsHarness;
  let env: Record<string, string>;
  let db: Database;
  const key = randomBytes(32);

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    env = {
      DATABASE_URL: harness.app.testDb.url,
      ENCRYPTION_KEY: key.toString("base64"),
      PUBLIC_URL: harness.app.url,
      AWS_ENDPOINT_URL_SNS: harness.sns.url,
      WEBHOOK_URL_PATTERN: "^http://127\\.0\\.0\\.1:\\d+/",
      LOG_LEVEL: "info",
    };
    db = await openDatabase(harness.app.testDb.database);
  });
  afterAll(async () => {
    await db.close();
    await harness.stop();
  });

  const chatbot = (...argv: string[]) => runChatbot(argv, env);

  it("add → list (redacted, subscription confirmed) → configurations list → remove (topics released)", async () => {
    const alarms = harness.sns.createTopic("chime-alarms");
    const shared = await harness.wantedTopic("shared-with-slack");
    await harness.subscribe(shared);

    const added = await chatbot(
      "webhooks",
      "add",
      "--url",
      CHIME,
      "--description",
      "Ops room/Alarms",
      "--topic",
      alarms,
      "--topic",
      shared,
      "--role",
      ROLE,
    );
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const id = /created webhook configuration ([0-9a-f-]{36}) \(Ops-room-Alarms\)/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();
    expect(added.stdout).toContain(`webhook: Amazon Chime hooks.chime.aws/…${CHIME.slice(-4)}`);
    expect(added.stdout).toMatch(new RegExp(`role: ${ROLE} \\(sts:ExternalId awschatbot-[0-9a-f]{32}\\)`));
    // SNS may deliver the confirmation (and the server confirm it) before Subscribe has answered.
    expect(added.stdout).toMatch(
      new RegExp(`topic ${alarms}: (pending \\(subscription requested|confirmed \\(subscribed\\))`),
    );
    expect(added.stdout).toContain(`topic ${shared}: confirmed (subscribed)`);
    expect(added.stdout).not.toContain(TOKEN);
    expect(harness.sns.callsOf("Subscribe").map((c) => c.params.TopicArn)).toContain(alarms);
    expect(harness.sns.callsOf("Subscribe").find((c) => c.params.TopicArn === alarms)?.params.Endpoint).toBe(
      `${harness.app.url}/sns/events`,
    );

    // The server receives SNS's confirmation and confirms: the topic is wanted by the webhook now.
    await harness.sns.flush();
    await eventually(async () => {
      const row = await db.prisma.topicSubscription.findUnique({ where: { topicArn: alarms } });
      return row?.status === "confirmed";
    });

    const row = await db.prisma.channelConfiguration.findUniqueOrThrow({ where: { id: id ?? "" } });
    expect(row).toMatchObject({
      kind: "webhook",
      teamId: "cli",
      webhookProvider: "chime",
      webhookDescription: "Ops room/Alarms",
    });
    expect(JSON.stringify(row)).not.toContain(TOKEN);
    expect(JSON.stringify(row)).not.toContain("hooks.chime.aws");
    expect(new SecretBox(key).decrypt(row.webhookUrlEnc ?? "", webhookUrlContext(row.id))).toBe(CHIME);

    const listed = await chatbot("webhooks", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${id}  webhook  Ops-room-Alarms  [active]`);
    expect(listed.stdout).toContain(
      `webhook: Amazon Chime hooks.chime.aws/…${CHIME.slice(-4)} "Ops room/Alarms"`,
    );
    expect(listed.stdout).toContain(`topic:   ${alarms}  confirmed`);
    expect(listed.stdout).toContain(`role:    ${ROLE}`);
    expect(listed.stdout).not.toContain(TOKEN);
    const json = JSON.parse((await chatbot("webhooks", "list", "--json")).stdout) as {
      id: string;
      redactedUrl: string;
    }[];
    expect(json.find((v) => v.id === id)?.redactedUrl).toBe(`hooks.chime.aws/…${CHIME.slice(-4)}`);
    expect(JSON.stringify(json)).not.toContain(TOKEN);

    const all = await chatbot("configurations", "list");
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/ slack {2}sns-e2e-/);
    expect(all.stdout).toContain(`${id}  webhook  Ops-room-Alarms`);
    expect(all.stdout).not.toContain(TOKEN);

    const removed = await chatbot("webhooks", "remove", id ?? "");
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`removed webhook configuration ${id} (Ops room/Alarms)`);
    expect(removed.stdout).toContain(`topic ${alarms}: unsubscribed (no other configuration wants it)`);
    expect(removed.stdout).toContain(`topic ${shared}: kept (confirmed; other configurations want it)`);
    expect(harness.sns.subscriptions().map((s) => s.topicArn)).not.toContain(alarms);
    expect(harness.sns.subscriptions().map((s) => s.topicArn)).toContain(shared);
    expect(await db.prisma.channelConfiguration.findUnique({ where: { id: id ?? "" } })).toBeNull();

    const again = await chatbot("webhooks", "remove", id ?? "");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no webhook configuration with id/);
  });

  it("adds a Mattermost room that WEBHOOK_URL_PATTERN allows, and refuses it without the pattern", async () => {
    const topic = harness.sns.createTopic("mm-alerts");
    const url = "http://127.0.0.1:8065/hooks/xq7mattermostid";
    const without = await runChatbot(
      ["webhooks", "add", "--url", url, "--description", "Dev/Alerts", "--topic", topic],
      { ...env, WEBHOOK_URL_PATTERN: undefined },
    );
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/refused: it uses http:\/\//);
    const added = await chatbot(
      "webhooks",
      "add",
      "--url",
      url,
      "--description",
      "Dev/Alerts",
      "--topic",
      topic,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("webhook: Mattermost / Rocket.Chat 127.0.0.1:8065/…");
    expect(added.stdout).toContain("role: none (no alarm charts)");
  });

  const TOPIC = "arn:aws:sns:us-east-1:123456789012:t";
  it.each([
    ["no subcommand", ["webhooks"], /expected add, list, update or remove/],
    ["an unknown subcommand", ["webhooks", "frobnicate"], /unknown subcommand "frobnicate"/],
    [
      "add without --url",
      ["webhooks", "add", "--description", "a/b", "--topic", TOPIC],
      /--url URL is required/,
    ],
    [
      "add without --description",
      ["webhooks", "add", "--url", CHIME, "--topic", TOPIC],
      /--description "Room\/Webhook" is required/,
    ],
    [
      "add without --topic",
      ["webhooks", "add", "--url", CHIME, "--description", "a/b"],
      /at least one --topic ARN is required/,
    ],
    [
      "add with an unknown option",
      ["webhooks", "add", "--url", CHIME, "--description", "a/b", "--topic", TOPIC, "--colour", "red"],
      /Unknown option '--colour'/,
    ],
    ["remove without an id", ["webhooks", "remove"], /exactly one configuration ID/],
    ["list with an argument", ["webhooks", "list", "extra"], /unexpected argument "extra"/],
  ])("%s → exit 2 with the problem and the usage", async (_label, argv, problem) => {
    const run = await chatbot(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(problem);
    expect(run.stderr).toContain(
      'usage:\n  chatbot webhooks add --url URL --description "Room/Webhook" --topic ARN',
    );
    expect(run.stdout).toBe("");
  });

  it.each([
    [
      "an SSRF URL",
      ["--url", "https://169.254.169.254/latest/meta-data", "--description", "a/b"],
      /IP address \(169\.254\.169\.254\)/,
    ],
    [
      "user-info",
      ["--url", "https://hooks.chime.aws@evil.example/incomingwebhooks/x?token=y", "--description", "a/b"],
      /user information/,
    ],
    ["a bad description", ["--url", CHIME, "--description", "no slash"], /Chat_room_name\/Webhook_name/],
    [
      "a bad topic",
      ["--url", CHIME, "--description", "a/b", "--topic", "arn:aws:sns:nowhere"],
      /not a valid SNS topic ARN/,
    ],
    [
      "a role with a dash",
      ["--url", CHIME, "--description", "a/b", "--role", "arn:aws:iam::123456789012:role/chime-charts"],
      /only letters and digits/,
    ],
  ])("refuses %s with exit 2 and writes nothing", async (_label, args, problem) => {
    const before = await db.prisma.channelConfiguration.count();
    const withTopic = args.includes("--topic")
      ? args
      : [...args, "--topic", "arn:aws:sns:us-east-1:123456789012:t"];
    const run = await chatbot("webhooks", "add", ...withTopic);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(problem);
    expect(await db.prisma.channelConfiguration.count()).toBe(before);
  });

  it("says to migrate first when the database has no tables", async () => {
    const empty = await createTestDatabase(kind);
    try {
      const run = await runChatbot(["webhooks", "list"], { ...env, DATABASE_URL: empty.url });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/run `npx chatbot migrate`/);
    } finally {
      await empty.drop();
    }
  });

  it("stops with the variable's name when the environment is wrong", async () => {
    const run = await runChatbot(["webhooks", "list"], { ...env, DATABASE_URL: "mysql://x" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^chatbot webhooks list: DATABASE_URL must be/);
  });
});
