import { randomBytes } from "node:crypto";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { ExternalIds } from "../../src/configurations/external-id";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { SecretBox } from "../../src/db/secret-box";
import { createLogger } from "../../src/logger";
import type { TopicSubscriptionState } from "../../src/sns/subscriptions";
import { createWebhookConfiguration } from "../../src/webhooks/webhook-configurations";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { runChatbot } from "./cli-runner";

const TEAMS =
  "https://prod-23.westeurope.logic.azure.com:443/workflows/0f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=U0VDUkVUU0lHTkFUVVJF";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:platform-alerts";

/** Records what would be subscribed; SNS itself is covered by test/cli/webhooks.test.ts. */
const recordingSubscriptions = {
  async ensureSubscribed(topicArn: string): Promise<TopicSubscriptionState> {
    return { topicArn, status: "pending", statusReason: null, subscriptionArn: null };
  },
  async release(): Promise<void> {},
};

describeEachDatabase("chatbot configurations list", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let env: Record<string, string>;
  let webhookId: string;
  let slackId: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    const key = randomBytes(32);
    env = { DATABASE_URL: testDb.url, ENCRYPTION_KEY: key.toString("base64") };
    const slack = await createSlackConfiguration(db.prisma, {
      teamId: "T0LIST",
      channelId: "C0ALERTS",
      channelName: "alerts",
      name: "alerts",
      iamRoleArn: "arn:aws:iam::123456789012:role/SlackCharts",
    });
    slackId = slack.id;
    await addTopicToConfiguration(db.prisma, slack.id, { topicArn: TOPIC, region: "eu-west-1" });
    const created = await createWebhookConfiguration(
      {
        prisma: db.prisma,
        secrets: new SecretBox(key),
        externalIds: new ExternalIds(key),
        subscriptions: recordingSubscriptions,
      },
      { url: TEAMS, description: "Platform/Alerts", topics: [TOPIC] },
    );
    webhookId = created.configuration.id;
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it("lists Slack channels and webhooks with topics, subscription state, role and state", async () => {
    const run = await runChatbot(["configurations", "list"], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${slackId}  slack  alerts  [active]\n  channel: #alerts (C0ALERTS)\n  team:    T0LIST\n  role:    arn:aws:iam::123456789012:role/SlackCharts\n  topic:   ${TOPIC}  pending`,
    );
    expect(run.stdout).toContain(`${webhookId}  webhook  Platform-Alerts  [active]`);
    expect(run.stdout).toContain(
      `webhook: Microsoft Teams prod-23.westeurope.logic.azure.com/…${TEAMS.slice(-4)} "Platform/Alerts"`,
    );
    expect(run.stdout).toContain("team:    cli");
    expect(run.stdout).not.toContain("U0VDUkVUU0lHTkFUVVJF");
  });

  it("prints JSON with --json", async () => {
    const run = await runChatbot(["configurations", "list", "--json"], env);
    expect(run.code).toBe(0);
    const lines = JSON.parse(run.stdout) as {
      id: string;
      kind: string;
      topics: { topicArn: string; status: string }[];
    }[];
    expect(lines.map((line) => [line.id, line.kind])).toEqual([
      [slackId, "slack"],
      [webhookId, "webhook"],
    ]);
    expect(lines[1].topics).toEqual([{ topicArn: TOPIC, status: "pending", statusReason: null }]);
    expect(run.stdout).not.toContain("sig=");
  });

  it("shows a disabled webhook's reason", async () => {
    await db.prisma.channelConfiguration.update({
      where: { id: webhookId },
      data: { state: "disabled", stateReason: "the webhook answered 404" },
    });
    const run = await runChatbot(["configurations", "list"], env);
    expect(run.stdout).toContain(
      `${webhookId}  webhook  Platform-Alerts  [disabled: the webhook answered 404]`,
    );
  });

  it.each([
    [["configurations"], /expected "list"/],
    [["configurations", "show"], /expected "list"/],
    [["configurations", "list", "--yaml"], /Unknown option '--yaml'/],
  ])("%j → exit 2 with the usage", async (argv, problem) => {
    const run = await runChatbot(argv, env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(problem);
    expect(run.stderr).toContain("usage: chatbot configurations list [--json]");
  });
});
