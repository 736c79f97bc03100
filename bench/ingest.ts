/**
 * Ingest benchmark: signed SNS Notifications POSTed to /sns/events of the real server, running as a
 * child process (`node dist/main.js` as `npm start` runs it, migrations and delivery worker included), by
 * autocannon in this process over 50 keep-alive connections, in three 5 s rounds. Every request is a distinct,
 * genuinely signed message (a new MessageId), verified against a certificate served from loopback
 * (SNS_CERT_URL_PATTERN points at it; the server fetches it once and caches it), and stored with one
 * delivery row (one configuration wants the topic) before the 200.
 *
 * The same bodies, on the same machine and in the same run, go to a bare Node http server that only
 * reads and JSON.parses them, 5 s before each server round: the ratio of the two throughputs is the
 * figure to watch (target ≥ 0.35 on SQLite, ≥ 0.25 on PostgreSQL), reported for the median round. Afterwards the rows are counted: every 200 must be a stored message, or the bench fails.
 *
 *   npx tsx bench/ingest.ts [sqlite|postgres] [--replicas N]   (without a database: SQLite, and
 *   PostgreSQL if it answers; --replicas: N servers on the one database, their throughput summed)
 *
 * Writes bench/results/ingest-<database>.json and returns the same object.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { addTopicToConfiguration, createSlackConfiguration } from "../src/configurations/configuration-store";
import { openDatabase } from "../src/db/database";
import { migrateDatabase } from "../src/db/migrate";
import { createLogger } from "../src/logger";
import { createTestDatabase, type TestDatabaseKind } from "../test/support/databases";
import { SLACK_IDS, startFakeSlack } from "../test/support/fake-slack";
import { type FakeSns, startFakeSns } from "../test/support/fake-sns";
import { probePostgres, TEST_POSTGRES_URL } from "../test/support/postgres-probe";
import { formatLikeSns, makeNotification, signEnvelope } from "../test/support/sns-signing";
import { type LoadResult, runLoad } from "./support/load";
import {
  type ChatbotServerProcess,
  peakRssMb,
  startBaselineServer,
  startChatbotServer,
} from "./support/processes";

export interface IngestBenchOptions {
  database?: TestDatabaseKind;
  /** Measured load per round, on each server. Default 5 s. */
  durationSeconds?: number;
  /** Alternating rounds (baseline, then server); the median round's ratio is reported. Default 3. */
  rounds?: number;
  /** Load before measuring, on each server (JIT, connection pools, the certificate fetch). Default 2 s. */
  warmupSeconds?: number;
  /** Concurrent keep-alive connections. Default 50. */
  connections?: number;
  /** Configurations wanting the topic: deliveries stored per message. Default 1. */
  configurations?: number;
  /** Node flags for the server process, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]. */
  serverNodeArgs?: string[];
  /**
   * Servers on the one database, loaded at once (the connections split between them); the server's
   * figure is their sum. Default 1. With more, results go to ingest-<database>-<n>-replicas.json.
   */
  replicas?: number;
  /** Write bench/results/ingest-<database>.json. Default true. */
  writeResults?: boolean;
  log?: (line: string) => void;
}

export interface IngestBenchResult {
  name: string;
  database: TestDatabaseKind;
  machine: { cpus: number; node: string; platform: string };
  connections: number;
  /** Servers on the one database; `server` figures are summed over them (latencies: the worst). */
  replicas: number;
  durationSeconds: number;
  configurationsPerTopic: number;
  averageBodyBytes: number;
  signatureVersion: "1";
  /** `shutdown`: whether SIGTERM after the run ended the server within 15 s ("clean") or not. */
  server: LoadFigures & { shutdown: "clean" | "killed" };
  baseline: LoadFigures;
  /** server / baseline requests per second of the median round (`server` and `baseline` are its figures). */
  ratio: number;
  /** Every round: the baseline, then the server, each for `durationSeconds`. */
  rounds: IngestRound[];
  target: { ratio: number; met: boolean };
  stored: {
    /** 200s answered by the server, warm-up included. */
    answered200: number;
    messages: number;
    deliveries: number;
    everyAnswered200Stored: boolean;
  };
}

