/**
 * The real server in-process (startTestServer) with the fake Slack and signed SNS posts, as the
 * delivery end-to-end tests need it. Delivery timings default to test scale (100 ms poll, 3 s lease,
 * 100 ms–1 s backoff); a test overrides them through `env`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Environment } from "../../src/config";
import { addTopicToConfiguration } from "../../src/configurations/configuration-store";
import type { PrismaClient } from "../../src/db/database";
import { SecretBox } from "../../src/db/secret-box";
import { CLI_TEAM_ID, webhookUrlContext } from "../../src/webhooks";
import type { TestDatabaseKind } from "../support/databases";
import {
  type FakeSlack,
  type FakeSlackOptions,
  type FakeWorkspace,
  startFakeSlack,
} from "../support/fake-slack";
import { startTestServer, type TestServer } from "../support/server";
import { SLACK_IDS } from "../support/slack-payloads";
import {
  addChannel,
  type ChannelSetup,
  installWorkspace,
  SnsPublisher,
  topicArn,
  type WorldChannel,
} from "./world";

export const FAST_DELIVERY_ENV: Environment = {
  DELIVERY_POLL_MS: "100",
  DELIVERY_LEASE_MS: "3000",
  DELIVERY_BACKOFF_BASE_MS: "100",
  DELIVERY_BACKOFF_MAX_MS: "1000",
  // These tests count and order single posts; a busy machine must not turn a burst into a storm
  // digest. Digests are tested on their own (digests.e2e.test.ts turns them on).
  DELIVERY_DIGEST_THRESHOLD: "0",
};

export interface ReplicasOptions {
  /** How many servers; all share the first one's PostgreSQL database. */
  count: number;
  /** Over FAST_DELIVERY_ENV, the bot token and the fakes' addresses (rates, lease, …). */
  env: Environment;
  fakeSlack?: FakeSlackOptions;
  /** How long the fake Slack takes to answer chat.postMessage (keeps posts in flight on each replica). */
  postMessageDelayMs: number;
}

export interface Replicas {
  /** The servers, the first holding the database. */
  servers: TestServer[];
  slack: FakeSlack;
  sns: SnsPublisher;
  /** `count` channels of the default workspace, channel i wanting its own topic `<prefix>-i`. */
  addChannels(count: number, prefix: string): Promise<Array<WorldChannel & { topic: string }>>;
  stop(): Promise<void>;
}

/**
 * Replicas as a deployment runs them: several real servers on one PostgreSQL database, in single
 * workspace mode against the fake Slack, with signed SNS posts to any of them.
 */
export async function startReplicas(options: ReplicasOptions): Promise<Replicas> {
  const slack = await startFakeSlack(options.fakeSlack);
  const workspace = slack.addWorkspace();
  const sns = await SnsPublisher.start();
  const env = {
    ...FAST_DELIVERY_ENV,
    SLACK_BOT_TOKEN: workspace.botToken,
    SLACK_API_URL: slack.url,
    SNS_CERT_URL_PATTERN: sns.certUrlPattern,
    ...options.env,
  };
  const first = await startTestServer({ kind: "postgres", env });
  const servers = [first];
  while (servers.length < options.count) {
    servers.push(
      await startTestServer({ kind: "postgres", env: { ...env, DATABASE_URL: first.testDb.url } }),
    );
  }
  slack.setBehavior("chat.postMessage", { delayMs: options.postMessageDelayMs });
  return {
    servers,
    slack,
    sns,
    async addChannels(count, prefix) {
      const channels = [];
      for (let c = 0; c < count; c++) {
        const topic = topicArn(`${prefix}-${c}`);
        channels.push({
          topic,
          ...(await addChannel(first.server.db.prisma, slack, { topicArns: [topic] })),
        });
      }
      return channels;
    },
    async stop() {
      for (const server of [...servers].reverse()) await server.stop();
      await sns.close();
      await slack.close();
    },
  };
}

