/**
 * Retention soak: the real server (child process, SQLite) with `RETENTION=2m` under a steady load
 * of alarms (200 notifications/s over 200 channels in 40 workspaces, under Slack's limits), for 10
 * minutes; every 10 s the server's RSS, the database file (+ WAL) and the rows of each pruned table.
 *
 * The baseline is the same run's first two minutes, when nothing is old enough to prune: the size
 * grows then as it would forever without retention. "Levelled off" compares the growth over the
 * last half of the run with that baseline (ratio < 0.1).
 *
 *   npx tsx bench/retention-soak.ts [minutes] [rate] [retention]
 * Writes bench/results/retention-soak.json and returns the same object.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  alarmFor,
  arrivals,
  type BenchWorld,
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
} from "./delivery-world";

export interface RetentionSample {
  second: number;
  rssMb: number;
  /** The database file and its WAL, in MiB. */
  databaseMb: number;
  walMb: number;
  messages: number;
  deliveries: number;
  alarmThreads: number;
  /** Free pages inside the file (reused by new rows; SQLite's auto_vacuum is NONE by default). */
  freelistPages: number;
}

export interface RetentionSoakResult {
  name: string;
  database: "sqlite";
  retention: string;
  ratePerSecond: number;
  durationSeconds: number;
  channels: number;
  workspaces: number;
  sent: number;
  loadSeconds: number;
  achievedRatePerSecond: number;
  failedSnsPosts: Record<string, number>;
  delivered: number;
  latency: { p50Ms: number; p99Ms: number; maxMs: number };
  serverCpuPercent: number;
  /** MiB per minute: the first two minutes (nothing prunable yet: the baseline) and the last half. */
  databaseGrowth: { baselineMbPerMinute: number; lastHalfMbPerMinute: number; ratio: number };
  databaseMb: { atTwoMinutes: number; atHalf: number; end: number; max: number };
  rssMb: { start: number; end: number; max: number; lastHalfMbPerMinute: number };
  levelledOff: boolean;
  /** Summed from the server's "retention deleted N rows" lines. */
  retentionRuns: number;
  pruned: Record<string, number>;
  /** What else the server logged, by message (the per-delivery info line left out). */
  serverLog: Record<string, number>;
  samples: RetentionSample[];
}

const MiB = 1024 * 1024;
const fileMb = (file: string) => {
  try {
    return statSync(file).size / MiB;
  } catch {
    return 0;
  }
};

async function sample(world: BenchWorld, second: number): Promise<RetentionSample> {
  const prisma = world.db.prisma;
  const [freelist] = await prisma.$queryRawUnsafe<Array<{ freelist_count: bigint }>>("PRAGMA freelist_count");
  return {
    second,
    rssMb: rssMb(world.server.pid),
    databaseMb: round(fileMb(world.databaseFile), 2),
    walMb: round(fileMb(`${world.databaseFile}-wal`), 2),
    messages: await prisma.message.count(),
    deliveries: await prisma.delivery.count(),
    alarmThreads: await prisma.alarmThread.count(),
    freelistPages: Number(freelist?.freelist_count ?? 0),
  };
}

/** Runs and counts of the server's retention log lines. */
function retentionLog(output: string): { runs: number; pruned: Record<string, number> } {
  const pruned: Record<string, number> = {};
  let runs = 0;
  for (const line of output.split("\n")) {
    if (!line.includes("retention deleted")) continue;
    try {
      const entry = JSON.parse(line) as { pruned?: Record<string, number> };
      runs++;
      for (const [table, n] of Object.entries(entry.pruned ?? {})) pruned[table] = (pruned[table] ?? 0) + n;
    } catch {
      // not a pino line
    }
  }
  return { runs, pruned };
}

