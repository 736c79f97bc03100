/**
 * How many notifications each configuration's filters kept out: counted in memory on the ingest
 * path (and in `chatbot_notifications_filtered_total` at once), written every second as one row per
 * configuration and hour (FilteredCount, migration 0010_filter_counts), summed for `/aws status`
 * ("N filtered in the last 24 h"). Rows older than two days are pruned as they are written.
 * A crash loses at most the last second's counts; no notification depends on them.
 */
import type { Counter } from "prom-client";
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";

const HOUR_MS = 60 * 60 * 1000;
const FLUSH_MS = 1_000;
const KEEP_MS = 48 * HOUR_MS;

export interface FilterCountsOptions {
  /** prom-client counter `chatbot_notifications_filtered_total` (no labels: a configuration is not a label). */
  counter?: Counter<string>;
  now?: () => Date;
  flushMs?: number;
}

export class FilterCounts {
  /** `configurationId` → hour start (ms) → count not yet written. */
  #pending = new Map<string, Map<number, number>>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #lastPrune = 0;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly options: FilterCountsOptions = {},
  ) {}

  /** One notification kept out of a configuration (synchronous: called inside the ingest transaction). */
  record(configurationId: string): void {
    this.options.counter?.inc();
    const hour = Math.floor(this.#now().getTime() / HOUR_MS) * HOUR_MS;
    const hours = this.#pending.get(configurationId) ?? new Map<number, number>();
    hours.set(hour, (hours.get(hour) ?? 0) + 1);
    this.#pending.set(configurationId, hours);
  }

  start(): void {
    this.#timer = setInterval(() => void this.flush(), this.options.flushMs ?? FLUSH_MS);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }

  /** Writes what was counted since the last flush (one flush at a time). */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Kept out of this configuration in the last 24 hours (whole hours; the current one included). */
  async lastDay(configurationId: string): Promise<number> {
    await this.flush();
    const since = new Date(Math.floor(this.#now().getTime() / HOUR_MS) * HOUR_MS - 23 * HOUR_MS);
    const sum = await this.prisma.filteredCount.aggregate({
      where: { configurationId, hour: { gte: since } },
      _sum: { count: true },
    });
    return sum._sum.count ?? 0;
  }

  async #write(): Promise<void> {
    if (this.#pending.size === 0) return;
    const pending = this.#pending;
    this.#pending = new Map();
    for (const [configurationId, hours] of pending) {
      for (const [hour, count] of hours) {
        try {
          await this.#add(configurationId, new Date(hour), count);
        } catch (error) {
          this.logger.warn({ err: error, configurationId }, "could not record filtered notifications");
        }
      }
    }
    await this.#prune();
  }

  /** Two replicas may create the same row at once: the loser's upsert is retried as an increment. */
  async #add(configurationId: string, hour: Date, count: number): Promise<void> {
    const upsert = () =>
      this.prisma.filteredCount.upsert({
        where: { configurationId_hour: { configurationId, hour } },
        create: { configurationId, hour, count },
        update: { count: { increment: count } },
      });
    try {
      await upsert();
    } catch (error) {
      if ((error as { code?: unknown }).code !== "P2002") throw error;
      await upsert();
    }
  }

  async #prune(): Promise<void> {
    const now = this.#now().getTime();
    if (now - this.#lastPrune < HOUR_MS) return;
    this.#lastPrune = now;
    await this.prisma.filteredCount.deleteMany({ where: { hour: { lt: new Date(now - KEEP_MS) } } });
  }

  #now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