export interface HarnessOptions {
  /** "single": SLACK_BOT_TOKEN of the default workspace; "oauth": installations per workspace. */
  mode?: "single" | "oauth";
  env?: Environment;
  fakeSlack?: FakeSlackOptions;
  /** The server's clock for mutes (a test moves it). */
  now?: () => Date;
}

export interface Harness {
  app: TestServer;
  slack: FakeSlack;
  sns: SnsPublisher;
  prisma: PrismaClient;
  /** DATABASE_URL and ENCRYPTION_KEY of the server: what a CLI command run beside it reads. */
  databaseEnv: Environment;
  /** The default workspace (SLACK_IDS.teamId), installed. */
  workspace: FakeWorkspace;
  channel(setup: ChannelSetup): Promise<WorldChannel>;
  /** A further workspace on the fake Slack, installed (OAuth mode only). */
  addWorkspace(teamId: string): Promise<FakeWorkspace>;
  publish(topic: string, message: string, fields?: { subject?: string }): Promise<number>;
  stop(): Promise<void>;
}

export async function startHarness(kind: TestDatabaseKind, options: HarnessOptions = {}): Promise<Harness> {
  const mode = options.mode ?? "single";
  const slack = await startFakeSlack(options.fakeSlack);
  const sns = await SnsPublisher.start();
  const workspace = slack.addWorkspace();
  const encryptionKey = randomBytes(32);
  const credentials: Environment =
    mode === "single"
      ? { SLACK_BOT_TOKEN: workspace.botToken }
      : {
          SLACK_CLIENT_ID: SLACK_IDS.clientId,
          SLACK_CLIENT_SECRET: SLACK_IDS.clientSecret,
          SLACK_STATE_SECRET: SLACK_IDS.stateSecret,
        };
  const app = await startTestServer({
    kind,
    now: options.now,
    env: {
      ...FAST_DELIVERY_ENV,
      ...credentials,
      ENCRYPTION_KEY: encryptionKey.toString("base64"),
      SLACK_API_URL: slack.url,
      SNS_CERT_URL_PATTERN: sns.certUrlPattern,
      ...options.env,
    },
  });
  const prisma = app.server.db.prisma;
  if (mode === "oauth") await installWorkspace(prisma, encryptionKey, workspace);
  return {
    app,
    slack,
    sns,
    prisma,
    databaseEnv: { DATABASE_URL: app.testDb.url, ENCRYPTION_KEY: encryptionKey.toString("base64") },
    workspace,
    channel: (setup) => addChannel(prisma, slack, setup),
    async addWorkspace(teamId) {
      if (mode !== "oauth") throw new Error("addWorkspace needs the harness in OAuth mode");
      const added = slack.addWorkspace({ teamId, channels: [], users: [] });
      await installWorkspace(prisma, encryptionKey, added);
      return added;
    },
    publish: (topic, message, fields) => sns.publish(app.url, topic, message, fields),
    async stop() {
      await app.stop();
      await sns.close();
      await slack.close();
    },
  };
}

/** A Chime webhook room (as `chatbot webhooks add` stores it) that wants `topic`; returns its id. */
export async function addChimeRoom(h: Harness, url: string, topic: string): Promise<string> {
  const id = randomUUID();
  const secrets = new SecretBox(Buffer.from(h.databaseEnv.ENCRYPTION_KEY ?? "", "base64"));
  await h.prisma.channelConfiguration.create({
    data: {
      id,
      kind: "webhook",
      name: `room-${id}`,
      teamId: CLI_TEAM_ID,
      webhookUrlEnc: secrets.encrypt(url, webhookUrlContext(id)),
      webhookDescription: "Ops/Alarms",
      webhookProvider: "chime",
    },
  });
  await addTopicToConfiguration(h.prisma, id, { topicArn: topic, region: topic.split(":")[3] });
  return id;
}
