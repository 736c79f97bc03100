/**
 * The configurations' filters, compiled, in memory: what the ingest path evaluates (synchronously,
 * inside its transaction, with no query). Refreshed at once when this process changes a filter, and
 * every second when the configurations' version (how many there are, and the latest `updatedAt`)
 * moved — which is how a change made by another replica or by the CLI arrives within a second.
 * A stored filter that cannot be read fails safe: that configuration gets everything, and the
 * problem is logged once.
 */
import type { DbClient } from "../db/database";
import type { Logger } from "../logger";
import { type CompiledFilter, compileFilter, parseStoredFilter } from "./filters";

export const FILTER_POLL_MS = 1_000;

export class FilterSnapshot {
  #filters = new Map<string, CompiledFilter>();
  #version: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  readonly #reported = new Set<string>();

  constructor(
    private readonly prisma: DbClient,
    private readonly logger: Logger,
    private readonly pollMs: number = FILTER_POLL_MS,
  ) {}

  /** The compiled filter of a configuration; undefined for none (or an unreadable one). */
  filterFor(configurationId: string): CompiledFilter | undefined {
    return this.#filters.get(configurationId);
  }

  /** Whether any configuration has a filter (the ingest path skips all filter work when none has). */
  get isEmpty(): boolean {
    return this.#filters.size === 0;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.#poll(), this.pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Reloads every filter now (after a change made in this process). */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#load().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #poll(): Promise<void> {
    try {
      const version = await this.#currentVersion();
      if (version !== this.#version) await this.refresh();
    } catch (error) {
      this.logger.warn({ err: error }, "could not check the configurations' filters for changes");
    }
  }

  async #currentVersion(): Promise<string> {
    const { _count, _max } = await this.prisma.channelConfiguration.aggregate({
      _count: { _all: true },
      _max: { updatedAt: true },
    });
    return `${_count._all}@${_max.updatedAt?.toISOString() ?? "-"}`;
  }

  async #load(): Promise<void> {
    // The version first: a change landing during the read is seen again at the next poll.
    const version = await this.#currentVersion();
    const rows = await this.prisma.channelConfiguration.findMany({
      where: { filters: { not: null } },
      select: { id: true, filters: true },
    });
    const filters = new Map<string, CompiledFilter>();
    for (const row of rows) {
      const stored = parseStoredFilter(row.filters);
      if (stored.ok) {
        if (Object.keys(stored.filter).length > 0) filters.set(row.id, compileFilter(stored.filter));
        continue;
      }
      const key = `${row.id}\u0000${row.filters}`;
      if (!this.#reported.has(key)) {
        this.#reported.add(key);
        this.logger.error(
          { configurationId: row.id, problem: stored.problem },
          "a configuration's stored filter is malformed: every notification is delivered to it until the filter is set again",
        );
      }
    }
    this.#filters = filters;
    this.#version = version;
  }
}
