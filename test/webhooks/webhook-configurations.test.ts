import { randomBytes } from "node:crypto";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { ExternalIds } from "../../src/configurations/external-id";
import { linkAccount } from "../../src/configurations/linked-accounts";
import { TopicAccess } from "../../src/configurations/topic-access";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { SecretBox } from "../../src/db/secret-box";
import { ErrorCode } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { SnsApi } from "../../src/sns/sns-api";
import { SubscriptionService } from "../../src/sns/subscriptions";
import {
  CLI_TEAM_ID,
  createWebhookConfiguration,
  disableWebhookConfiguration,
  removeWebhookConfiguration,
  type WebhookConfigurationDeps,
} from "../../src/webhooks/webhook-configurations";
import {
  findWebhookConfiguration,
  listWebhookConfigurations,
  loadWebhookTarget,
  webhookUrlContext,
} from "../../src/webhooks/webhook-queries";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { type FakeSns, startFakeSns } from "../support/fake-sns";

const CHIME =
  "https://hooks.chime.aws/incomingwebhooks/4d1c2b3a-0f9e-4d8c-b7a6-5e4f3d2c1b0a?token=c2VjcmV0LXRva2VuLXZhbHVl";
const ROLE = "arn:aws:iam::123456789012:role/ChimeCharts";