export interface IngestRound {
  server: Omit<LoadResult, "next">;
  baseline: Omit<LoadResult, "next">;
  ratio: number;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** One side of the comparison, as autocannon measured it, plus the process's peak memory. */
export type LoadFigures = Omit<LoadResult, "next"> & { peakRssMb: number };

const RESULTS_DIR = path.resolve(__dirname, "results");
/** Issue 3's target on SQLite; issue 14's on PostgreSQL (a server in another process, WAL flushed). */
const TARGET_RATIO: Record<TestDatabaseKind, number> = { sqlite: 0.35, postgres: 0.25 };
export const SNS_HEADERS = {
  "content-type": "text/plain; charset=UTF-8",
  "user-agent": "Amazon Simple Notification Service Agent",
  "x-amz-sns-message-type": "Notification",
};
/** Answered 415 by the server (no envelope): what the last requests carry if the bodies run out. */
export const FILLER = "{}";

/** A real CloudWatch alarm as SNS delivers it (about 1 KiB of Message). */
const ALARM_MESSAGE = (
  JSON.parse(
    readFileSync(
      path.resolve(__dirname, "..", "test", "fixtures", "sns", "cw-alarm-no-subject.json"),
      "utf8",
    ),
  ) as { envelope: { Message: string } }
).envelope.Message;

/** Signed SNS bodies, each with a new MessageId: signing (≈0.25 ms each) happens before timing. */
export function signedBodies(sns: FakeSns, topicArn: string, count: number): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const envelope = makeNotification({
      topicArn,
      message: ALARM_MESSAGE,
      subject: 'ALARM: "api-cpu-high" in US East (N. Virginia)',
      unsubscribeUrl: `${sns.url}/?Action=Unsubscribe&SubscriptionArn=${topicArn}:bench`,
    });
    bodies.push(formatLikeSns(signEnvelope(envelope, { version: "1", certUrl: sns.certUrl })));
  }
  return bodies;
}

