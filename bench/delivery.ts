/**
 * Delivery benchmarks: the real server as a child process (src/main.ts on SQLite), signed SNS
 * posts from this process, the fake Slack on loopback in this process.
 *
 *   a  latency: SNS POST answered → chat.postMessage reaching Slack, p50 / p99, at a steady
 *      200 notifications/s over 200 channels (20 workspaces × 10). Target p99 ≤ 50 ms.
 *   b  fan-out: one notification to 1,000 channels of one workspace, the fake Slack enforcing
 *      1 message/s per channel: all delivered, none refused, total time — with the default
 *      workspace pacing and with it lifted (what the pipeline itself can do).
 *   c  soak: 10 minutes at 500 notifications/s (1,000 channels, 100 workspaces), the server's RSS
 *      sampled every second: start / end / max and the trend over the second half.
 *
 *   npx tsx bench/delivery.ts [a|b|c]     (all three without an argument; c takes ten minutes)
 * Each writes bench/results/delivery-<name>.json and returns the same object.
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
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface BenchWorld {
  slack: FakeSlack;
  sns: SnsPublisher;
  db: Database;
  server: ServerProcess;
  channels: (WorldChannel & { topic: string })[];
  stop(): Promise<void>;
}

interface WorldOptions {
  workspaces: number;
  channelsPerWorkspace: number;
  /** Every channel wants this one topic instead of a topic of its own. */
  sharedTopic?: string;
  fakeSlack?: FakeSlackOptions;
  env?: Environment;
}

