/**
 * The rate limiter of a PostgreSQL deployment: the same lanes as SlackRateLimiter, but every token
 * comes from the shared buckets of shared-rate.ts, so N replicas together keep one workspace's and
 * one channel's limits, and a 429 seen by one replica pauses the workspace for all of them.
 * Within this process a workspace's waiters still take turns first come, first served (only the
 * head of the line asks the database). If the database cannot be asked, this call falls back to the
 * in-process buckets (and the error is reported), so a database hiccup slows nothing down.
 */
import type { Logger } from "../logger";
import {
  abortedError,
  CHANNEL_MARGIN_MS,
  type Clock,
  type Lane,
  type LaneRates,
  SlackRateLimiter,
  sleep,
} from "./rate-limiter";
import type { RateSpec } from "./settings";
import type { RateStore } from "./shared-rate";

export class SharedSlackRateLimiter extends SlackRateLimiter {
  /** Per lane and workspace: the end of the line of this process's waiters. */
  readonly #lines = new Map<string, Promise<void>>();

  constructor(
    private readonly lanes: LaneRates,
    private readonly store: RateStore,
    private readonly logger: Logger,
    clock?: Clock,
  ) {
    super(lanes, clock);
  }

  override async acquire(
    lane: Lane,
    workspace: string,
    channel: string,
    signal?: AbortSignal,
  ): Promise<void> {
    try {
      if (lane === "post")
        await this.#take(`post:${workspace}:${channel}`, this.lanes.post.channel, false, signal);
      await this.#inLine(
        `${lane}:${workspace}`,
        lane === "post" ? this.lanes.post.workspace : this.lanes.update.workspace,
        workspace,
        lane,
        signal,
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      this.logger.warn(
        { err: error, teamId: workspace },
        "shared rate limit unavailable; pacing in this process",
      );
      await super.acquire(lane, workspace, channel, signal);
    }
  }

  override pauseWorkspace(lane: Lane, workspace: string, ms: number): void {
    super.pauseWorkspace(lane, workspace, ms);
    const spec = lane === "post" ? this.lanes.post.workspace : this.lanes.update.workspace;
    this.store.throttle(`${lane}:${workspace}`, spec, ms).catch((error: unknown) => {
      this.logger.warn({ err: error, teamId: workspace }, "could not share a 429 pause with other replicas");
    });
  }

  #inLine(key: string, spec: RateSpec, workspace: string, lane: Lane, signal?: AbortSignal): Promise<void> {
    const previous = this.#lines.get(key) ?? Promise.resolve();
    const mine = previous.then(async () => {
      // Our own 429 is known here before the shared row says so.
      for (
        let paused = this.pausedUntil(lane, workspace);
        paused > 0;
        paused = this.pausedUntil(lane, workspace)
      ) {
        await sleep(Math.max(1, paused - Date.now()), signal);
      }
      await this.#take(key, spec, true, signal);
    });
    const settled = mine.catch(() => undefined);
    this.#lines.set(key, settled);
    void settled.then(() => {
      if (this.#lines.get(key) === settled) this.#lines.delete(key);
    });
    return mine;
  }

  async #take(key: string, spec: RateSpec, adaptive: boolean, signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortedError();
      const wait = await this.store.take(key, spec, adaptive);
      if (wait === 0) return;
      // A channel's wait is longer by the same margin as in process (rate-limiter.ts): phase, not rate.
      await sleep(adaptive ? wait : wait + CHANNEL_MARGIN_MS, signal);
    }
  }
}
