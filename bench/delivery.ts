/**
 * Delivery benchmarks: the real server as a child process (dist/main.js on SQLite, as `npm start`
 * runs it), signed SNS posts from this process, the fake Slack on loopback in this process.
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
import type { Environment } from "../src/config";
import { topicArn } from "../test/delivery/world";
import {
  alarmFor,
  arrivals,
  cpuSeconds,
  latencies,
  logLinesOf,
  now,
  round,
  rssMb,
  sleep,
  slope,
  startWorld,
  steadyLoad,
  write,
} from "./delivery-world";

// ── (a) latency ──────────────────────────────────────────────────────────────────────────────────

export interface LatencyResult {
  name: string;
  database: "sqlite";
  ratePerSecond: number;
  channels: number;
  workspaces: number;
  measuredSeconds: number;
  sent: number;
  /** How long sending took (the generator falls behind when this machine is short of CPU). */
  loadSeconds: number;
  failedSnsPosts: Record<string, number>;
  delivered: number;
  samples: number;
  /** The server process's CPU over the load, in % of one core. */
  serverCpuPercent: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  targetP99Ms: number;
  rateLimited: number;
}

export async function benchDeliveryLatency(
  options: { rate?: number; warmupMs?: number; durationMs?: number; env?: Environment } = {},
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
    env: options.env,
  });
  try {
    const answered = new Map<number, number>();
    const cpuBefore = cpuSeconds(world.server.pid);
    const load = await steadyLoad(world, rate, warmupMs + durationMs, (i) => alarmFor(world, i), answered);
    const serverCpuPercent = round(((cpuSeconds(world.server.pid) - cpuBefore) / load.seconds) * 100);
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
      loadSeconds: load.seconds,
      failedSnsPosts: load.failed,
      delivered: arrived.size,
      ...latencies(answered, arrived, firstMeasured),
      serverCpuPercent,
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
  loadSeconds: number;
  achievedRatePerSecond: number;
  failedSnsPosts: Record<string, number>;
  delivered: number;
  pendingAtEnd: number;
  deliveriesByStatus: Record<string, number>;
  serverCpuPercent: number;
  latency: { p50Ms: number; p99Ms: number; maxMs: number };
  rssMb: { start: number; end: number; max: number };
  secondHalfSlopeMbPerMinute: number;
  upwardTrend: boolean;
  /** What the server logged (info and above), by message. */
  serverLog: Record<string, number>;
  rssSamples: { second: number; rssMb: number }[];
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
    const cpuBefore = cpuSeconds(world.server.pid);
    const load = await steadyLoad(world, rate, durationMs, (i) => alarmFor(world, i), answered, harvest);
    const serverCpuPercent = round(((cpuSeconds(world.server.pid) - cpuBefore) / load.seconds) * 100);
    await sleep(5_000);
    clearInterval(sampler);
    arrivals(world.slack.calls("chat.postMessage"), arrived);
    const byStatus = await world.db.prisma.delivery.groupBy({ by: ["status"], _count: { _all: true } });
    const deliveriesByStatus = Object.fromEntries(byStatus.map((group) => [group.status, group._count._all]));
    const pendingAtEnd = (deliveriesByStatus.pending ?? 0) + (deliveriesByStatus.held ?? 0);
    const half = samples.filter((s) => s.second >= load.seconds / 2 && s.second <= load.seconds);
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
      loadSeconds: load.seconds,
      achievedRatePerSecond: round(load.sent / load.seconds),
      failedSnsPosts: load.failed,
      delivered: arrived.size,
      pendingAtEnd,
      deliveriesByStatus,
      serverCpuPercent,
      latency: { p50Ms, p99Ms, maxMs },
      rssMb: {
        start: samples[0]?.rssMb ?? Number.NaN,
        end: samples[samples.length - 1]?.rssMb ?? Number.NaN,
        max: Math.max(...samples.map((s) => s.rssMb)),
      },
      secondHalfSlopeMbPerMinute: round(perSecond * 60, 3),
      // Less than 1 MB/min over the second half is noise for a V8 heap of this size.
      upwardTrend: perSecond * 60 >= 1,
      serverLog: logLinesOf(world.server.output()),
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
