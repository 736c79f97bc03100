/**
 * What the delivery benchmarks share: the world around a server child process (workspaces,
 * channels, configurations, installations, fake Slack, signed SNS), a steady load generator on an
 * absolute schedule, and the measurements (arrival latencies, CPU, RSS).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type { Environment } from "../src/config";
import { type Database, openDatabase } from "../src/db/database";
import { migrateDatabase } from "../src/db/migrate";
import { createLogger } from "../src/logger";
import {
  addChannel,
  alarmMessage,
  installWorkspace,
  SnsPublisher,
  topicArn,
  type WorldChannel,
} from "../test/delivery/world";
import { createTestDatabase, type TestDatabase } from "../test/support/databases";
import {
  type FakeSlack,
  type FakeSlackOptions,
  type RecordedCall,
  startFakeSlack,
} from "../test/support/fake-slack";
import { type ServerProcess, startServerProcess } from "../test/support/server-process";
import { SLACK_IDS } from "../test/support/slack-payloads";

const RESULTS_DIR = path.resolve(__dirname, "results");
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BenchWorld {
  slack: FakeSlack;
  sns: SnsPublisher;
  db: Database;
  server: ServerProcess;
  channels: (WorldChannel & { topic: string })[];
  /** The server's SQLite database file. */
  databaseFile: string;
  stop(): Promise<void>;
}

export interface WorldOptions {
  workspaces: number;
  channelsPerWorkspace: number;
  /** Every channel wants this one topic instead of a topic of its own. */
  sharedTopic?: string;
  fakeSlack?: FakeSlackOptions;
  env?: Environment;
}

