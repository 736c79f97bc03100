/**
 * `npm run bench`: every benchmark in BENCHMARKS, one after the other (they would disturb each
 * other's timings if run together), a table on stdout, and each result as JSON in bench/results/.
 * A benchmark that throws (e.g. the ingest one when a 200 was not stored) fails the run; a figure
 * below its target is reported, not fatal: timings on shared machines are noisy.
 *
 *   npm run bench                 all of them
 *   npm run bench -- ingest       only those whose name contains "ingest"
 */

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { probePostgres, TEST_POSTGRES_URL } from "../test/support/postgres-probe";
import { benchDeliveryFanOut, benchDeliveryLatency, benchDeliverySoak } from "./delivery";
import { benchDeliveryReplicas } from "./delivery-replicas";
import { benchStormAcrossChannels, benchStormOneChannel, stormMet } from "./delivery-storm";
import { benchIngest, type IngestBenchResult } from "./ingest";
import { benchIngestFilters, type IngestFiltersBenchResult } from "./ingest-filters";
import { benchRender } from "./render";
import { benchRetentionSoak } from "./retention-soak";

/** One line of the printed table. */
export interface BenchmarkRow {
  figure: string;
  value: string;
  /** e.g. "≥ 0.35"; empty when the figure has no target. */
  target?: string;
  met?: boolean;
}

export interface BenchmarkOutcome {
  rows: BenchmarkRow[];
  /** Written to bench/results/<name>.json unless the benchmark writes its own file (leave undefined). */
  json?: unknown;
}

export interface NamedBenchmark {
  /** Unique, kebab-case: also the results file name. */
  name: string;
  /** Resolves true, or the reason to skip it (printed in the table), e.g. PostgreSQL not answering. */
  available?: () => Promise<true | string>;
  run(): Promise<BenchmarkOutcome>;
}

const RESULTS_DIR = path.resolve(__dirname, "results");
const postgresAnswers = async (): Promise<true | string> =>
  (await probePostgres(TEST_POSTGRES_URL)) || `PostgreSQL does not answer at ${TEST_POSTGRES_URL}`;

function ingestRows(result: IngestBenchResult): BenchmarkRow[] {
  const { server, baseline } = result;
  return [
    { figure: "stored req/s (POST /sns/events)", value: server.requestsPerSecond.toLocaleString("en-US") },
    {
      figure: "baseline req/s (read + JSON.parse)",
      value: baseline.requestsPerSecond.toLocaleString("en-US"),
    },
    {
      figure: "ratio",
      value: String(result.ratio),
      target: `≥ ${result.target.ratio}`,
      met: result.target.met,
    },
    { figure: "latency p50 / p99", value: `${server.latencyMs.p50} / ${server.latencyMs.p99} ms` },
    { figure: "server peak RSS", value: `${server.peakRssMb} MiB` },
    {
      figure: "200s stored",
      value: `${result.stored.messages} messages, ${result.stored.deliveries} deliveries / ${result.stored.answered200} 200s`,
      target: "all",
      met: result.stored.everyAnswered200Stored,
    },
  ];
}

function ingestFiltersRows(result: IngestFiltersBenchResult): BenchmarkRow[] {
  return [
    {
      figure: `req/s with ${result.configurationsPerTopic} filtered / unfiltered configurations (both start orders)`,
      value: String(result.ratio),
      target: `≥ ${result.target.ratio}`,
      met: result.target.met,
    },
  ];
}

/**
 * The benchmarks, in the order they run. To add one, add an entry, e.g. for the delivery ones:
 *   { name: "…", run: async () => ({ rows: [...], json: await benchSomething() }) },
 */
