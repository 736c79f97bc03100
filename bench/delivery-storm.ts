/**
 * Storm benchmarks (issue 14): the real server as a child process (SQLite), signed SNS posts, the
 * fake Slack enforcing 1 chat.postMessage/s per channel (burst 3) with 429 + Retry-After.
 *
 *   across   1,000 notifications to 50 channels of one workspace within 10 s
 *   one      300 notifications to one channel within 10 s
 *
 * Time to visible: from the SNS POST answered to the first Slack call (chat.postMessage or
 * chat.update) whose blocks show the notification — its own message or its digest line. Target:
 * every notification within 20 s, and no 429 answered to us.
 *
 *   npx tsx bench/delivery-storm.ts [across|one|baseline]   (baseline: across with digests off)
 */
import type { Environment } from "../src/config";
import type { RecordedCall } from "../test/support/fake-slack";
import { latencies, now, round, sleep, startWorld, steadyLoad, write } from "./delivery-world";

export interface StormResult {
  name: string;
  database: "sqlite";
  channels: number;
  sent: number;
  loadSeconds: number;
  failedSnsPosts: Record<string, number>;
  visible: number;
  timeToVisible: { p50Ms: number; p99Ms: number; maxMs: number };
  targetMaxMs: number;
  slackCalls: Record<string, number>;
  rejectedByFakeLimiter: number;
  digestsPosted: number;
}

const ID = /bench-id-(\d+)\b/g;

/** First time each notification was shown by a successful chat.postMessage or chat.update. */
function visibleAt(calls: RecordedCall[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const call of calls) {
    if (call.outcome !== "ok") continue;
    if (call.method !== "chat.postMessage" && call.method !== "chat.update") continue;
    for (const match of JSON.stringify(call.args.blocks ?? call.args.text).matchAll(ID)) {
      const id = Number(match[1]);
      if (!seen.has(id)) seen.set(id, call.at);
    }
  }
  return seen;
}

async function storm(
  name: string,
  channels: number,
  total: number,
  seconds: number,
  env: Environment = {},
): Promise<StormResult> {
  const world = await startWorld({
    workspaces: 1,
    channelsPerWorkspace: channels,
    fakeSlack: { postMessageLimit: { perSecond: 1, burst: 3 } },
    env,
  });
  try {
    const answered = new Map<number, number>();
    const load = await steadyLoad(
      world,
      total / seconds,
      seconds * 1000,
      (i) => ({ topic: world.channels[i % channels].topic, text: `bench-id-${i} storm notification` }),
      answered,
    );
    const deadline = now() + 400_000;
    while (now() < deadline && visibleAt(world.slack.calls()).size < load.sent) await sleep(250);
    const calls = world.slack.calls();
    const seen = visibleAt(calls);
    const { p50Ms, p99Ms, maxMs } = latencies(answered, seen);
    const slackCalls: Record<string, number> = {};
    for (const call of calls)
      slackCalls[`${call.method} ${call.outcome}`] = (slackCalls[`${call.method} ${call.outcome}`] ?? 0) + 1;
    return {
      name,
      database: "sqlite",
      channels,
      sent: load.sent,
      loadSeconds: load.seconds,
      failedSnsPosts: load.failed,
      visible: seen.size,
      timeToVisible: { p50Ms: round(p50Ms), p99Ms: round(p99Ms), maxMs: round(maxMs) },
      targetMaxMs: 20_000,
      slackCalls,
      rejectedByFakeLimiter: world.slack.rejectedCount(),
      digestsPosted: calls.filter(
        (call) =>
          call.method === "chat.postMessage" &&
          call.outcome === "ok" &&
          JSON.stringify(call.args.blocks).includes("⚡"),
      ).length,
    };
  } finally {
    await world.stop();
  }
}

export async function benchStormAcrossChannels(): Promise<StormResult> {
  const result = await storm(
    "storm across channels: 1,000 notifications to 50 channels in 10 s",
    50,
    1_000,
    10,
  );
  write("storm-across", result);
  return result;
}

export async function benchStormOneChannel(): Promise<StormResult> {
  const result = await storm("storm in one channel: 300 notifications in 10 s", 1, 300, 10);
  write("storm-one", result);
  return result;
}

/** The same storm across channels with digests off: the baseline (one post per notification). */
export async function benchStormAcrossChannelsWithoutDigests(): Promise<StormResult> {
  const result = await storm(
    "baseline, digests off: 1,000 notifications to 50 channels in 10 s",
    50,
    1_000,
    10,
    { DELIVERY_DIGEST_THRESHOLD: "0" },
  );
  write("storm-across-baseline", result);
  return result;
}

export function stormMet(result: StormResult): boolean {
  return (
    result.visible === result.sent &&
    result.timeToVisible.maxMs <= result.targetMaxMs &&
    result.rejectedByFakeLimiter === 0
  );
}

if (require.main === module) {
  const chosen = process.argv.slice(2);
  const run = async () => {
    for (const which of chosen.length === 0 ? ["across", "one"] : chosen) {
      const result =
        which === "one"
          ? await benchStormOneChannel()
          : which === "baseline"
            ? await benchStormAcrossChannelsWithoutDigests()
            : await benchStormAcrossChannels();
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
  };
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
