/**
 * Configuration as code: `chatbot export`, `apply` and `schema` in-process (as the other CLI tests),
 * against real SQLite files and PostgreSQL databases and the fake SNS. Two deployments (A and B,
 * different ENCRYPTION_KEYs) share the workspaces: A's export applied to an empty B exports the same.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readConfigFile } from "../../src/config-as-code/read-file";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { serializeFilter } from "../../src/configurations/filters";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { SecretBox } from "../../src/db/secret-box";
import { createLogger } from "../../src/logger";
import { webhookUrlContext } from "../../src/webhooks/webhook-queries";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { type FakeSns, startFakeSns } from "../support/fake-sns";
import { runChatbot } from "./cli-runner";

const TEAM = "T0FAKETEAM1";
const OTHER = "T0FAKETEAM2";
const ACCOUNT = "111122223333";
const UNLINKED = "999988887777";
const TOKEN = "Q2hpbWVUb2tlbi1zZWNyZXQtdmFsdWU";
const CHIME = `https://hooks.chime.aws/incomingwebhooks/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d?token=${TOKEN}`;
const BOT_TOKEN = "xoxb-1111-2222-do-not-export";
const topic = (name: string, account = ACCOUNT) => `arn:aws:sns:us-east-1:${account}:${name}`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ChatbotCharts`;

interface Deployment {
  testDb: TestDatabase;
  db: Database;
  key: Buffer;
  env: Record<string, string>;
}

describe("the README's example configuration file", () => {
  it("is valid", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Configuration as code"));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
    expect(example).toContain("version: 1");
    const read = readConfigFile(example);
    expect(read.ok ? [] : read.problems).toEqual([]);
  });
});

describeEachDatabase("configuration as code", (kind) => {
  let sns: FakeSns;
  let a: Deployment;
  let b: Deployment;
  let dir: string;

  async function deployment(): Promise<Deployment> {
    const testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    const key = randomBytes(32);
    return {
      testDb,
      db: await openDatabase(testDb.database),
      key,
      env: {
        DATABASE_URL: testDb.url,
        ENCRYPTION_KEY: key.toString("base64"),
        PUBLIC_URL: "https://chatbot.example.test",
        AWS_ENDPOINT_URL_SNS: sns.url,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret-do-not-export",
        SLACK_SIGNING_SECRET: "signing-secret-do-not-export",
        CHATBOT_WEBHOOK_T0FAKETEAM1_OPS_ROOM: CHIME,
        LOG_LEVEL: "error",
      },
    };
  }

  async function empty(d: Deployment): Promise<void> {
    const p = d.db.prisma;
    await p.channelConfiguration.deleteMany();
    await p.topicSubscription.deleteMany();
    await p.workspaceManager.deleteMany();
    await p.linkedAccount.deleteMany();
    await p.auditEvent.deleteMany();
    await p.installation.deleteMany();
  }

  /** A workspace with managers, links, three channels (one with a role), a webhook room, a token. */
  async function richSetup(d: Deployment): Promise<void> {
    const p = d.db.prisma;
    await p.installation.create({
      data: {
        id: "i1",
        installKey: `T:${TEAM}`,
        teamId: TEAM,
        dataEnc: new SecretBox(d.key).encrypt(BOT_TOKEN, "x"),
      },
    });
    for (const userId of ["U0MANAGER2", "U0MANAGER1"])
      await p.workspaceManager.create({ data: { teamId: TEAM, userId, addedBy: "U0ADMIN" } });
    for (const accountId of [ACCOUNT, "222233334444"])
      await p.linkedAccount.create({ data: { teamId: TEAM, accountId, linkedVia: "operator" } });
    const alerts = await createSlackConfiguration(p, {
      teamId: TEAM,
      channelId: "C0ALERTS",
      channelName: "alerts",
      name: "alerts",
      iamRoleArn: ROLE,
    });
    for (const name of ["zeta", "alarms"])
      await addTopicToConfiguration(p, alerts.id, { topicArn: topic(name), region: "us-east-1" });
    await p.channelConfiguration.update({
      where: { id: alerts.id },
      data: { filters: serializeFilter({ services: ["cloudwatch"], severity: "high" }) },
    });
    // Mentions as `/aws mention` stores them (rows of ChannelMention), created in another order.
    await p.channelMention.create({
      data: {
        configurationId: alerts.id,
        target: "<!subteam^S0ONCALL>",
        label: "@oncall",
        minSeverity: "high",
      },
    });
    await p.channelMention.create({
      data: { configurationId: alerts.id, target: "<!here>", label: "@here", minSeverity: "critical" },
    });
    // As `/aws mute permission members` stores it.
    await p.channelConfiguration.update({ where: { id: alerts.id }, data: { mutePermission: "members" } });
    await createSlackConfiguration(p, {
      teamId: TEAM,
      channelId: "C0DEPLOYS",
      channelName: "deploys",
      name: "deploys",
    });
    const other = await createSlackConfiguration(p, {
      teamId: OTHER,
      channelId: "C0OTHER",
      name: "other-ws",
    });
    await addTopicToConfiguration(p, other.id, {
      topicArn: topic("shared", "222233334444"),
      region: "us-east-1",
    });
    await p.linkedAccount.create({
      data: { teamId: OTHER, accountId: "222233334444", linkedVia: "role_proof" },
    });
    const roomId = "5f0c4f2e-0000-4000-8000-000000000001";
    await p.channelConfiguration.create({
      data: {
        id: roomId,
        kind: "webhook",
        name: "ops-room",
        teamId: TEAM,
        webhookUrlEnc: new SecretBox(d.key).encrypt(CHIME, webhookUrlContext(roomId)),
        webhookDescription: "Ops/Alarms",
        webhookProvider: "chime",
      },
    });
    await addTopicToConfiguration(p, roomId, { topicArn: topic("alarms"), region: "us-east-1" });
  }

  const EXPECTED = `# aws-chatbot configuration file (configuration as code).
# Review changes with \`npx chatbot apply FILE --dry-run\`; apply them with \`npx chatbot apply FILE\`.
# \`npx chatbot schema\` prints the JSON Schema of this file.

version: 1
# settings of this deployment (its environment; not secrets): apply checks, never changes them
settings:
  topic_access: linked
  slash_command: /aws
  public_url: https://chatbot.example.test
# one entry per Slack workspace (team id); "cli" holds webhook rooms made with the CLI
workspaces:
  # workspace T0FAKETEAM1
  - team_id: T0FAKETEAM1
    # people on the managers list (admins, owners and the installer manage without being listed)
    managers:
      - U0MANAGER1
      - U0MANAGER2
    # AWS accounts whose SNS topics this workspace may subscribe (TOPIC_ACCESS=linked)
    linked_accounts:
      - "111122223333"
      - "222233334444"
    # Slack channel configurations: channel, IAM role, SNS topics, filters, mentions, who may mute, who owns them
    channels:
      - channel_id: C0ALERTS
        channel_name: alerts
        name: alerts
        iam_role: ${ROLE}
        topics:
          - ${topic("alarms")}
          - ${topic("zeta")}
        filters:
          severity: high
          services:
            - cloudwatch
        mentions:
          - target: <!here>
            label: "@here"
            at: critical
          - target: <!subteam^S0ONCALL>
            label: "@oncall"
            at: high
        mute_permission: members
        managed_by: slack
        allow_slack_changes: false
      - channel_id: C0DEPLOYS
        channel_name: deploys
        name: deploys
        topics: []
        managed_by: slack
        allow_slack_changes: false
    # incoming-webhook rooms; each URL is read from the named environment variable
    webhook_rooms:
      - name: ops-room
        description: Ops/Alarms
        provider: chime
        url_from_env: CHATBOT_WEBHOOK_T0FAKETEAM1_OPS_ROOM
        topics:
          - ${topic("alarms")}
        managed_by: slack
        allow_slack_changes: false
  # workspace T0FAKETEAM2
  - team_id: T0FAKETEAM2
    # people on the managers list (admins, owners and the installer manage without being listed)
    managers: []
    # AWS accounts whose SNS topics this workspace may subscribe (TOPIC_ACCESS=linked)
    linked_accounts:
      - "222233334444"
    # Slack channel configurations: channel, IAM role, SNS topics, filters, mentions, who may mute, who owns them
    channels:
      - channel_id: C0OTHER
        name: other-ws
        topics:
          - ${topic("shared", "222233334444")}
        managed_by: slack
        allow_slack_changes: false
    # incoming-webhook rooms; each URL is read from the named environment variable
    webhook_rooms: []
`;

  beforeAll(async () => {
    sns = await startFakeSns();
    for (const name of ["alarms", "zeta", "new"]) sns.createTopic(topic(name));
    sns.createTopic(topic("shared", "222233334444"));
    a = await deployment();
    b = await deployment();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-cac-"));
  });
  afterAll(async () => {
    for (const d of [a, b]) {
      await d.db.close();
      await d.testDb.drop();
    }
    await sns.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await empty(a);
    await empty(b);
  });

  const run = (d: Deployment, ...argv: string[]) => runChatbot(argv, d.env);
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  /** Everything apply may write, to prove a refused or invalid file changed nothing. */
  async function snapshot(d: Deployment) {
    const p = d.db.prisma;
    return JSON.stringify(
      await Promise.all([
        p.channelConfiguration.findMany({ orderBy: { id: "asc" } }),
        p.configurationTopic.findMany({ orderBy: [{ configurationId: "asc" }, { topicArn: "asc" }] }),
        p.workspaceManager.findMany({ orderBy: { userId: "asc" } }),
        p.channelMention.findMany({ orderBy: [{ configurationId: "asc" }, { target: "asc" }] }),
        p.linkedAccount.findMany({ orderBy: [{ teamId: "asc" }, { accountId: "asc" }] }),
        p.auditEvent.count(),
        p.topicSubscription.count(),
      ]),
    );
  }

  it("exports a rich setup deterministically, commented, without a secret", async () => {
    await richSetup(a);
    const first = await run(a, "export");
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toBe(EXPECTED);
    expect((await run(a, "export")).stdout).toBe(first.stdout);
    for (const secret of [
      TOKEN,
      "hooks.chime.aws",
      BOT_TOKEN,
      a.env.ENCRYPTION_KEY,
      "secret-do-not-export",
      "signing-secret",
      "awschatbot-",
    ])
      expect(first.stdout).not.toContain(secret);

    const file = path.join(dir, "one-team.yaml");
    const one = await run(a, "export", "--team", OTHER, "--output", file);
    expect(one).toMatchObject({ code: 0, stdout: "", stderr: `wrote 1 workspace(s) to ${file}\n` });
    expect(fs.readFileSync(file, "utf8")).toContain("team_id: T0FAKETEAM2");
    expect(fs.readFileSync(file, "utf8")).not.toContain("T0FAKETEAM1");
    expect((await run(a, "export", "--team", "nope")).code).toBe(2);
  });

  it("round trip: A's export applied to an empty B (another key) exports the same; again: nothing to do", async () => {
    await richSetup(a);
    const exported = (await run(a, "export")).stdout;
    const file = write("a.yaml", exported);
    const applied = await run(b, "apply", file);
    // B has no installations yet: said, not refused (the workspaces install the app on their own).
    expect(applied.stderr).toBe(
      `note: no workspace ${TEAM} has installed the app (yet)\nnote: no workspace ${OTHER} has installed the app (yet)\n`,
    );
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("plan: 9 to create, 0 to change, 0 to delete, 0 left as they are");
    expect(applied.stdout).toContain(`applied workspace T0FAKETEAM1\n  topic ${topic("alarms")}: pending\n`);
    expect((await run(b, "export")).stdout).toBe(exported);

    // The URL came from the environment, encrypted with B's own key.
    const room = await b.db.prisma.channelConfiguration.findFirstOrThrow({ where: { kind: "webhook" } });
    expect(room.webhookUrlEnc).not.toContain(TOKEN);
    expect(new SecretBox(b.key).decrypt(room.webhookUrlEnc ?? "", webhookUrlContext(room.id))).toBe(CHIME);
    // SNS subscriptions were asked for, as after /aws subscribe; audited as the file.
    expect(sns.callsOf("Subscribe").map((call) => call.params.TopicArn)).toEqual(
      expect.arrayContaining([topic("alarms"), topic("zeta"), topic("shared", "222233334444")]),
    );
    const audit = await b.db.prisma.auditEvent.findMany({ where: { teamId: TEAM } });
    expect(new Set(audit.map((entry) => entry.userId))).toEqual(
      new Set([expect.stringMatching(/^config file [0-9a-f]{12}$/)]),
    );
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining([
        "configuration.created",
        "managers.added",
        "account.linked",
        "mentions.changed",
        "mutes.permission",
      ]),
    );

    const before = await snapshot(b);
    const again = await run(b, "apply", file);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("nothing to do\n");
    expect(await snapshot(b)).toBe(before);
  });

  it("plans creates, changes and deletes; --dry-run changes nothing; without --prune extras are listed and left", async () => {
    await richSetup(a);
    const exported = (await run(a, "export", "--team", TEAM)).stdout;
    const edited = exported
      .replace(`          - ${topic("zeta")}\n`, `          - ${topic("new")}\n`)
      .replace(`        iam_role: ${ROLE}\n`, "")
      .replace(
        "        managed_by: slack\n        allow_slack_changes: false\n      - channel_id: C0DEPLOYS",
        "        managed_by: file\n        allow_slack_changes: false\n      - channel_id: C0DEPLOYS",
      )
      .replace("      - U0MANAGER2\n", "      - U0MANAGER3\n")
      .replace(
        "    channels:\n",
        "    channels:\n      - channel_id: C0NEWONE\n        name: brand-new\n        topics: []\n",
      );
    const file = write("edited.yaml", edited);
    const before = await snapshot(a);
    const dry = await run(a, "apply", file, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        "workspace T0FAKETEAM1",
        "  + manager U0MANAGER3",
        "  = manager U0MANAGER2  (not in the file: left as it is; --prune deletes it)",
        "  ~ channel alerts (#alerts, C0ALERTS)",
        `      iam_role: ${ROLE} → none`,
        `      topics: + ${topic("new")}`,
        `      topics: - ${topic("zeta")}`,
        "      managed_by: slack → file",
        "  + channel brand-new (#C0NEWONE, C0NEWONE)",
        "      managed_by: file",
        "plan: 2 to create, 1 to change, 0 to delete, 1 left as they are",
        "",
      ].join("\n"),
    );
    expect(await snapshot(a)).toBe(before);

    const applied = await run(a, "apply", file);
    expect(applied.code).toBe(0);
    const alerts = await a.db.prisma.channelConfiguration.findFirstOrThrow({
      where: { name: "alerts" },
      include: { topics: true },
    });
    expect(alerts).toMatchObject({ managedBy: "file", allowSlackChanges: false, iamRoleArn: null });
    expect(alerts.topics.map((t) => t.topicArn).sort()).toEqual([topic("alarms"), topic("new")]);
    // The topic no configuration wants any more is released, as after /aws unsubscribe.
    expect(
      await a.db.prisma.topicSubscription.findUniqueOrThrow({ where: { topicArn: topic("zeta") } }),
    ).toMatchObject({
      status: "unsubscribed",
    });
    expect((await run(a, "apply", file)).stdout).toBe(
      "workspace T0FAKETEAM1\n  = manager U0MANAGER2  (not in the file: left as it is; --prune deletes it)\nnothing to do (1 not in the file, left as they are)\n",
    );

    // --prune deletes what the file does not name: the manager, the channel and room removed from it.
    const pruned = write(
      "pruned.yaml",
      edited
        .replace(/ {4}webhook_rooms:\n[\s\S]*$/, "    webhook_rooms: []\n")
        .replace(/ {6}- channel_id: C0DEPLOYS\n(.*\n){5}/, ""),
    );
    const prune = await run(a, "apply", pruned, "--prune");
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain("  - manager U0MANAGER2\n");
    expect(prune.stdout).toContain("  - channel deploys (#deploys, C0DEPLOYS)\n");
    expect(prune.stdout).toContain("  - webhook room ops-room (Ops/Alarms)\n");
    expect(prune.stdout).toContain("plan: 0 to create, 0 to change, 3 to delete, 0 left as they are");
    expect(await a.db.prisma.channelConfiguration.count({ where: { teamId: TEAM } })).toBe(2);
    expect(await a.db.prisma.workspaceManager.count()).toBe(2);
    // The other workspace is not in the file: untouched even with --prune.
    expect(await a.db.prisma.channelConfiguration.count({ where: { teamId: OTHER } })).toBe(1);
  });

  it("plans mention changes by target, applies them audited as the file, and is idempotent", async () => {
    await richSetup(a);
    const exported = (await run(a, "export", "--team", TEAM)).stdout;
    const edited = exported
      .replace(
        '          - target: <!here>\n            label: "@here"\n            at: critical\n',
        '          - target: <@U0ALICE>\n            label: "@alice"\n            at: low\n',
      )
      .replace(
        '            label: "@oncall"\n            at: high\n',
        '            label: "@oncall"\n            at: critical\n',
      )
      .replace(
        "        managed_by: slack\n        allow_slack_changes: false\n      - channel_id: C0DEPLOYS",
        "        managed_by: file\n        allow_slack_changes: false\n      - channel_id: C0DEPLOYS",
      )
      .replace(
        "    channels:\n",
        "    channels:\n      - channel_id: C0NEWONE\n        name: brand-new\n        mentions: [{ target: <!channel> }]\n",
      );
    const file = write("mentions.yaml", edited);
    const before = await snapshot(a);
    const dry = await run(a, "apply", file, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(
      [
        "workspace T0FAKETEAM1",
        "  ~ channel alerts (#alerts, C0ALERTS)",
        "      mentions: + @alice (<@U0ALICE>) from low",
        "      mentions: ~ @oncall (<!subteam^S0ONCALL>) from high → @oncall from critical",
        "      mentions: - @here (<!here>) from critical",
        "      managed_by: slack → file",
        "  + channel brand-new (#C0NEWONE, C0NEWONE)",
        "      mentions: + @channel (<!channel>) from high",
        "      managed_by: file",
        "plan: 1 to create, 1 to change, 0 to delete, 0 left as they are",
        "",
      ].join("\n"),
    );
    expect(await snapshot(a)).toBe(before);

    const applied = await run(a, "apply", file);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    const rows = await a.db.prisma.channelMention.findMany({
      include: { configuration: { select: { name: true } } },
      orderBy: { target: "asc" },
    });
    expect(rows.map((row) => [row.configuration.name, row.target, row.label, row.minSeverity])).toEqual([
      ["brand-new", "<!channel>", "@channel", "high"],
      ["alerts", "<!subteam^S0ONCALL>", "@oncall", "critical"],
      ["alerts", "<@U0ALICE>", "@alice", "low"],
    ]);
    const audited = await a.db.prisma.auditEvent.findMany({ where: { action: "mentions.changed" } });
    expect(audited.map((entry) => [entry.userId, entry.detail]).sort()).toEqual([
      [
        expect.stringMatching(/^config file [0-9a-f]{12}$/),
        "alerts: mentions set to @alice from low; @oncall from critical",
      ],
      [expect.stringMatching(/^config file [0-9a-f]{12}$/), "brand-new: mentions set to @channel from high"],
    ]);
    // Idempotent: nothing to do, nothing written; the export reads back what the file says.
    const after = await snapshot(a);
    expect((await run(a, "apply", file)).stdout).toBe("nothing to do\n");
    expect(await snapshot(a)).toBe(after);
    expect((await run(a, "export", "--team", TEAM)).stdout).toContain(
      '        mentions:\n          - target: <!subteam^S0ONCALL>\n            label: "@oncall"\n            at: critical\n          - target: <@U0ALICE>\n            label: "@alice"\n            at: low\n',
    );

    // A channel without a mentions key has none: the file's list is the whole list, as for filters.
    const cleared = await run(
      a,
      "apply",
      write("cleared.yaml", edited.replace(/ {8}mentions:\n( {10}.*\n)+/, "")),
    );
    expect(cleared.stdout).toContain("      mentions: - @alice (<@U0ALICE>) from low\n");
    expect(await a.db.prisma.channelMention.count({ where: { configuration: { name: "alerts" } } })).toBe(0);
  });

  /** Who may mute in each of TEAM's channels on deployment A, by configuration name. */
  const mutePermissions = () =>
    a.db.prisma.channelConfiguration.findMany({
      where: { teamId: TEAM, kind: "slack" },
      select: { name: true, mutePermission: true },
      orderBy: { name: "asc" },
    });
  const mutePermissionAudit = () =>
    a.db.prisma.auditEvent.findMany({ where: { action: "mutes.permission" } });

  it("plans and applies who may mute, audited as the file, only when it changes; no key is managers", async () => {
    await richSetup(a);
    const exported = (await run(a, "export", "--team", TEAM)).stdout;
    // deploys gets members; alerts loses its key: managers, the default.
    const edited = exported
      .replace("        mute_permission: members\n        managed_by: slack\n", "        managed_by: file\n")
      .replace(
        "        name: deploys\n        topics: []\n        managed_by: slack\n",
        "        name: deploys\n        topics: []\n        mute_permission: members\n        managed_by: file\n",
      );
    const file = write("mute.yaml", edited);
    const before = await snapshot(a);
    const dry = await run(a, "apply", file, "--dry-run");
    expect(dry).toMatchObject({ code: 0, stderr: "" });
    expect(dry.stdout).toBe(
      [
        "workspace T0FAKETEAM1",
        "  ~ channel alerts (#alerts, C0ALERTS)",
        "      mute_permission: members → managers",
        "      managed_by: slack → file",
        "  ~ channel deploys (#deploys, C0DEPLOYS)",
        "      mute_permission: managers → members",
        "      managed_by: slack → file",
        "plan: 0 to create, 2 to change, 0 to delete, 0 left as they are",
        "",
      ].join("\n"),
    );
    expect(await snapshot(a)).toBe(before);

    expect(await run(a, "apply", file)).toMatchObject({ code: 0, stderr: "" });
    const rows = await mutePermissions();
    expect(rows).toEqual([
      { name: "alerts", mutePermission: "managers" },
      { name: "deploys", mutePermission: "members" },
    ]);
    const audited = await mutePermissionAudit();
    expect(audited.map((entry) => [entry.userId, entry.detail]).sort()).toEqual([
      [expect.stringMatching(/^config file [0-9a-f]{12}$/), "alerts: only managers may mute"],
      [expect.stringMatching(/^config file [0-9a-f]{12}$/), "deploys: members may mute for up to 4 h"],
    ]);
    // Idempotent: nothing to do, no second audit entry; the export reads back what the file says.
    const after = await snapshot(a);
    expect((await run(a, "apply", file)).stdout).toBe("nothing to do\n");
    expect(await snapshot(a)).toBe(after);
    expect(await a.db.prisma.auditEvent.count({ where: { action: "mutes.permission" } })).toBe(2);
    const reexported = (await run(a, "export", "--team", TEAM)).stdout;
    expect(reexported.match(/mute_permission: members/g)).toHaveLength(1);
    expect(reexported).toContain("        topics: []\n        mute_permission: members\n");
  });

  it("mute_permission of a managed_by: slack entry: set when the file creates it, then Slack's", async () => {
    await richSetup(a);
    const exported = (await run(a, "export", "--team", TEAM)).stdout;
    // alerts stays managed_by: slack with the file saying managers; a new slack-owned channel says members.
    const edited = exported
      .replace("        mute_permission: members\n", "")
      .replace(
        "    channels:\n",
        "    channels:\n      - channel_id: C0NEWSLACK\n        name: new-slack\n        mute_permission: members\n        managed_by: slack\n",
      );
    const file = write("mute-slack.yaml", edited);
    const applied = await run(a, "apply", file);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(
      "  + channel new-slack (#C0NEWSLACK, C0NEWSLACK)\n      mute_permission: members\n",
    );
    expect(applied.stdout).not.toContain("alerts (#alerts");
    const rows = await mutePermissions();
    expect(rows).toEqual([
      { name: "alerts", mutePermission: "members" }, // Slack's to change: the file's value is not applied
      { name: "deploys", mutePermission: "managers" },
      { name: "new-slack", mutePermission: "members" },
    ]);
    const audited = await mutePermissionAudit();
    expect(audited.map((entry) => entry.detail)).toEqual(["new-slack: members may mute for up to 4 h"]);
  });

  it("refuses topics of an AWS account not linked to the workspace: exit 3, nothing changed", async () => {
    const file = write(
      "unlinked.yaml",
      `version: 1\nworkspaces:\n  - team_id: ${TEAM}\n    linked_accounts: ["${ACCOUNT}"]\n    channels:\n      - channel_id: C0ALERTS\n        name: alerts\n        topics:\n          - ${topic("ok")}\n          - ${topic("theirs", UNLINKED)}\n`,
    );
    const before = await snapshot(a);
    const run3 = await run(a, "apply", file);
    expect(run3.code).toBe(3);
    expect(run3.stderr).toContain(
      `workspace ${TEAM} would get topics of AWS account(s) ${UNLINKED}, not linked to it`,
    );
    expect(await snapshot(a)).toBe(before);
    expect(sns.callsOf("Subscribe").filter((c) => String(c.params.TopicArn).includes("theirs"))).toEqual([]);
  });

  it("a room's URL from url_file is stored encrypted; a URL that is not accepted is refused without showing it", async () => {
    const secretFile = write("chime-url", `${CHIME}\n`);
    const room = (ref: string) =>
      `version: 1\nworkspaces:\n  - team_id: cli\n    webhook_rooms:\n      - name: ops\n        description: Ops/Hook\n        ${ref}\n`;
    const applied = await run(a, "apply", write("room.yaml", room(`url_file: ${path.basename(secretFile)}`)));
    expect(applied.code).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(TOKEN);
    const row = await a.db.prisma.channelConfiguration.findFirstOrThrow({ where: { teamId: "cli" } });
    expect(row).toMatchObject({ kind: "webhook", managedBy: "file", webhookProvider: "chime" });
    expect(new SecretBox(a.key).decrypt(row.webhookUrlEnc ?? "", webhookUrlContext(row.id))).toBe(CHIME);
    expect((await run(a, "export")).stdout).toContain("url_from_env: CHATBOT_WEBHOOK_OPS\n");

    const leaked = `https://evil.example.com/hook?token=${TOKEN}`;
    const bad = await run(
      { ...a, env: { ...a.env, BAD_URL: leaked } },
      "apply",
      write("bad.yaml", room("url_from_env: BAD_URL")),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /bad\.yaml:7: workspaces\[0\]\.webhook_rooms\[0\]\.url_from_env: the URL it holds is not accepted/,
    );
    expect(bad.stdout + bad.stderr).not.toContain(TOKEN);
  });

  it("two configurations may swap names in one apply (one transaction, names freed first)", async () => {
    await richSetup(a);
    const exported = (await run(a, "export", "--team", TEAM)).stdout;
    const swapped = exported
      .replace("        name: alerts\n", "        name: TMP\n")
      .replace("        name: deploys\n", "        name: alerts\n")
      .replace("        name: TMP\n", "        name: deploys\n")
      .replaceAll("managed_by: slack", "managed_by: file");
    const applied = await run(a, "apply", write("swap.yaml", swapped));
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    const names = await a.db.prisma.channelConfiguration.findMany({
      where: { teamId: TEAM, kind: "slack" },
      orderBy: { channelId: "asc" },
    });
    expect(names.map((row) => [row.channelId, row.name])).toEqual([
      ["C0ALERTS", "deploys"],
      ["C0DEPLOYS", "alerts"],
    ]);
    expect((await run(a, "apply", write("swap.yaml", swapped))).stdout).toBe("nothing to do\n");
  });

  it("refuses a name a configuration left in place still has: exit 3, nothing changed", async () => {
    await richSetup(a);
    const file = write(
      "taken.yaml",
      `version: 1\nworkspaces:\n  - team_id: ${TEAM}\n    channels:\n      - channel_id: C0ELSEWHERE\n        name: Deploys\n`,
    );
    const before = await snapshot(a);
    const refused = await run(a, "apply", file);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `workspace ${TEAM}: the name "Deploys" belongs to a configuration the file does not name`,
    );
    expect(await snapshot(a)).toBe(before);
  });

  it.each([
    [
      "wrong type",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    managers: U0ONE\n",
      "f:4: workspaces[0].managers: Invalid input: expected array, received string",
    ],
    [
      "unknown key",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        colour: red\n",
      'f:7: workspaces[0].channels[0].colour: unknown key "colour"',
    ],
    [
      "bad topic ARN",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        topics: [arn:aws:sns:us-east-1:1234:x]\n",
      'f:7: workspaces[0].channels[0].topics[0]: "arn:aws:sns:us-east-1:1234:x" is not a valid SNS topic ARN',
    ],
    [
      "bad role ARN",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        iam_role: arn:aws:iam::123456789012:user/bob\n",
      "f:7: workspaces[0].channels[0].iam_role: ",
    ],
    [
      "duplicate channel",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n      - channel_id: C0A\n        name: b\n",
      'f:7: workspaces[0].channels[1].channel_id: duplicate channel "C0A" (first on line 5)',
    ],
    [
      "a mention target that is no Slack mention",
      'version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: "@alice"\n',
      "f:8: workspaces[0].channels[0].mentions[0].target: not a Slack mention: write <@U…>",
    ],
    [
      "a mention of a channel",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: <#C0OPS|ops>\n",
      "f:8: workspaces[0].channels[0].mentions[0].target: `#ops` is a channel",
    ],
    [
      "a mention target with its name inside",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: <@U0ALICE|alice>\n",
      'f:8: workspaces[0].channels[0].mentions[0].target: write the target as it is stored: "<@U0ALICE>"',
    ],
    [
      "a mention level that does not exist",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: <!here>\n            at: urgent\n",
      "f:9: workspaces[0].channels[0].mentions[0].at: ",
    ],
    [
      "a mention target twice",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: <!here>\n          - target: <!here>\n            at: low\n",
      'f:9: workspaces[0].channels[0].mentions[1].target: duplicate mention "<!here>" (first on line 8)',
    ],
    [
      "a mention key that does not exist",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n          - target: <!here>\n            level: low\n",
      'f:9: workspaces[0].channels[0].mentions[0].level: unknown key "level"',
    ],
    [
      "a mute permission that does not exist",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        mute_permission: everyone\n",
      "f:7: workspaces[0].channels[0].mute_permission: ",
    ],
    [
      "a filter level that does not exist",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        filters: {severity: urgent}\n",
      "f:7: workspaces[0].channels[0].filters.severity: ",
    ],
    [
      "a filter pattern the filter module refuses",
      "version: 1\nworkspaces:\n  - team_id: T0FAKETEAM1\n    channels:\n      - channel_id: C0A\n        name: a\n        filters:\n          match: /(a+)+/\n",
      "f:8: workspaces[0].channels[0].filters: match: The pattern repeats a group",
    ],
    ["version", "version: 2\n", "f:1: version: "],
    ["not YAML", "version: 1\nworkspaces: [\n", "f:3: (YAML): Flow sequence"],
    ["duplicate key", "version: 1\nversion: 1\n", "f:2: (YAML): Map keys must be unique"],
    [
      "missing URL variable",
      "version: 1\nworkspaces:\n  - team_id: cli\n    webhook_rooms:\n      - name: r\n        description: Room/Hook\n        url_from_env: NOT_SET_ANYWHERE\n",
      "f:7: workspaces[0].webhook_rooms[0].url_from_env: the environment variable NOT_SET_ANYWHERE is not set",
    ],
  ])(
    "an invalid file (%s) exits 2 naming file:line and field, and changes nothing",
    async (_what, text, problem) => {
      await richSetup(a);
      const file = write("f", text);
      const before = await snapshot(a);
      const result = await runChatbot(["apply", file], a.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(problem.replace(/^f:/, `${file}:`));
      expect(result.stdout).toBe("");
      expect(await snapshot(a)).toBe(before);
    },
  );

  it("any other failure exits 1 and says what to do: a database never migrated", async () => {
    const unmigrated = await createTestDatabase(kind);
    try {
      const file = write("ok.yaml", `version: 1\nworkspaces:\n  - team_id: ${TEAM}\n`);
      const result = await runChatbot(["apply", file], { ...a.env, DATABASE_URL: unmigrated.url });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("run `npx chatbot migrate`");
    } finally {
      await unmigrated.drop();
    }
  });

  it("schema prints the JSON Schema generated from the zod types", async () => {
    const printed = await runChatbot(["schema"], {});
    expect(printed.code).toBe(0);
    const schema = JSON.parse(printed.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const workspace = schema.properties.workspaces.items;
    expect(workspace.additionalProperties).toBe(false);
    expect(Object.keys(workspace.properties.channels.items.properties)).toEqual(
      expect.arrayContaining([
        "channel_id",
        "name",
        "topics",
        "filters",
        "mentions",
        "mute_permission",
        "managed_by",
        "allow_slack_changes",
      ]),
    );
    expect(workspace.properties.webhook_rooms.items.properties.url_from_env).toBeDefined();
    expect(workspace.properties.webhook_rooms.items.properties.url).toBeUndefined();
  });
});