/** Workspaces, channels and configurations first, then the server (so it starts with them). */
export async function startWorld(options: WorldOptions): Promise<BenchWorld> {
  const testDb: TestDatabase = await createTestDatabase("sqlite");
  await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
  const db = await openDatabase(testDb.database);
  const slack = await startFakeSlack({ now, ...options.fakeSlack });
  const sns = await SnsPublisher.start();
  const key = randomBytes(32);
  const channels: BenchWorld["channels"] = [];
  for (let w = 0; w < options.workspaces; w++) {
    const teamId = w === 0 ? SLACK_IDS.teamId : `T0BENCH${String(w).padStart(4, "0")}`;
    const workspace = slack.addWorkspace({ teamId, channels: [], users: [] });
    if (options.workspaces > 1) await installWorkspace(db.prisma, key, workspace);
    for (let c = 0; c < options.channelsPerWorkspace; c++) {
      const topic = options.sharedTopic ?? topicArn(`bench-${w}-${c}`);
      channels.push({ topic, ...(await addChannel(db.prisma, slack, { topicArns: [topic], teamId })) });
    }
  }
  const credentials: Environment =
    options.workspaces > 1
      ? {
          SLACK_CLIENT_ID: SLACK_IDS.clientId,
          SLACK_CLIENT_SECRET: SLACK_IDS.clientSecret,
          SLACK_STATE_SECRET: SLACK_IDS.stateSecret,
        }
      : { SLACK_BOT_TOKEN: slack.workspace(SLACK_IDS.teamId)?.botToken };
  const server = await startServerProcess({
    // As `npm start` runs it: tsc's output, not src/ through tsx (whose transform adds work per closure).
    compiled: true,
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/p" profiles the server of a run.
    nodeArgs: process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter((arg) => arg !== ""),
    env: {
      DATABASE_URL: testDb.url,
      ENCRYPTION_KEY: key.toString("base64"),
      SLACK_API_URL: slack.url,
      SNS_CERT_URL_PATTERN: sns.certUrlPattern,
      LOG_LEVEL: "info",
      ...credentials,
      ...options.env,
    },
  });
  return {
    slack,
    sns,
    db,
    server,
    channels,
    databaseFile: testDb.database.sqliteFile ?? "",
    async stop() {
      await server.kill("SIGTERM");
      await db.close();
      await sns.close();
      await slack.close();
      await testDb.drop();
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Sends `rate` notifications per second for `durationMs`, on an absolute schedule (no drift), not
 * waiting for answers before sending the next; `answered[i]` is when the server answered number i.
 * With `endAtDuration`, sending stops when `durationMs` has passed even if the generator fell behind
 * (a soak on a busy machine then reports the rate it achieved instead of running on).
 */
export async function steadyLoad(
  world: BenchWorld,
  rate: number,
  durationMs: number,
  message: (i: number) => { topic: string; text: string },
  answered: Map<number, number>,
  onTick?: () => void,
  endAtDuration = false,
): Promise<{ sent: number; failed: Record<string, number>; seconds: number }> {
  const total = Math.floor((durationMs * rate) / 1000);
  const start = now();
  let next = 0;
  const failed: Record<string, number> = {};
  const fail = (why: string) => {
    failed[why] = (failed[why] ?? 0) + 1;
  };
  const inFlight = new Set<Promise<void>>();
  while (next < total && !(endAtDuration && now() - start >= durationMs)) {
    const due = Math.min(total, Math.floor(((now() - start) * rate) / 1000) + 1);
    while (next < due) {
      const i = next++;
      const { topic, text } = message(i);
      const body = world.sns.body(topic, text);
      const sent = world.sns.post(world.server.url, body).then(
        (status) => {
          if (status === 200) answered.set(i, now());
          else fail(`http_${status}`);
        },
        (error: unknown) =>
          fail(
            error instanceof Error
              ? `${error.message}: ${String((error.cause as Error | undefined)?.message ?? "")}`
              : String(error),
          ),
      );
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
    }
    onTick?.();
    await sleep(Math.max(1, start + (next * 1000) / rate - now()));
  }
  await Promise.all(inFlight);
  return { sent: next, failed, seconds: round((now() - start) / 1000) };
}

const ID_PATTERN = /bench-id-(\d+)\b/;

/** First arrival at the fake Slack of every benchmark notification, by id. */
export function arrivals(calls: RecordedCall[], into: Map<number, number>): void {
  for (const call of calls) {
    if (call.method !== "chat.postMessage") continue;
    const match = ID_PATTERN.exec(JSON.stringify(call.args.blocks ?? call.args.text));
    if (match === null) continue;
    const id = Number(match[1]);
    if (!into.has(id)) into.set(id, call.at);
  }
}

export function latencies(answered: Map<number, number>, arrived: Map<number, number>, fromId = 0) {
  const values: number[] = [];
  for (const [id, at] of arrived) {
    const answer = answered.get(id);
    if (id >= fromId && answer !== undefined) values.push(Math.max(0, at - answer));
  }
  values.sort((a, b) => a - b);
  return {
    samples: values.length,
    p50Ms: round(percentile(values, 50), 2),
    p90Ms: round(percentile(values, 90), 2),
    p99Ms: round(percentile(values, 99), 2),
    maxMs: round(values[values.length - 1] ?? Number.NaN, 2),
  };
}

/** One alarm per channel, flipping ALARM / OK: a parent, then thread replies and parent updates. */
export function alarmFor(world: BenchWorld, i: number): { topic: string; text: string } {
  const channel = world.channels[i % world.channels.length];
  const flip = Math.floor(i / world.channels.length) % 2 === 0;
  const text = alarmMessage({ name: `bench-${channel.channelId}`, state: flip ? "ALARM" : "OK" }).replace(
    /"NewStateReason":"[^"]*"/,
    `"NewStateReason":"bench-id-${i} threshold crossed"`,
  );
  return { topic: channel.topic, text };
}

export function write(name: string, result: object): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `delivery-${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

export function logLinesOf(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    let message = line.slice(0, 120);
    try {
      const entry = JSON.parse(line) as { msg?: unknown; error?: unknown };
      message = String(entry.msg ?? message);
      // A failure's reason (e.g. Slack's error code) tells apart lines with the same message.
      if (typeof entry.error === "string") message = `${message} (${entry.error.slice(0, 80)})`;
    } catch {
      // not a pino line (a Node warning): counted as is
    }
    counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return round(kb / 1024);
}

export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}
