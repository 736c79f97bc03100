/**
 * Pacing of webhook posts: a token bucket per webhook (keyed by configuration id) with one token and
 * a refill of `perSecond` (Amazon Chime allows 1 request per second per webhook, PROTOCOLS §3).
 * Callers await `acquire` before each post; turns are handed out in call order, and a 429 pushes the
 * webhook's next turn past its Retry-After.
 */
import { ChatbotError, ErrorCode } from "../errors";

export type Clock = () => number;

/** Resolves after `ms`; rejects with DeliveryAborted when `signal` aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const aborted = () =>
      new ChatbotError(ErrorCode.DeliveryAborted, "stopped while waiting for the webhook's turn");
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const FORGET_AFTER_MS = 10 * 60 * 1000;
const PRUNE_EVERY = 1024;

export class WebhookRateLimiter {
  /** Per key: the earliest time the next post may start. */
  readonly #nextTurn = new Map<string, number>();
  readonly #intervalMs: number;
  #acquired = 0;

  constructor(
    perSecond = 1,
    private readonly clock: Clock = Date.now,
  ) {
    if (!(perSecond > 0))
      throw new ChatbotError(ErrorCode.InvalidArgument, "a webhook rate needs perSecond > 0");
    this.#intervalMs = 1000 / perSecond;
  }

  /** Waits for the webhook's next turn (and takes it). */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (++this.#acquired % PRUNE_EVERY === 0) this.#prune();
    const now = this.clock();
    const turn = Math.max(now, this.#nextTurn.get(key) ?? now);
    this.#nextTurn.set(key, turn + this.#intervalMs);
    if (turn > now) await sleep(turn - now, signal);
  }

  /** The webhook answered 429: nobody posts to it for `ms`. */
  pause(key: string, ms: number): void {
    const until = this.clock() + ms;
    this.#nextTurn.set(key, Math.max(this.#nextTurn.get(key) ?? 0, until));
  }

  /** Milliseconds until the webhook's next free turn (0 when it is free now). */
  waitMs(key: string): number {
    return Math.max(0, (this.#nextTurn.get(key) ?? 0) - this.clock());
  }

  /** Webhooks held in memory. */
  size(): number {
    return this.#nextTurn.size;
  }

  #prune(): void {
    const now = this.clock();
    for (const [key, turn] of this.#nextTurn) if (turn < now - FORGET_AFTER_MS) this.#nextTurn.delete(key);
  }
}
