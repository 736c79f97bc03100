/**
 * The retention job: every few minutes (a quarter of RETENTION, at most 5 min), deletes what
 * outlived its horizon in batches of `batchSize` rows, yielding to the event loop between batches,
 * so no statement holds a lock for long and ingest and delivery go on beside it. Pending, held and
 * in-flight deliveries are never deleted whatever their age, nor their messages.
 */
import type { Database } from "../db/database";
import type { Metrics } from "../http/metrics";
import type { Logger } from "../logger";
import { openPruneSession, type PruneSession } from "./prune-sessions";
import { PRUNE_STEPS, RETENTION_TABLES, type RetentionTable } from "./prune-statements";
import { type RetentionSettings, retentionIntervalMs } from "./retention-settings";

export const DEFAULT_RETENTION_BATCH_SIZE = 500;

export interface RetentionJobOptions {
  db: Database;
  settings: RetentionSettings;
  metrics: Metrics;
  logger: Logger;
  /** PostgreSQL: the connection string of the session that holds the retention lock. */
  postgresUrl?: string;
  /** The clock deciding what is old (tests move it forward). */
  now?: () => Date;
  /** Rows per DELETE (default 500). */
  batchSize?: number;
  /** Between runs; default retentionIntervalMs(settings). */
  intervalMs?: number;
}

export interface RetentionRun {
  /** Rows deleted per table. */
  pruned: Record<RetentionTable, number>;
  /** DELETE statements run, and the most rows one of them deleted. */
  batches: number;
  largestBatch: number;
  /** SQLite pages given back by incremental vacuum. */
  pagesFreed: number;
  /** performance.now() when the run held the lock, and when it let go. */
  startedAt: number;
  endedAt: number;
}

export type RetentionResult = RetentionRun | "skipped" | "stopped";

export class RetentionJob {
  readonly #options: RetentionJobOptions;
  readonly #pruned;
  readonly #batchSize: number;
  readonly #intervalMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionResult> | undefined;
  #stopping = false;

  constructor(options: RetentionJobOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? DEFAULT_RETENTION_BATCH_SIZE;
    this.#intervalMs = options.intervalMs ?? retentionIntervalMs(options.settings);
    this.#pruned = options.metrics.counter(
      "chatbot_retention_pruned_total",
      "Rows deleted by retention (RETENTION, AUDIT_RETENTION), by table",
      ["table"],
    );
    for (const table of RETENTION_TABLES) this.#pruned.inc({ table }, 0);
  }

  /** Runs every interval (the first one interval after start), until stop(). */
  start(): void {
    this.#stopping = false;
    this.#schedule(this.#intervalMs);
  }

  /** Stops the timer and waits for a run in progress to finish its batch. */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }

  /** One run (the timer's, or a test's); concurrent calls share it. */
  runOnce(): Promise<RetentionResult> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopping) return;
    this.#timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) =>
          this.#options.logger.warn({ err: error }, "retention run failed; it runs again later"),
        )
        .finally(() => this.#schedule(this.#intervalMs));
    }, delayMs);
    this.#timer.unref();
  }

  async #run(): Promise<RetentionResult> {
    const { db, postgresUrl, settings, logger } = this.#options;
    const session = await openPruneSession(db, postgresUrl);
    if (session === null) {
      logger.debug("retention skipped: another replica is running it");
      return "skipped";
    }
    try {
      const run = await this.#prune(session);
      if (run === "stopped") return run;
      const total = Object.values(run.pruned).reduce((sum, n) => sum + n, 0);
      if (total > 0) {
        logger.info(
          {
            pruned: run.pruned,
            batches: run.batches,
            pagesFreed: run.pagesFreed,
            ms: Math.round(run.endedAt - run.startedAt),
            retentionMs: settings.retentionMs,
            auditRetentionMs: settings.auditRetentionMs,
          },
          `retention deleted ${total} rows`,
        );
      }
      return run;
    } finally {
      await session.end();
    }
  }

  async #prune(session: PruneSession): Promise<RetentionRun | "stopped"> {
    const now = (this.#options.now?.() ?? new Date()).getTime();
    const { retentionMs, auditRetentionMs } = this.#options.settings;
    const run: RetentionRun = {
      pruned: { alarm_thread: 0, delivery: 0, digest: 0, message: 0, audit_event: 0 },
      batches: 0,
      largestBatch: 0,
      pagesFreed: 0,
      startedAt: performance.now(),
      endedAt: 0,
    };
    for (const step of PRUNE_STEPS) {
      const cutoff = new Date(now - (step.horizon === "audit" ? auditRetentionMs : retentionMs));
      for (;;) {
        const deleted = await session.deleteBatch(step, cutoff, this.#batchSize);
        run.batches++;
        run.largestBatch = Math.max(run.largestBatch, deleted);
        run.pruned[step.table] += deleted;
        if (deleted > 0) this.#pruned.inc({ table: step.table }, deleted);
        if (!(await this.#yield())) return "stopped";
        if (deleted < this.#batchSize) break;
      }
    }
    run.pagesFreed = await session.reclaim(() => this.#yield());
    run.endedAt = performance.now();
    return run;
  }

  /** Lets ingest and delivery run between two batches; false once stop() was called. */
  async #yield(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return !this.#stopping;
  }
}