export async function benchIngest(options: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const kind = options.database ?? "sqlite";
  const durationSeconds = options.durationSeconds ?? 5;
  const rounds = options.rounds ?? 3;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const connections = options.connections ?? 50;
  const configurations = options.configurations ?? 1;
  const replicas = options.replicas ?? 1;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));

  const testDb = await createTestDatabase(kind);
  await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
  const db = await openDatabase(testDb.database);
  const slack = await startFakeSlack({ validateBlocks: false });
  const sns = await startFakeSns();
  // Run in order on the way out; servers are put in front while they run.
  const stops: Array<() => Promise<void>> = [
    () => db.close(),
    () => sns.close(),
    () => slack.close(),
    () => testDb.drop(),
  ];
  try {
    const { botToken } = slack.addWorkspace();
    const topicArn = sns.createTopic("bench-ingest");
    for (let i = 0; i < configurations; i++) {
      const configuration = await createSlackConfiguration(db.prisma, {
        teamId: SLACK_IDS.teamId,
        channelId: SLACK_IDS.channelId,
        name: `bench-ingest-${i}`,
      });
      await addTopicToConfiguration(db.prisma, configuration.id, { topicArn, region: "us-east-1" });
    }

    log(`ingest [${kind}]: signing bodies…`);
    const bodies = signedBodies(sns, topicArn, 20_000);
    const load = (url: string, from: number, seconds: number, whenExhausted: "cycle" | { filler: string }) =>
      runLoad({
        url,
        path: "/sns/events",
        headers: SNS_HEADERS,
        bodies,
        from,
        connections,
        durationSeconds: seconds,
        whenExhausted,
      });
    // Each replica sends its own bodies (never one twice), on its share of the connections, at once.
    const replicaBodies = Array.from({ length: replicas }, () =>
      replicas === 1 ? bodies : signedBodies(sns, topicArn, 20_000),
    );
    const loadServers = async (from: number[], seconds: number): Promise<LoadResult[]> =>
      Promise.all(
        servers.map((replica, i) =>
          runLoad({
            url: replica.url,
            path: "/sns/events",
            headers: SNS_HEADERS,
            bodies: replicaBodies[i],
            from: from[i],
            connections: Math.ceil(connections / replicas),
            durationSeconds: seconds,
            whenExhausted: { filler: FILLER },
          }),
        ),
      );

    // Both servers run side by side (the idle one costs nothing) and are measured in alternating
    // rounds: this machine's speed drifts by a factor of two within minutes, and each round's ratio
    // compares two measurements taken seconds apart. The median round is the reported figure.
    log(`ingest [${kind}]: starting the baseline (read + JSON.parse) and the server (verify + store)…`);
    const baselineServer = await startBaselineServer();
    stops.unshift(() => baselineServer.stop());
    const encryptionKey = randomBytes(32).toString("base64");
    const servers: ChatbotServerProcess[] = [];
    for (let i = 0; i < replicas; i++) {
      const replica = await startChatbotServer({
        nodeArgs: options.serverNodeArgs,
        env: {
          DATABASE_URL: testDb.url,
          ENCRYPTION_KEY: encryptionKey,
          SLACK_BOT_TOKEN: botToken,
          SLACK_API_URL: slack.url,
          SNS_CERT_URL_PATTERN: sns.certUrlPattern.source,
          AWS_ENDPOINT_URL_SNS: sns.url,
          LOG_LEVEL: "info",
        },
      });
      servers.push(replica);
      stops.unshift(() => replica.stop());
    }
    const server = servers[0];
    log(`ingest [${kind}]: warm-up, ${warmupSeconds} s each…`);
    await load(baselineServer.url, 0, warmupSeconds, "cycle");
    const warmups = await loadServers(
      servers.map(() => 0),
      warmupSeconds,
    );
    const warmup = combined(warmups);
    // The warm-up's rate tells how many distinct bodies the measured rounds need (with room to
    // spare; should they still run out, a round stops early and says so).
    for (const [i, replicaWarmup] of warmups.entries()) {
      const own = replicaBodies[i];
      const needed =
        replicaWarmup.next +
        Math.ceil(replicaWarmup.requestsPerSecond * durationSeconds * rounds * 2.5) +
        2_000;
      if (needed > own.length) {
        log(`ingest [${kind}]: signing ${needed - own.length} more bodies…`);
        for (const body of signedBodies(sns, topicArn, needed - own.length)) own.push(body);
      }
    }
    const measured: IngestRound[] = [];
    let next = warmups.map((w) => w.next);
    for (let round = 1; round <= rounds; round++) {
      log(
        `ingest [${kind}]: round ${round}/${rounds}, ${durationSeconds} s baseline then ${durationSeconds} s server…`,
      );
      const { next: _b, ...baselineRound } = await load(baselineServer.url, 0, durationSeconds, "cycle");
      const serverLoads = await loadServers(next, durationSeconds);
      next = serverLoads.map((l) => l.next);
      const { next: _s, ...serverRound } = combined(serverLoads);
      measured.push({
        server: serverRound,
        baseline: baselineRound,
        ratio: round3(serverRound.requestsPerSecond / baselineRound.requestsPerSecond),
      });
    }
    const median = [...measured].sort((a, b) => a.ratio - b.ratio)[Math.floor(measured.length / 2)];
    const baseline = { ...median.baseline, peakRssMb: peakRssMb(baselineServer.pid) };
    const serverResult = {
      ...median.server,
      peakRssMb: Math.round(servers.reduce((sum, replica) => sum + peakRssMb(replica.pid), 0) * 10) / 10,
    };
    await baselineServer.stop();
    stops.splice(replicas, 1); // the baseline's stop (behind the replicas'): done
    // Requests autocannon gave up waiting for at the end of a run may still be committing: the
    // server finishes them on SIGTERM (or is killed), and only then are the rows counted.
    const endings = await Promise.all(servers.map((replica) => replica.shutdown()));
    const shutdown = endings.every((ending) => ending === "clean") ? "clean" : "killed";
    stops.splice(0, servers.length);
    const answered200 = warmup.ok + measured.reduce((sum, round) => sum + round.server.ok, 0);
    const messages = await db.prisma.message.count({ where: { topicArn } });
    const deliveries = await db.prisma.delivery.count({ where: { message: { topicArn } } });
    if (shutdown === "killed") {
      log(
        `ingest [${kind}]: the server did not shut down within 15 s of SIGTERM and was killed:\n${server.output().slice(-4000)}`,
      );
    }
    const result: IngestBenchResult = {
      name: "ingest: signed SNS Notifications → POST /sns/events (verify + group commit), vs read + JSON.parse",
      database: kind,
      machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` },
      connections,
      replicas,
      durationSeconds,
      configurationsPerTopic: configurations,
      averageBodyBytes: Math.round(
        bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length,
      ),
      signatureVersion: "1",
      server: { ...serverResult, shutdown },
      baseline,
      ratio: median.ratio,
      target: { ratio: TARGET_RATIO[kind], met: median.ratio >= TARGET_RATIO[kind] },
      rounds: measured,
      stored: {
        answered200,
        messages,
        deliveries,
        // Every body is distinct, so every 200 is one message; a message stored whose 200 was lost
        // on the way (a client timeout) would make `messages` larger, never smaller.
        everyAnswered200Stored: messages >= answered200 && deliveries === messages * configurations,
      },
    };
    if (options.writeResults ?? true) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const file = replicas === 1 ? `ingest-${kind}.json` : `ingest-${kind}-${replicas}-replicas.json`;
      writeFileSync(path.join(RESULTS_DIR, file), `${JSON.stringify(result, null, 2)}\n`);
    }
    if (!result.stored.everyAnswered200Stored) {
      throw new Error(
        `ingest [${kind}]: ${answered200} requests were answered 200 but ${messages} messages and ` +
          `${deliveries} deliveries are stored: a 200 was given for something not committed`,
      );
    }
    return result;
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

/** Loads run side by side on several servers, as one: counts and rates summed, latencies the worst. */
function combined(loads: LoadResult[]): LoadResult {
  if (loads.length === 1) return loads[0];
  const sum = (pick: (load: LoadResult) => number) => loads.reduce((total, load) => total + pick(load), 0);
  const worst = (pick: (load: LoadResult) => number) => Math.max(...loads.map(pick));
  const statusCodes: Record<string, number> = {};
  for (const load of loads)
    for (const [code, count] of Object.entries(load.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    next: loads[0].next,
    exhausted: loads.some((load) => load.exhausted),
    durationSeconds: worst((load) => load.durationSeconds),
    ok: sum((load) => load.ok),
    non2xx: sum((load) => load.non2xx),
    errors: sum((load) => load.errors),
    timeouts: sum((load) => load.timeouts),
    statusCodes,
    requestsPerSecond: sum((load) => load.requestsPerSecond),
    latencyMs: {
      p50: worst((load) => load.latencyMs.p50),
      p90: worst((load) => load.latencyMs.p90),
      p99: worst((load) => load.latencyMs.p99),
      max: worst((load) => load.latencyMs.max),
      mean: worst((load) => load.latencyMs.mean),
    },
  };
}

export function describeIngestResult(result: IngestBenchResult): string {
  const { server, baseline } = result;
  return [
    `ingest [${result.database}${result.replicas > 1 ? `, ${result.replicas} replicas` : ""}]: ${server.requestsPerSecond.toLocaleString("en-US")} req/s stored ` +
      `vs ${baseline.requestsPerSecond.toLocaleString("en-US")} req/s read + JSON.parse → ratio ${result.ratio} ` +
      `(target ≥ ${result.target.ratio}${result.target.met ? ", met" : ", NOT met"})`,
    `  server   p50 ${server.latencyMs.p50} ms, p99 ${server.latencyMs.p99} ms, peak RSS ${server.peakRssMb} MiB, ` +
      `non-2xx ${server.non2xx}, errors ${server.errors}${server.exhausted ? ", stopped early (bodies ran out)" : ""}`,
    `  baseline p50 ${baseline.latencyMs.p50} ms, p99 ${baseline.latencyMs.p99} ms, peak RSS ${baseline.peakRssMb} MiB`,
    `  rounds (server / baseline req/s → ratio): ${result.rounds
      .map((r) => `${r.server.requestsPerSecond} / ${r.baseline.requestsPerSecond} → ${r.ratio}`)
      .join(", ")}`,
    `  stored: ${result.stored.messages} messages, ${result.stored.deliveries} deliveries for ` +
      `${result.stored.answered200} answers 200 (warm-up included)`,
  ].join("\n");
}

async function main(): Promise<void> {
  const requested = process.argv[2];
  const replicasAt = process.argv.indexOf("--replicas");
  const replicas = replicasAt === -1 ? 1 : Number(process.argv[replicasAt + 1]);
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error("--replicas takes a whole number ≥ 1");
  if (requested !== undefined && requested !== "sqlite" && requested !== "postgres") {
    throw new Error(`usage: npx tsx bench/ingest.ts [sqlite|postgres] [--replicas N] (got "${requested}")`);
  }
  const kinds: TestDatabaseKind[] =
    requested !== undefined
      ? [requested]
      : (await probePostgres(TEST_POSTGRES_URL))
        ? ["sqlite", "postgres"]
        : ["sqlite"];
  for (const kind of kinds) {
    process.stdout.write(`${describeIngestResult(await benchIngest({ database: kind, replicas }))}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