/** Workspaces, channels and configurations first, then the server (so it starts with them). */
async function startWorld(options: WorldOptions): Promise<BenchWorld> {
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
    env: {
      DATABASE_URL: testDb.url,
      ENCRYPTION_KEY: key.toString("base64"),
      SLACK_API_URL: slack.url,
      SNS_CERT_URL_PATTERN: sns.certUrlPattern,
      LOG_LEVEL: "warn",
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
    async stop() {
      await server.kill("SIGTERM");
      await db.close();
      await sns.close();
      await slack.close();
      await testDb.drop();
    },
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/**
 * Sends `rate` notifications per second for `durationMs`, on an absolute schedule (no drift), not
 * waiting for answers before sending the next; `answered[i]` is when the server answered number i.
 */
async function steadyLoad(
  world: BenchWorld,
  rate: number,
  durationMs: number,
  message: (i: number) => { topic: string; text: string },
  answered: Map<number, number>,
  onTick?: () => void,
): Promise<{ sent: number; failed: Record<string, number> }> {
  const total = Math.floor((durationMs * rate) / 1000);
  const start = now();
  let next = 0;
  const failed: Record<string, number> = {};
  const fail = (why: string) => {
    failed[why] = (failed[why] ?? 0) + 1;
  };
  const inFlight = new Set<Promise<void>>();
  while (next < total) {
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
  return { sent: total, failed };
}

const ID_PATTERN = /bench-id-(\d+)\b/;

/** First arrival at the fake Slack of every benchmark notification, by id. */
function arrivals(calls: RecordedCall[], into: Map<number, number>): void {
  for (const call of calls) {
    if (call.method !== "chat.postMessage") continue;
    const match = ID_PATTERN.exec(JSON.stringify(call.args.blocks ?? call.args.text));
    if (match === null) continue;
    const id = Number(match[1]);
    if (!into.has(id)) into.set(id, call.at);
  }
}

function latencies(answered: Map<number, number>, arrived: Map<number, number>, fromId = 0) {
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
function alarmFor(world: BenchWorld, i: number): { topic: string; text: string } {
  const channel = world.channels[i % world.channels.length];
  const flip = Math.floor(i / world.channels.length) % 2 === 0;
  const text = alarmMessage({ name: `bench-${channel.channelId}`, state: flip ? "ALARM" : "OK" }).replace(
    /"NewStateReason":"[^"]*"/,
    `"NewStateReason":"bench-id-${i} threshold crossed"`,
  );
  return { topic: channel.topic, text };
}

function write(name: string, result: object): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `delivery-${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

// ── (a) latency ──────────────────────────────────────────────────────────────────────────────────

export interface LatencyResult {
  name: string;
  database: "sqlite";
  ratePerSecond: number;
  channels: number;
  workspaces: number;
  measuredSeconds: number;
  sent: number;
  failedSnsPosts: Record<string, number>;
  delivered: number;
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  targetP99Ms: number;
  rateLimited: number;
}

export async function benchDeliveryLatency(
  options: { rate?: number; warmupMs?: number; durationMs?: number } = {},
): Promise<LatencyResult> {
  const rate = options.rate ?? 200;
  const warmupMs = options.warmupMs ?? 5_000;
  const durationMs = options.durationMs ?? 60_000;
  // Block Kit validation in the fake would cost this process (the measuring one) CPU per message;
  // the end-to-end tests validate every block the worker sends.
  const world = await startWorld({
    workspaces: 20,
    channelsPerWorkspace: 10,
    fakeSlack: { validateBlocks: false },
  });
  try {
    const answered = new Map<number, number>();
    const load = await steadyLoad(world, rate, warmupMs + durationMs, (i) => alarmFor(world, i), answered);
    await sleep(3_000);
    const arrived = new Map<number, number>();
    arrivals(world.slack.calls("chat.postMessage"), arrived);
    const firstMeasured = Math.floor((warmupMs * rate) / 1000);
    const result: LatencyResult = {
      name: "delivery latency: SNS POST answered → chat.postMessage at Slack",
      database: "sqlite",
      ratePerSecond: rate,
      channels: world.channels.length,
      workspaces: 20,
      measuredSeconds: durationMs / 1000,
      sent: load.sent,
      failedSnsPosts: load.failed,
      delivered: arrived.size,
      ...latencies(answered, arrived, firstMeasured),
      targetP99Ms: 50,
      rateLimited: world.slack.calls("chat.postMessage").filter((call) => call.status === 429).length,
    };
    write("latency", result);
    return result;
  } finally {
    await world.stop();
  }
}

// ── (b) fan-out ──────────────────────────────────────────────────────────────────────────────────

export interface FanOutRun {
  workspacePacing: string;
  channels: number;
  delivered: number;
  distinctChannels: number;
  rejectedByFakeLimiter: number;
  firstPostMs: number;
  totalMs: number;
}

export interface FanOutResult {
  name: string;
  database: "sqlite";
  runs: FanOutRun[];
}

async function fanOutOnce(channels: number, env: Environment, pacing: string): Promise<FanOutRun> {
  const topic = topicArn("bench-fan-out");
  const world = await startWorld({
    workspaces: 1,
    channelsPerWorkspace: channels,
    sharedTopic: topic,
    fakeSlack: { postMessageLimit: { perSecond: 1 } },
    env,
  });
  try {
    const started = now();
    const status = await world.sns.publish(
      world.server.url,
      topic,
      "bench-id-0 one notification, many channels",
    );
    if (status !== 200) throw new Error(`SNS post answered ${status}`);
    const answeredAt = now();
    const deadline = answeredAt + 10 * 60_000;
    const ok = () => world.slack.calls("chat.postMessage").filter((call) => call.outcome === "ok");
    while (ok().length < channels && now() < deadline) await sleep(50);
    const posts = ok();
    return {
      workspacePacing: pacing,
      channels,
      delivered: posts.length,
      distinctChannels: new Set(posts.map((call) => String(call.args.channel))).size,
      rejectedByFakeLimiter: world.slack.rejectedCount(),
      firstPostMs: round(Math.min(...posts.map((call) => call.at)) - answeredAt),
      totalMs: round(Math.max(...posts.map((call) => call.at)) - started),
    };
  } finally {
    await world.stop();
  }
}

export async function benchDeliveryFanOut(options: { channels?: number } = {}): Promise<FanOutResult> {
  const channels = options.channels ?? 1_000;
  const runs = [
    await fanOutOnce(channels, {}, "default (10 messages/s per workspace, burst 30)"),
    await fanOutOnce(
      channels,
      { DELIVERY_WORKSPACE_PER_SECOND: "100000", DELIVERY_WORKSPACE_BURST: "100000" },
      "lifted (per-channel limits only)",
    ),
  ];
  const result: FanOutResult = {
    name: "fan-out: one notification to 1,000 channels of one workspace",
    database: "sqlite",
    runs,
  };
  write("fan-out", result);
  return result;
}

// ── (c) soak ─────────────────────────────────────────────────────────────────────────────────────

export interface SoakResult {
  name: string;
  database: "sqlite";
  ratePerSecond: number;
  durationSeconds: number;
  channels: number;
  workspaces: number;
  sent: number;
  failedSnsPosts: Record<string, number>;
  delivered: number;
  pendingAtEnd: number;
  latency: { p50Ms: number; p99Ms: number; maxMs: number };
  rssMb: { start: number; end: number; max: number };
  secondHalfSlopeMbPerMinute: number;
  upwardTrend: boolean;
  /** What the server logged at warn and above, by message. */
  serverWarnings: Record<string, number>;
  rssSamples: { second: number; rssMb: number }[];
}

function warningsOf(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    let message = line.slice(0, 120);
    try {
      message = String((JSON.parse(line) as { msg?: unknown }).msg ?? message);
    } catch {
      // not a pino line (a Node warning): counted as is
    }
    counts[message] = (counts[message] ?? 0) + 1;
  }
  return counts;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return round(kb / 1024);
}

function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

export async function benchDeliverySoak(
  options: { rate?: number; durationMs?: number } = {},
): Promise<SoakResult> {
  const rate = options.rate ?? 500;
  const durationMs = options.durationMs ?? 10 * 60_000;
  const world = await startWorld({
    workspaces: 100,
    channelsPerWorkspace: 10,
    fakeSlack: { validateBlocks: false },
  });
  try {
    const answered = new Map<number, number>();
    const arrived = new Map<number, number>();
    const samples: SoakResult["rssSamples"] = [];
    const started = now();
    const sampler = setInterval(() => {
      samples.push({ second: Math.round((now() - started) / 1000), rssMb: rssMb(world.server.pid) });
    }, 1_000);
    // The fake keeps every call and message; harvest arrivals and forget them every 10 s.
    let lastHarvest = now();
    const harvest = () => {
      if (now() - lastHarvest < 10_000) return;
      lastHarvest = now();
      arrivals(world.slack.calls("chat.postMessage"), arrived);
      world.slack.reset();
    };
    const load = await steadyLoad(world, rate, durationMs, (i) => alarmFor(world, i), answered, harvest);
    await sleep(5_000);
    clearInterval(sampler);
    arrivals(world.slack.calls("chat.postMessage"), arrived);
    const pendingAtEnd = await world.db.prisma.delivery.count({
      where: { status: { in: ["pending", "held"] } },
    });
    const half = samples.filter((s) => s.second >= durationMs / 2000 && s.second <= durationMs / 1000);
    const perSecond = slope(half.map((s) => ({ x: s.second, y: s.rssMb })));
    const { p50Ms, p99Ms, maxMs } = latencies(answered, arrived, Math.floor(rate * 5));
    const result: SoakResult = {
      name: "soak: 10 minutes at 500 notifications/s, server RSS every second",
      database: "sqlite",
      ratePerSecond: rate,
      durationSeconds: durationMs / 1000,
      channels: world.channels.length,
      workspaces: 100,
      sent: load.sent,
      failedSnsPosts: load.failed,
      delivered: arrived.size,
      pendingAtEnd,
      latency: { p50Ms, p99Ms, maxMs },
      rssMb: {
        start: samples[0]?.rssMb ?? Number.NaN,
        end: samples[samples.length - 1]?.rssMb ?? Number.NaN,
        max: Math.max(...samples.map((s) => s.rssMb)),
      },
      secondHalfSlopeMbPerMinute: round(perSecond * 60, 3),
      // Less than 1 MB/min over the second half is noise for a V8 heap of this size.
      upwardTrend: perSecond * 60 >= 1,
      serverWarnings: warningsOf(world.server.output()),
      rssSamples: samples,
    };
    write("soak", result);
    return result;
  } finally {
    await world.stop();
  }
}

// ── command line ─────────────────────────────────────────────────────────────────────────────────

const BENCHES: Record<string, () => Promise<object>> = {
  a: benchDeliveryLatency,
  b: benchDeliveryFanOut,
  c: benchDeliverySoak,
};

async function main(args: string[]): Promise<void> {
  const chosen = args.length === 0 ? Object.keys(BENCHES) : args;
  for (const name of chosen) {
    const bench = BENCHES[name];
    if (bench === undefined) throw new Error(`unknown benchmark "${name}": use a, b or c`);
    const result = await bench();
    const { rssSamples: _samples, ...printable } = result as { rssSamples?: unknown };
    process.stdout.write(`${JSON.stringify(printable, null, 2)}\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
