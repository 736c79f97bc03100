/**
 * Token buckets shared by every replica on one PostgreSQL database (table "WorkspaceRate"), so the
 * per-workspace and per-channel limits hold for the deployment, not per process. A token is taken
 * with one atomic `UPDATE … WHERE tokens after refill ≥ 1 AND not paused RETURNING`; only when none
 * is left does a second statement read the row to say how long to wait. Row locks serialise takers,
 * so N replicas together never take more than `burst` + `rate × t` in any t seconds.
 *
 * Time is the database clock (epoch ms) so replicas with skewed clocks still agree.
 *
 * The workspace lanes adapt (AIMD): a 429 pauses the lane for Retry-After for every replica, leaves one
 * token for the end of the pause and halves the rate (once per pause, floor 1/8 of the setting); then the rate creeps
 * back linearly to the setting over RECOVER_MS of quiet. See adaptiveRate().
 */
import type { PrismaClient } from "../db/database";
import type { RateSpec } from "./settings";

/** From the halved rate back to the setting, linearly, in this long without a 429. */
export const RECOVER_MS = 30_000;
/** The rate never adapts below this share of the setting. */
export const FLOOR_SHARE = 1 / 8;

export interface RateStore {
  /** Takes a token of `key`: 0 when taken, else the milliseconds to wait before asking again. */
  take(key: string, spec: RateSpec, adaptive: boolean): Promise<number>;
  /** Slack answered 429 for this lane: pause it for every replica, leave one token and halve its rate. */
  throttle(key: string, spec: RateSpec, retryAfterMs: number): Promise<void>;
}

/**
 * The rate of an adaptive lane at `now`: the setting, or after a 429 the halved rate growing back by
 * `cap / RECOVER_MS` per ms since the pause ended.
 */
export function adaptiveRate(
  cap: number,
  backoffRate: number | null,
  throttledAt: number,
  now: number,
): number {
  if (backoffRate === null) return cap;
  return Math.min(cap, backoffRate + (cap * Math.max(0, now - throttledAt)) / RECOVER_MS);
}

interface RateRow {
  tokens: number;
  refilledAt: number;
  pausedUntil: number;
  backoffRate: number | null;
  throttledAt: number;
  now: number;
}

/** Milliseconds until a token of `row` is available at its `now`. */
export function waitFor(row: RateRow, spec: RateSpec, adaptive: boolean): number {
  const rate = adaptive
    ? adaptiveRate(spec.perSecond, row.backoffRate, row.throttledAt, row.now)
    : spec.perSecond;
  if (row.pausedUntil > row.now) return Math.ceil(row.pausedUntil - row.now);
  const tokens = Math.min(spec.burst, row.tokens + (rate * Math.max(0, row.now - row.refilledAt)) / 1000);
  return tokens >= 1 ? 1 : Math.max(1, Math.ceil(((1 - tokens) / rate) * 1000));
}

export class PostgresRateStore implements RateStore {
  readonly #known = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  async take(key: string, spec: RateSpec, adaptive: boolean): Promise<number> {
    if (!this.#known.has(key)) await this.#create(key, spec);
    const recover = adaptive ? RECOVER_MS : 0;
    // rate: the setting, or (adaptive, after a 429) the halved rate creeping back; see adaptiveRate.
    const taken = await this.prisma.$queryRaw<Array<{ tokens: number }>>`
      WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now),
      current AS (
        SELECT w.key, LEAST(${spec.burst}::float8, w.tokens
          + GREATEST(0, c.now - w."refilledAt") / 1000 * CASE
              WHEN ${recover}::float8 = 0 OR w."backoffRate" IS NULL THEN ${spec.perSecond}::float8
              ELSE LEAST(${spec.perSecond}::float8, w."backoffRate"
                + ${spec.perSecond}::float8 * GREATEST(0, c.now - w."throttledAt") / ${recover || 1}::float8)
            END) AS refilled, c.now
        FROM "WorkspaceRate" AS w, clock AS c WHERE w.key = ${key} FOR UPDATE OF w)
      UPDATE "WorkspaceRate" AS w
      SET tokens = current.refilled - 1, "refilledAt" = GREATEST(w."refilledAt", current.now)
      FROM current
      WHERE w.key = current.key AND w."pausedUntil" <= current.now AND current.refilled >= 1
      RETURNING w.tokens`;
    if (taken.length > 0) return 0;
    const rows = await this.prisma.$queryRaw<RateRow[]>`
      SELECT tokens, "refilledAt", "pausedUntil", "backoffRate", "throttledAt",
        extract(epoch FROM clock_timestamp()) * 1000 AS now
      FROM "WorkspaceRate" WHERE key = ${key}`;
    const row = rows[0];
    if (row === undefined) {
      this.#known.delete(key);
      return 1;
    }
    return waitFor(numeric(row), spec, adaptive);
  }

  async throttle(key: string, spec: RateSpec, retryAfterMs: number): Promise<void> {
    if (!this.#known.has(key)) await this.#create(key, spec);
    const floor = spec.perSecond * FLOOR_SHARE;
    // Halved once per pause: the 429s of posts already in flight (here or on other replicas) arrive
    // while the lane is paused and do not halve it again.
    await this.prisma.$executeRaw`
      WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) * 1000 AS now)
      UPDATE "WorkspaceRate" AS w SET
        "backoffRate" = CASE WHEN w."pausedUntil" > c.now THEN w."backoffRate"
          ELSE GREATEST(${floor}::float8, CASE WHEN w."backoffRate" IS NULL THEN ${spec.perSecond}::float8
            ELSE LEAST(${spec.perSecond}::float8, w."backoffRate" + ${spec.perSecond}::float8
              * GREATEST(0, c.now - w."throttledAt") / ${RECOVER_MS}::float8) END / 2) END,
        "pausedUntil" = GREATEST(w."pausedUntil", c.now + ${retryAfterMs}::float8),
        "throttledAt" = GREATEST(w."pausedUntil", c.now + ${retryAfterMs}::float8),
        "refilledAt" = GREATEST(w."pausedUntil", c.now + ${retryAfterMs}::float8),
        tokens = 1
      FROM clock AS c WHERE w.key = ${key}`;
  }

  async #create(key: string, spec: RateSpec): Promise<void> {
    await this.prisma.$executeRaw`
      INSERT INTO "WorkspaceRate" (key, tokens, "refilledAt")
      VALUES (${key}, ${spec.burst}::float8, extract(epoch FROM clock_timestamp()) * 1000)
      ON CONFLICT (key) DO NOTHING`;
    this.#known.add(key);
  }
}

function numeric(row: RateRow): RateRow {
  return {
    tokens: Number(row.tokens),
    refilledAt: Number(row.refilledAt),
    pausedUntil: Number(row.pausedUntil),
    backoffRate: row.backoffRate === null ? null : Number(row.backoffRate),
    throttledAt: Number(row.throttledAt),
    now: Number(row.now),
  };
}
