/**
 * Workspace rate across replicas: N server processes on one PostgreSQL database deliver a burst to
 * one workspace (fake Slack enforcing 1/s, burst 3 per channel, 429 with Retry-After). Measures what
 * Slack saw: the most posts in any second, the sustained rate (posts / span), 429s answered, and
 * posts that overtook an earlier one of their channel. The baseline is one replica in the same run
 * (its sustained rate is what the setting allows on this machine); the ratio is N replicas to it.
 *
 *   npx tsx bench/delivery-replicas.ts [replicas]   (default 3; needs PostgreSQL)
 */
import { randomBytes } from "node:crypto";
import { openDatabase } from "../src/db/database";
import { migrateDatabase } from "../src/db/migrate";
import { createLogger } from "../src/logger";
import { addChannel, SnsPublisher, topicArn } from "../test/delivery/world";
import { maxInAnyWindow, orderViolations } from "../test/support/call-rates";
import { createTestDatabase } from "../test/support/databases";
import { startFakeSlack } from "../test/support/fake-slack";
import { type ServerProcess, startServerProcess } from "../test/support/server-process";
import { SLACK_IDS } from "../test/support/slack-payloads";
import { now, round, sleep, write } from "./delivery-world";

const CHANNELS = 30;
const PER_CHANNEL = 10;
const WORKSPACE_PER_SECOND = 10;
const WORKSPACE_BURST = 30;

export interface ReplicaRun {
  replicas: number;
  posts: number;
  maxInAnySecond: number;
  sustainedPerSecond: number;
  rateLimited: number;
  orderViolations: number;
  spanMs: number;
}

export interface ReplicasResult {
  name: string;
  setting: { perSecond: number; burst: number };
  runs: ReplicaRun[];
  /** Sustained rate of N replicas / 1 replica: 1.0 when the budget is shared. */
  ratio: number;
}

async function runOnce(replicas: number): Promise<ReplicaRun> {
  const testDb = await createTestDatabase("postgres");
  await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
  const db = await openDatabase(testDb.database);
  const slack = await startFakeSlack({ now, postMessageLimit: { perSecond: 1, burst: 3 } });
  const sns = await SnsPublisher.start();
  const servers: ServerProcess[] = [];
  try {
    slack.addWorkspace({ teamId: SLACK_IDS.teamId, channels: [], users: [] });
    const channels = [];
    for (let c = 0; c < CHANNELS; c++) {
      const topic = topicArn(`replicas-${c}`);
      channels.push({ topic, ...(await addChannel(db.prisma, slack, { topicArns: [topic] })) });
    }
    const env = {
      DATABASE_URL: testDb.url,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      SLACK_API_URL: slack.url,
      SLACK_BOT_TOKEN: slack.workspace(SLACK_IDS.teamId)?.botToken,
      SNS_CERT_URL_PATTERN: sns.certUrlPattern,
      LOG_LEVEL: "warn",
      DELIVERY_WORKSPACE_PER_SECOND: String(WORKSPACE_PER_SECOND),
      DELIVERY_WORKSPACE_BURST: String(WORKSPACE_BURST),
      // Every notification its own post: this measures pacing and order, not storm digests.
      DELIVERY_DIGEST_THRESHOLD: "0",
    };
    for (let r = 0; r < replicas; r++) servers.push(await startServerProcess({ env }));
    // Round i reaches every channel, each through another replica than the round before.
    for (let i = 0; i < PER_CHANNEL; i++) {
      await Promise.all(
        channels.map(({ topic }, c) =>
          sns.publish(servers[(c + i) % replicas].url, topic, `bench ${c}.${String(i).padStart(3, "0")}`),
        ),
      );
    }
    const total = CHANNELS * PER_CHANNEL;
    const deadline = now() + 300_000;
    while (slack.messages().length < total && now() < deadline) await sleep(100);
    const calls = slack.calls("chat.postMessage");
    const ok = calls.filter((call) => call.outcome === "ok").map((call) => call.at);
    const posted = new Map(
      channels.map((channel) => [
        channel.channelId,
        slack.messages(channel.channelId).map((m) => m.text ?? ""),
      ]),
    );
    const spanMs = Math.max(...ok) - Math.min(...ok);
    return {
      replicas,
      posts: slack.messages().length,
      maxInAnySecond: maxInAnyWindow(ok),
      // The burst goes out at once; the rest at the sustained rate.
      sustainedPerSecond: round((ok.length - WORKSPACE_BURST) / (spanMs / 1000), 2),
      rateLimited: calls.filter((call) => call.outcome === "rate_limited").length,
      orderViolations: orderViolations(posted, (text) => Number(text.split(".")[1])),
      spanMs: Math.round(spanMs),
    };
  } finally {
    for (const server of servers) await server.kill("SIGTERM");
    await db.close();
    await sns.close();
    await slack.close();
    await testDb.drop();
  }
}

export async function benchDeliveryReplicas(replicas = 3): Promise<ReplicasResult> {
  const baseline = await runOnce(1);
  const shared = await runOnce(replicas);
  const result: ReplicasResult = {
    name: `${replicas} replicas on one PostgreSQL database, one workspace`,
    setting: { perSecond: WORKSPACE_PER_SECOND, burst: WORKSPACE_BURST },
    runs: [baseline, shared],
    ratio: round(shared.sustainedPerSecond / baseline.sustainedPerSecond, 2),
  };
  write("replicas", result);
  return result;
}

if (require.main === module) {
  benchDeliveryReplicas(Number(process.argv[2] ?? 3)).then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
