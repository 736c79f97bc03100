/**
 * Pacing of Slack calls. Slack limits per method and workspace, so there are two lanes:
 * - "post" (chat.postMessage): a token bucket per channel (≈1 message/s with short bursts) and one
 *   per workspace, whose waiters are served first come, first served, so a noisy channel gets its
 *   1/s and no more while every other channel of the workspace keeps its turn;
 * - "update" (chat.update, Tier 3): one bucket per workspace.
 * A 429 pauses only the lane of the workspace it came from — unlike @slack/web-api, which pauses
 * its whole queue — and the workspace's rate adapts: halved, then creeping back (shared-rate.ts).
 * This is the pacing of one process (SQLite); PostgreSQL replicas share theirs
 * (shared-rate-limiter.ts).
 */
import { ChatbotError, ErrorCode } from "../errors";
import type { RateSpec } from "./settings";
import { adaptiveRate, FLOOR_SHARE } from "./shared-rate";

export type Clock = () => number;

export class TokenBucket {
  #tokens: number;
  #updatedAt: number;
  #lastTake: number;
  /** After a 429: the halved rate and when the pause ended (see adaptiveRate). */
  #backoffRate: number | null = null;
  #throttledAt = 0;

  constructor(
    private readonly spec: RateSpec,
    now: number,
  ) {
    if (!(spec.perSecond > 0) || !(spec.burst >= 1)) {
      throw new ChatbotError(ErrorCode.InvalidArgument, "a rate needs perSecond > 0 and burst ≥ 1");
    }
    this.#tokens = spec.burst;
    this.#updatedAt = now;
    this.#lastTake = now;
  }

  /** Tokens per second now: the setting, or after a 429 the halved rate creeping back to it. */
  rate(now: number): number {
    return adaptiveRate(this.spec.perSecond, this.#backoffRate, this.#throttledAt, now);
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#tokens = Math.min(
        this.spec.burst,
        this.#tokens + ((now - this.#updatedAt) / 1000) * this.rate(now),
      );
      this.#updatedAt = now;
    }
  }

  /** Milliseconds until a token is available; 0 when one is there now. */
  waitMs(now: number): number {
    // Paused by a 429 (throttle) until #updatedAt.
    if (now < this.#updatedAt) return this.#updatedAt - now;
    this.#refill(now);
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.rate(now)) * 1000);
  }

  /**
   * Slack answered 429 with a pause until `until`: one token left for the end of the pause, and (unless already paused, when the 429
   * is one of the posts that were in flight) halve the rate, no lower than FLOOR_SHARE of the setting.
   */
  throttle(now: number, until: number): void {
    if (now >= this.#updatedAt) {
      this.#backoffRate = Math.max(this.spec.perSecond * FLOOR_SHARE, this.rate(now) / 2);
    }
    this.#tokens = 1;
    this.#updatedAt = Math.max(this.#updatedAt, until);
    this.#throttledAt = this.#updatedAt;
  }

  /** Takes a token if one is there; false otherwise. */
  tryTake(now: number): boolean {
    if (this.waitMs(now) > 0) return false;
    this.#tokens -= 1;
    this.#lastTake = now;
    return true;
  }

  /** Untouched for `ms` (and so full again): safe to forget. */
  idle(now: number, ms: number): boolean {
    return now - this.#lastTake >= ms;
  }
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface WorkspaceState {
  bucket: TokenBucket;
  pausedUntil: number;
  waiters: Waiter[];
  timer?: NodeJS.Timeout;
  lastUsed: number;
}

const IDLE_FORGET_MS = 10 * 60 * 1000;
/** Waiting for a channel token, this much longer (shifts the phase, not the rate: the bucket refills meanwhile). */
export const CHANNEL_MARGIN_MS = 100;
const PRUNE_EVERY = 4096;

export function abortedError(): ChatbotError {
  return new ChatbotError(ErrorCode.DeliveryAborted, "delivery stopped while waiting for its turn");
}

