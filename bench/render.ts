import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { renderNotification as RenderNotification, SnsNotificationEnvelope } from "../src/notifications";

const { buildIfNeeded } = require("../bin/build-if-needed.js") as { buildIfNeeded(): void };

/**
 * Rendering throughput: classify + format + Slack + Chime over the whole SNS fixture corpus
 * (test/fixtures: sns-shared, sns-public and sns, all inside the repository), repeated for about
 * three seconds on one core. Target ≥ 20,000 renders/s. On a shared machine the wall-clock figure is
 * the share of a core this process got; renders per CPU-second (user + system time of this
 * single-threaded loop) is what one core does, and moves far less with the machine's load.
 *
 * It times the renderer the server runs: tsc's output in dist/ (built first if src/ changed), not
 * src/ through tsx, whose esbuild transform adds a `__name` call to every closure it creates (≈ 3 %
 * of a render).
 */

/** dist/notifications, compiled from src/ if it is missing or older. */
function compiledRenderer(): typeof RenderNotification {
  buildIfNeeded();
  return (
    require(path.resolve(__dirname, "..", "dist", "notifications")) as {
      renderNotification: typeof RenderNotification;
    }
  ).renderNotification;
}

export interface BenchResult {
  name: string;
  rendersPerSecond: number;
  /** Renders per second of this process's CPU time: one core's throughput, whatever else runs. */
  rendersPerCpuSecond: number;
  iterations: number;
}

const FIXTURES = path.resolve(__dirname, "..", "test", "fixtures");
const FIXTURE_DIRS = ["sns-shared", "sns-public", "sns"].map((dir) => path.join(FIXTURES, dir));

function loadEnvelopes(): SnsNotificationEnvelope[] {
  return FIXTURE_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map(
        (file) =>
          (JSON.parse(readFileSync(path.join(dir, file), "utf8")) as { envelope: SnsNotificationEnvelope })
            .envelope,
      ),
  );
}

export async function benchRender(durationMs = 3000): Promise<BenchResult> {
  const renderNotification = compiledRenderer();
  const envelopes = loadEnvelopes();
  // Warm up so the JIT has compiled the hot paths before timing.
  for (let i = 0; i < 20; i++) for (const envelope of envelopes) renderNotification(envelope);
  let iterations = 0;
  let sink = 0;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (const envelope of envelopes) sink += renderNotification(envelope).webhook.Content.length;
    iterations += envelopes.length;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (sink === 0) throw new Error("renderer produced nothing");
  return {
    name: `render: classify + Slack + Chime over ${envelopes.length} SNS fixtures`,
    rendersPerSecond: Math.round(iterations / seconds),
    rendersPerCpuSecond: Math.round(iterations / cpuSeconds),
    iterations,
  };
}

if (require.main === module) {
  benchRender().then(
    (result) => {
      process.stdout.write(
        `${result.name}: ${result.rendersPerSecond.toLocaleString("en-US")} renders/s, ${result.rendersPerCpuSecond.toLocaleString("en-US")} per CPU-second (${result.iterations} renders)\n`,
      );
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