export const BENCHMARKS: NamedBenchmark[] = [
  {
    name: "render",
    async run() {
      const result = await benchRender();
      return {
        json: result,
        rows: [
          {
            figure: result.name,
            value: `${result.rendersPerSecond.toLocaleString("en-US")} renders/s`,
            target: "≥ 20,000",
            met: result.rendersPerSecond >= 20_000,
          },
          {
            figure: "the same per CPU-second (one core, whatever else runs)",
            value: `${result.rendersPerCpuSecond.toLocaleString("en-US")} renders/s`,
            target: "≥ 20,000",
            met: result.rendersPerCpuSecond >= 20_000,
          },
        ],
      };
    },
  },
  {
    name: "ingest-sqlite",
    run: async () => ({ rows: ingestRows(await benchIngest({ database: "sqlite" })) }),
  },
  {
    name: "ingest-postgres",
    available: postgresAnswers,
    run: async () => ({ rows: ingestRows(await benchIngest({ database: "postgres" })) }),
  },
  {
    name: "ingest-filters-sqlite",
    run: async () => ({ rows: ingestFiltersRows(await benchIngestFilters({ database: "sqlite" })) }),
  },
  {
    name: "ingest-filters-postgres",
    available: postgresAnswers,
    run: async () => ({ rows: ingestFiltersRows(await benchIngestFilters({ database: "postgres" })) }),
  },
  {
    name: "delivery-latency",
    async run() {
      const result = await benchDeliveryLatency();
      return {
        json: result,
        rows: [
          {
            figure: `SNS answered → chat.postMessage, ${result.ratePerSecond}/s over ${result.channels} channels`,
            value: `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${result.delivered}/${result.sent} delivered)`,
            target: `p99 ≤ ${result.targetP99Ms} ms`,
            met: result.p99Ms <= result.targetP99Ms && result.delivered === result.sent,
          },
        ],
      };
    },
  },
  {
    name: "delivery-fan-out",
    async run() {
      const result = await benchDeliveryFanOut();
      return {
        json: result,
        rows: result.runs.map((run) => ({
          figure: `1 notification → ${run.channels} channels (${run.workspacePacing})`,
          value: `${run.delivered} delivered, ${run.rejectedByFakeLimiter} rejected, ${Math.round(run.totalMs)} ms`,
          target: "all delivered, none rejected",
          met: run.delivered === run.channels && run.rejectedByFakeLimiter === 0,
        })),
      };
    },
  },
  ...(["across", "one"] as const).map(
    (which): NamedBenchmark => ({
      name: `delivery-storm-${which}`,
      async run() {
        const result = which === "across" ? await benchStormAcrossChannels() : await benchStormOneChannel();
        const { p50Ms, p99Ms, maxMs } = result.timeToVisible;
        const calls = Object.entries(result.slackCalls)
          .filter(([call]) => call.startsWith("chat."))
          .map(([call, count]) => `${count} ${call}`)
          .join(", ");
        return {
          json: result,
          rows: [
            {
              figure: `${result.name}: time to visible p50 / p99 / max`,
              value: `${Math.round(p50Ms)} / ${Math.round(p99Ms)} / ${Math.round(maxMs)} ms (${result.visible}/${result.sent} visible; ${calls}; ${result.rejectedByFakeLimiter} × 429)`,
              target: "all ≤ 20 s, no 429",
              met: stormMet(result),
            },
          ],
        };
      },
    }),
  ),
  {
    name: "delivery-soak",
    async run() {
      const result = await benchDeliverySoak();
      return {
        json: result,
        rows: [
          {
            figure: `${result.durationSeconds} s at ${result.ratePerSecond}/s: RSS start / end / max`,
            value: `${result.rssMb.start} / ${result.rssMb.end} / ${result.rssMb.max} MB, slope ${result.secondHalfSlopeMbPerMinute} MB/min`,
            target: "no upward trend",
            met: !result.upwardTrend,
          },
        ],
      };
    },
  },
  {
    name: "retention-soak",
    async run() {
      // Writes bench/results/retention-soak.json itself.
      const result = await benchRetentionSoak();
      return {
        rows: [
          {
            figure: `${result.durationSeconds} s at ${result.achievedRatePerSecond}/s, RETENTION=${result.retention}: database MB at 2 min / half / end`,
            value: `${result.databaseMb.atTwoMinutes} / ${result.databaseMb.atHalf} / ${result.databaseMb.end}; last-half growth ${result.databaseGrowth.ratio} × the first 2 min`,
            target: "< 0.1 (levels off)",
            met: result.levelledOff,
          },
        ],
      };
    },
  },
  {
    name: "delivery-replicas",
    available: postgresAnswers,
    async run() {
      const result = await benchDeliveryReplicas();
      const limit = result.setting.perSecond + result.setting.burst;
      return {
        json: result,
        rows: result.runs.map((run) => ({
          figure: `${run.replicas} replica(s), ${run.posts} posts, one workspace at ${result.setting.perSecond}/s burst ${result.setting.burst}`,
          value: `max ${run.maxInAnySecond} in a second, ${run.sustainedPerSecond}/s sustained, ${run.rateLimited} 429s, ${run.orderViolations} out of order`,
          target: `≤ ${limit} in a second, 0 out of order`,
          met: run.maxInAnySecond <= limit && run.orderViolations === 0 && run.rateLimited === 0,
        })),
      };
    },
  },
];

function printTable(lines: Array<{ benchmark: string } & BenchmarkRow>): void {
  const cells = lines.map((line) => [
    line.benchmark,
    line.figure,
    line.value,
    line.target === undefined ? "" : `${line.target} ${line.met ? "met" : "NOT met"}`,
  ]);
  const header = ["benchmark", "figure", "value", "target"];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  process.stdout.write(`\n${format(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const row of cells) process.stdout.write(`${format(row)}\n`);
}

async function main(): Promise<void> {
  const filter = process.argv[2];
  const selected = BENCHMARKS.filter((benchmark) => filter === undefined || benchmark.name.includes(filter));
  const lines: Array<{ benchmark: string } & BenchmarkRow> = [];
  const failures: string[] = [];
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const benchmark of selected) {
    const availability = (await benchmark.available?.()) ?? true;
    if (availability !== true) {
      lines.push({ benchmark: benchmark.name, figure: "skipped", value: availability });
      continue;
    }
    process.stderr.write(`bench: ${benchmark.name}…\n`);
    try {
      const outcome = await benchmark.run();
      if (outcome.json !== undefined) {
        writeFileSync(
          path.join(RESULTS_DIR, `${benchmark.name}.json`),
          `${JSON.stringify(outcome.json, null, 2)}\n`,
        );
      }
      for (const row of outcome.rows) lines.push({ benchmark: benchmark.name, ...row });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      failures.push(`${benchmark.name}: ${reason}`);
      lines.push({ benchmark: benchmark.name, figure: "FAILED", value: reason.split("\n")[0] });
    }
  }
  printTable(lines);
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.join("\n")}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