describeEachDatabase("webhook configurations", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let sns: FakeSns;
  let snsApi: SnsApi;
  let deps: WebhookConfigurationDeps;
  let secrets: SecretBox;
  const publicUrl = "http://127.0.0.1:9/unreachable";

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    const logger = createLogger({ level: "silent" });
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
    sns = await startFakeSns();
    snsApi = new SnsApi({ logger, endpoint: sns.url, maxAttempts: 1 });
    const key = randomBytes(32);
    secrets = new SecretBox(key);
    deps = {
      prisma: db.prisma,
      secrets,
      externalIds: new ExternalIds(key),
      subscriptions: new SubscriptionService(db.prisma, snsApi, logger, { publicUrl }),
      webhookUrlPattern: /^http:\/\/127\.0\.0\.1:\d+\//,
      // Naming and listing are this file's subject; topic access has its own test below.
      topicAccess: new TopicAccess({ prisma: db.prisma, policy: "any", logger, command: "/aws" }),
    };
  });
  afterAll(async () => {
    snsApi.destroy();
    await sns.close();
    await db.close();
    await testDb.drop();
  });

  it("creates a configuration: validated, URL encrypted bound to its id, topics subscribed", async () => {
    const topicArn = sns.createTopic("ops-alarms");
    const created = await createWebhookConfiguration(deps, {
      url: CHIME,
      description: "Ops room/Alarms",
      topics: [topicArn, ` ${topicArn} `],
      roleArn: ROLE,
    });
    const c = created.configuration;
    expect(c).toMatchObject({
      name: "Ops-room-Alarms",
      teamId: CLI_TEAM_ID,
      description: "Ops room/Alarms",
      provider: "chime",
      redactedUrl: `hooks.chime.aws/…${CHIME.slice(-4)}`,
      iamRoleArn: ROLE,
      externalId: expect.stringMatching(/^awschatbot-[0-9a-f]{32}$/),
      state: "active",
      topics: [{ topicArn, region: "us-east-1", status: "pending", statusReason: null }],
    });
    expect(created.topics).toEqual([expect.objectContaining({ topicArn, status: "pending" })]);
    expect(sns.callsOf("Subscribe")).toHaveLength(1);
    expect(sns.callsOf("Subscribe")[0].params).toMatchObject({
      TopicArn: topicArn,
      Endpoint: `${publicUrl}/sns/events`,
    });

    const row = await db.prisma.channelConfiguration.findUniqueOrThrow({ where: { id: c.id } });
    expect(row.kind).toBe("webhook");
    expect(JSON.stringify(row)).not.toContain("hooks.chime.aws");
    expect(JSON.stringify(row)).not.toContain("c2VjcmV0LXRva2VuLXZhbHVl");
    expect(secrets.decrypt(row.webhookUrlEnc ?? "", webhookUrlContext(c.id))).toBe(CHIME);
    expect(() => secrets.decrypt(row.webhookUrlEnc ?? "", webhookUrlContext("another-row"))).toThrow(
      /does not decrypt/,
    );
    expect(await loadWebhookTarget(db.prisma, secrets, c.id)).toEqual({
      configurationId: c.id,
      url: CHIME,
      provider: "chime",
      state: "active",
      stateReason: null,
      iamRoleArn: ROLE,
      externalId: c.externalId,
    });
  });

  it("allows several webhooks per room, each with only its own topics", async () => {
    const deploys = sns.createTopic("deploys");
    const costs = sns.createTopic("costs");
    const first = await createWebhookConfiguration(deps, {
      url: "http://127.0.0.1:8065/hooks/room1deploys",
      description: "Team room/Deploys",
      topics: [deploys],
    });
    const second = await createWebhookConfiguration(deps, {
      url: "http://127.0.0.1:8065/hooks/room1costs",
      description: "Team room/Costs",
      topics: [costs],
    });
    expect(first.configuration.topics.map((t) => t.topicArn)).toEqual([deploys]);
    expect(second.configuration.topics.map((t) => t.topicArn)).toEqual([costs]);
    expect(first.configuration.provider).toBe("mattermost");
    // Same description twice: a unique name is derived.
    const again = await createWebhookConfiguration(deps, {
      url: "http://127.0.0.1:8065/hooks/room1other",
      description: "Team room/Costs",
      topics: [],
    });
    expect(again.configuration.name).toBe("Team-room-Costs-2");
  });

  it("validates everything before writing anything", async () => {
    const before = await db.prisma.channelConfiguration.count();
    const subscribes = sns.callsOf("Subscribe").length;
    const topicArn = sns.createTopic("never");
    await expect(
      createWebhookConfiguration(deps, {
        url: "https://169.254.169.254/latest",
        description: "a/b",
        topics: [topicArn],
      }),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: expect.stringMatching(/IP address/),
    });
    await expect(
      createWebhookConfiguration(deps, { url: CHIME, description: "no-slash", topics: [topicArn] }),
    ).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
    });
    await expect(
      createWebhookConfiguration(deps, {
        url: CHIME,
        description: "a/b",
        topics: ["arn:aws:sns:us-east-1:123456789012:x.fifo"],
      }),
    ).rejects.toThrow(/FIFO/);
    await expect(
      createWebhookConfiguration(deps, {
        url: CHIME,
        description: "a/b",
        topics: [topicArn],
        roleArn: "arn:aws:iam::123456789012:role/has-dash",
      }),
    ).rejects.toThrow(/only letters and digits/);
    await expect(
      createWebhookConfiguration(deps, {
        url: CHIME,
        description: "a/b",
        topics: [topicArn],
        name: "bad name",
      }),
    ).rejects.toThrow(/letters, digits, hyphens and underscores/);
    expect(await db.prisma.channelConfiguration.count()).toBe(before);
    expect(sns.callsOf("Subscribe")).toHaveLength(subscribes);
  });

  it("refuses a chosen name that is taken in the same team", async () => {
    await createWebhookConfiguration(deps, { url: CHIME, description: "x/y", topics: [], name: "taken" });
    await expect(
      createWebhookConfiguration(deps, { url: CHIME, description: "x/z", topics: [], name: "taken" }),
    ).rejects.toMatchObject({
      code: ErrorCode.Conflict,
    });
    const other = await createWebhookConfiguration(deps, {
      url: CHIME,
      description: "x/z",
      topics: [],
      name: "taken",
      owner: { teamId: "T0OTHER", userId: "U0ADMIN" },
    });
    expect(other.configuration).toMatchObject({ teamId: "T0OTHER", createdBy: "U0ADMIN" });
  });

  it("lists with the URL redacted, per team when asked", async () => {
    const all = await listWebhookConfigurations(db.prisma, secrets);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const view of all) expect(view.redactedUrl).toMatch(/^[\w.:-]+\/…/);
    expect(JSON.stringify(all)).not.toContain("token=");
    const other = await listWebhookConfigurations(db.prisma, secrets, { teamId: "T0OTHER" });
    expect(other.map((v) => v.name)).toEqual(["taken"]);
    const foreign = await listWebhookConfigurations(db.prisma, new SecretBox(randomBytes(32)), {
      teamId: "T0OTHER",
    });
    expect(foreign[0].redactedUrl).toMatch(/cannot decrypt: ENCRYPTION_KEY differs/);
  });

  it("disables a configuration whose webhook is gone, with the reason", async () => {
    const created = await createWebhookConfiguration(deps, {
      url: CHIME,
      description: "gone/soon",
      topics: [],
    });
    expect(
      await disableWebhookConfiguration(db.prisma, created.configuration.id, "the webhook answered 404"),
    ).toBe(true);
    expect(await findWebhookConfiguration(db.prisma, secrets, created.configuration.id)).toMatchObject({
      state: "disabled",
      stateReason: "the webhook answered 404",
    });
    expect(await disableWebhookConfiguration(db.prisma, "no-such-id", "x")).toBe(false);
  });

  it("removes a configuration and releases only topics no one else wants", async () => {
    const lonely = sns.createTopic("lonely");
    const shared = sns.createTopic("shared");
    const slack = await createSlackConfiguration(db.prisma, {
      teamId: "T0SLACK",
      channelId: "C0SHARED",
      name: "shared-channel",
    });
    await addTopicToConfiguration(db.prisma, slack.id, { topicArn: shared, region: "us-east-1" });
    const created = await createWebhookConfiguration(deps, {
      url: CHIME,
      description: "rm/me",
      topics: [lonely, shared],
    });
    const id = created.configuration.id;

    const removed = await removeWebhookConfiguration(deps, id);
    expect(removed).toEqual({
      id,
      name: "rm-me",
      description: "rm/me",
      topics: [
        { topicArn: lonely, status: "unsubscribed" },
        { topicArn: shared, status: "pending" },
      ],
    });
    expect(sns.callsOf("Unsubscribe").map((call) => call.params.SubscriptionArn)).toEqual([
      expect.stringContaining(`${lonely}:`),
    ]);
    expect(await findWebhookConfiguration(db.prisma, secrets, id)).toBeNull();
    expect(await loadWebhookTarget(db.prisma, secrets, id)).toBeNull();
    await expect(removeWebhookConfiguration(deps, id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    // A Slack channel's configuration is not a webhook configuration.
    await expect(removeWebhookConfiguration(deps, slack.id)).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
  });

  it("TOPIC_ACCESS=linked: a workspace's room needs the topics' account linked; the CLI's does not; without the check Slack rooms fail closed", async () => {
    const logger = createLogger({ level: "silent" });
    const linked = {
      ...deps,
      topicAccess: new TopicAccess({ prisma: db.prisma, policy: "linked", logger, command: "/aws" }),
    };
    const topicArn = sns.createTopic("arn:aws:sns:us-east-1:777788889999:room-alarms");
    const input = { url: CHIME, description: "Access/Alarms", topics: [topicArn] };
    const owner = { teamId: "T0ACCESS", userId: "U0ACCESS" };
    const before = await db.prisma.channelConfiguration.count();

    await expect(createWebhookConfiguration(linked, { ...input, owner })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      message: expect.stringContaining("AWS account 777788889999 is not linked to this workspace"),
    });
    const { topicAccess: _none, ...unchecked } = deps;
    await expect(createWebhookConfiguration(unchecked, { ...input, owner })).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
    });
    expect(await db.prisma.channelConfiguration.count()).toBe(before);
    expect(await db.prisma.topicSubscription.count({ where: { topicArn } })).toBe(0);

    const cli = await createWebhookConfiguration(unchecked, { ...input, name: "cli-access" });
    expect(cli.configuration.teamId).toBe(CLI_TEAM_ID);
    await linkAccount(db.prisma, { teamId: owner.teamId, accountId: "777788889999", linkedVia: "operator" });
    const room = await createWebhookConfiguration(linked, { ...input, name: "slack-access", owner });
    expect(room.configuration.teamId).toBe(owner.teamId);
  });

  it("removes only the owner's configuration when an owner is given", async () => {
    const created = await createWebhookConfiguration(deps, {
      url: CHIME,
      description: "team/only",
      topics: [],
      owner: { teamId: "T0OWNER" },
    });
    await expect(
      removeWebhookConfiguration(deps, created.configuration.id, { teamId: "T0ELSE" }),
    ).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    await expect(
      removeWebhookConfiguration(deps, created.configuration.id, { teamId: "T0OWNER" }),
    ).resolves.toMatchObject({
      name: "team-only",
    });
  });
});