export async function benchRetentionSoak(
  options: { rate?: number; durationMs?: number; retention?: string } = {},
): Promise<RetentionSoakResult> {
  const rate = options.rate ?? 200;
  const durationMs = options.durationMs ?? 10 * 60_000;
  const retention = options.retention ?? "2m";
  const workspaces = 40;
  const world = await startWorld({
    workspaces,
    channelsPerWorkspace: 5,
    fakeSlack: { validateBlocks: false },
    env: { RETENTION: retention },
  });
  try {
    const answered = new Map<number, number>();
    const arrived = new Map<number, number>();
    const samples: RetentionSample[] = [];
    const started = now();
    let sampling = Promise.resolve();
    const sampler = setInterval(() => {
      const second = Math.round((now() - started) / 1000);
      sampling = sampling.then(async () => {
        samples.push(await sample(world, second));
      });
    }, 10_000);
    samples.push(await sample(world, 0));
    let lastHarvest = now();
    // The fake keeps every call: harvest arrivals and forget the calls every 10 s (messages stay, as
    // in Slack: forgetting them made every later thread or digest update a message_not_found).
    const harvest = () => {
      if (now() - lastHarvest < 10_000) return;
      lastHarvest = now();
      arrivals(world.slack.calls("chat.postMessage"), arrived);
      world.slack.forgetCalls();
    };
    const cpuBefore = cpuSeconds(world.server.pid);
    const load = await steadyLoad(
      world,
      rate,
      durationMs,
      (i) => alarmFor(world, i),
      answered,
      harvest,
      true,
    );
    const serverCpuPercent = round(((cpuSeconds(world.server.pid) - cpuBefore) / load.seconds) * 100);
    clearInterval(sampler);
    await sampling;
    await sleep(2_000);
    arrivals(world.slack.calls("chat.postMessage"), arrived);
    const result = summarise(samples, {
      rate,
      durationMs,
      retention,
      workspaces,
      world,
      load,
      serverCpuPercent,
      delivered: arrived.size,
      latency: latencies(answered, arrived, Math.floor(rate * 5)),
    });
    mkdirSync(path.resolve(__dirname, "results"), { recursive: true });
    writeFileSync(
      path.resolve(__dirname, "results", "retention-soak.json"),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    return result;
  } finally {
    await world.stop();
  }
}

function summarise(
  samples: RetentionSample[],
  run: {
    rate: number;
    durationMs: number;
    retention: string;
    workspaces: number;
    world: BenchWorld;
    load: { sent: number; failed: Record<string, number>; seconds: number };
    serverCpuPercent: number;
    delivered: number;
    latency: { p50Ms: number; p99Ms: number; maxMs: number };
  },
): RetentionSoakResult {
  const size = (s: RetentionSample) => s.databaseMb + s.walMb;
  const perMinute = (points: RetentionSample[], y: (s: RetentionSample) => number) =>
    round(slope(points.map((s) => ({ x: s.second, y: y(s) }))) * 60, 3);
  const half = run.load.seconds / 2;
  const baseline = perMinute(
    samples.filter((s) => s.second <= 120),
    size,
  );
  const lastHalf = samples.filter((s) => s.second >= half);
  const lastHalfGrowth = perMinute(lastHalf, size);
  const ratio = baseline > 0 ? round(lastHalfGrowth / baseline, 3) : Number.NaN;
  const at = (second: number) =>
    round(
      size(
        samples.reduce((best, s) =>
          Math.abs(s.second - second) < Math.abs(best.second - second) ? s : best,
        ),
      ),
      2,
    );
  const output = run.world.server.output();
  const log = retentionLog(output);
  return {
    name: `retention soak: ${run.durationMs / 60_000} minutes at ${run.rate} notifications/s, RETENTION=${run.retention}`,
    database: "sqlite",
    retention: run.retention,
    ratePerSecond: run.rate,
    durationSeconds: run.durationMs / 1000,
    channels: run.world.channels.length,
    workspaces: run.workspaces,
    sent: run.load.sent,
    loadSeconds: run.load.seconds,
    achievedRatePerSecond: round(run.load.sent / run.load.seconds),
    failedSnsPosts: run.load.failed,
    delivered: run.delivered,
    latency: { p50Ms: run.latency.p50Ms, p99Ms: run.latency.p99Ms, maxMs: run.latency.maxMs },
    serverCpuPercent: run.serverCpuPercent,
    databaseGrowth: { baselineMbPerMinute: baseline, lastHalfMbPerMinute: lastHalfGrowth, ratio },
    databaseMb: {
      atTwoMinutes: at(120),
      atHalf: at(half),
      end: round(size(samples[samples.length - 1]), 2),
      max: round(Math.max(...samples.map(size)), 2),
    },
    rssMb: {
      start: samples[0]?.rssMb ?? Number.NaN,
      end: samples[samples.length - 1]?.rssMb ?? Number.NaN,
      max: Math.max(...samples.map((s) => s.rssMb)),
      lastHalfMbPerMinute: perMinute(lastHalf, (s) => s.rssMb),
    },
    levelledOff: Number.isFinite(ratio) && ratio < 0.1,
    retentionRuns: log.runs,
    pruned: log.pruned,
    serverLog: Object.fromEntries(
      Object.entries(logLinesOf(output)).filter(
        ([message]) => message !== "notification delivered" && !message.startsWith("retention deleted"),
      ),
    ),
    samples,
  };
}

if (require.main === module) {
  const minutes = Number(process.argv[2] ?? 10);
  const rate = Number(process.argv[3] ?? 200);
  const retention = process.argv[4] ?? "2m";
  benchRetentionSoak({ durationMs: minutes * 60_000, rate, retention }).then(
    (result) => {
      const { samples: _samples, ...printable } = result;
      process.stdout.write(`${JSON.stringify(printable, null, 2)}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