/** Resolves after `ms`, or rejects with DeliveryAborted when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export type Lane = "post" | "update";

export interface LaneRates {
  post: { channel: RateSpec; workspace: RateSpec };
  update: { workspace: RateSpec };
}

export class SlackRateLimiter {
  readonly #channels = new Map<string, TokenBucket>();
  readonly #workspaces = new Map<string, WorkspaceState>();
  #acquired = 0;

  constructor(
    private readonly rates: LaneRates,
    private readonly clock: Clock = Date.now,
  ) {}

  /**
   * Waits for a turn to call Slack for `channel` of `workspace` in `lane`: for posts first the
   * channel's token, then the workspace's, in arrival order and never before a 429 pause has ended.
   */
  async acquire(lane: Lane, workspace: string, channel: string, signal?: AbortSignal): Promise<void> {
    if (++this.#acquired % PRUNE_EVERY === 0) this.#prune();
    if (lane === "post") {
      const key = `${workspace}:${channel}`;
      let bucket = this.#channels.get(key);
      if (bucket === undefined) {
        bucket = new TokenBucket(this.rates.post.channel, this.clock());
        this.#channels.set(key, bucket);
      }
      for (;;) {
        const wait = bucket.waitMs(this.clock());
        if (wait === 0) break;
        // Slack's bucket starts when our first post ARRIVES; a little later than ours: without the
        // margin a post sent the moment our bucket refills can reach Slack a token too early (429).
        await sleep(wait + CHANNEL_MARGIN_MS, signal);
      }
      bucket.tryTake(this.clock());
    }
    await this.#workspaceTurn(lane, workspace, signal);
  }

  /** Slack answered 429: nothing is sent in this lane of this workspace for `ms`. */
  pauseWorkspace(lane: Lane, workspace: string, ms: number): void {
    const key = `${lane}:${workspace}`;
    const state = this.#workspace(lane, workspace);
    const now = this.clock();
    state.pausedUntil = Math.max(state.pausedUntil, now + ms);
    state.bucket.throttle(now, state.pausedUntil);
    this.#schedule(key, state);
  }

  /**
   * About how long a call in `lane` of `workspace` would wait for its turn now: a 429 pause, the
   * callers already waiting and the bucket's refill (the storm digest picks chat.update or a new post by it).
   */
  estimatedWaitMs(lane: Lane, workspace: string): number {
    const state = this.#workspaces.get(`${lane}:${workspace}`);
    if (state === undefined) return 0;
    const now = this.clock();
    const rate = lane === "post" ? this.rates.post.workspace : this.rates.update.workspace;
    const queued = state.bucket.waitMs(now) + (state.waiters.length * 1000) / rate.perSecond;
    return Math.max(state.pausedUntil - now, queued, 0);
  }

  /** Epoch ms until which the lane of the workspace is paused (0 when it is not). */
  pausedUntil(lane: Lane, workspace: string): number {
    const until = this.#workspaces.get(`${lane}:${workspace}`)?.pausedUntil ?? 0;
    return until > this.clock() ? until : 0;
  }

  /** Buckets held in memory (for tests of pruning and for leak hunting). */
  size(): { channels: number; workspaces: number } {
    return { channels: this.#channels.size, workspaces: this.#workspaces.size };
  }

  #workspace(lane: Lane, workspace: string): WorkspaceState {
    const key = `${lane}:${workspace}`;
    let state = this.#workspaces.get(key);
    if (state === undefined) {
      const now = this.clock();
      const rate = lane === "post" ? this.rates.post.workspace : this.rates.update.workspace;
      state = { bucket: new TokenBucket(rate, now), pausedUntil: 0, waiters: [], lastUsed: now };
      this.#workspaces.set(key, state);
    }
    return state;
  }

  #workspaceTurn(lane: Lane, workspace: string, signal?: AbortSignal): Promise<void> {
    const key = `${lane}:${workspace}`;
    const state = this.#workspace(lane, workspace);
    state.lastUsed = this.clock();
    if (signal?.aborted) return Promise.reject(abortedError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          state.waiters = state.waiters.filter((w) => w !== waiter);
          reject(abortedError());
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      state.waiters.push(waiter);
      this.#drain(key, state);
    });
  }

  #drain(key: string, state: WorkspaceState): void {
    for (;;) {
      const head = state.waiters[0];
      if (head === undefined) return;
      const now = this.clock();
      if (now < state.pausedUntil || !state.bucket.tryTake(now)) break;
      state.waiters.shift();
      if (head.onAbort) head.signal?.removeEventListener("abort", head.onAbort);
      head.resolve();
    }
    this.#schedule(key, state);
  }

  #schedule(key: string, state: WorkspaceState): void {
    if (state.timer !== undefined || state.waiters.length === 0) return;
    const now = this.clock();
    const wait = Math.max(state.pausedUntil - now, state.bucket.waitMs(now), 1);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.#drain(key, state);
    }, wait);
  }

  #prune(): void {
    const now = this.clock();
    for (const [key, bucket] of this.#channels) {
      if (bucket.idle(now, IDLE_FORGET_MS)) this.#channels.delete(key);
    }
    for (const [key, state] of this.#workspaces) {
      if (state.waiters.length === 0 && now - state.lastUsed > IDLE_FORGET_MS && now > state.pausedUntil) {
        this.#workspaces.delete(key);
      }
    }
  }
}
