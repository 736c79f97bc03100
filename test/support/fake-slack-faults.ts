/**
 * Failure injection (one-shot failNext queue and persistent behaviours) and the per-channel
 * chat.postMessage rate limiter of the fake Slack.
 */
import type {
  BehaviorOptions,
  FailureOptions,
  FakeFailure,
  JsonObject,
  RateLimit,
  RecordedCall,
} from "./fake-slack-types";

/** Matches every method in failNext / setBehavior. */
export const ANY_METHOD = "*";

interface QueuedFailure {
  method: string;
  failure: FakeFailure;
  remaining: number;
  filter?: (call: RecordedCall) => boolean;
}

interface Behavior {
  method: string;
  failure: FakeFailure;
  until?: number;
  filter?: (call: RecordedCall) => boolean;
}

function validateFailure(failure: FakeFailure): void {
  const keys = ["error", "status", "delayMs", "disconnect"].filter((key) => key in failure);
  if (keys.length === 0)
    throw new Error("fake Slack: a failure needs one of error, status, delayMs, disconnect");
  if ("error" in failure && "status" in failure)
    throw new Error("fake Slack: give either error or status, not both");
}

/** An HTTP answer of the fake (JSON object bodies, or text). */
export interface HttpReply {
  status: number;
  body: JsonObject | string;
  headers?: Record<string, string>;
}

/** What to send for a failure (after its delay): an HTTP answer, a cut connection, or the normal answer. */
export function failureAnswer(failure: FakeFailure): HttpReply | "disconnect" | "answer-normally" {
  if ("disconnect" in failure) return "disconnect";
  if ("error" in failure) return { status: 200, body: { ok: false, error: failure.error, ...failure.extra } };
  if (!("status" in failure)) return "answer-normally";
  const headers: Record<string, string> = {};
  if (failure.status === 429) {
    // Slack always sends Retry-After (whole seconds) with a 429; null lets a test omit it.
    const retryAfter = failure.retryAfterSeconds === undefined ? 1 : failure.retryAfterSeconds;
    if (retryAfter !== null) headers["retry-after"] = String(retryAfter);
  }
  const error =
    failure.status === 429 ? "ratelimited" : failure.status >= 500 ? "internal_error" : "http_error";
  return { status: failure.status, body: failure.body ?? { ok: false, error }, headers };
}

export class FaultInjector {
  private queue: QueuedFailure[] = [];
  private behaviors: Behavior[] = [];

  constructor(private readonly now: () => number) {}

  failNext(method: string, failure: FakeFailure, options: FailureOptions = {}): void {
    validateFailure(failure);
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1)
      throw new Error(`fake Slack: failNext times must be ≥ 1, got ${times}`);
    this.queue.push({ method, failure, remaining: times, filter: options.filter });
  }

  setBehavior(method: string, failure: FakeFailure, options: BehaviorOptions = {}): void {
    validateFailure(failure);
    const until = options.durationMs === undefined ? undefined : this.now() + options.durationMs;
    this.behaviors.push({ method, failure, until, filter: options.filter });
  }

  /** Removes persistent behaviours of a method (all of them without an argument). */
  clearBehavior(method?: string): void {
    this.behaviors = method === undefined ? [] : this.behaviors.filter((b) => b.method !== method);
  }

  /** The failure to apply to this call, consuming one-shot failures; failNext wins over behaviours. */
  take(call: RecordedCall): FakeFailure | undefined {
    const matches = (method: string, filter?: (c: RecordedCall) => boolean) =>
      (method === ANY_METHOD || method === call.method) && (filter === undefined || filter(call));
    const queued = this.queue.find((q) => matches(q.method, q.filter));
    if (queued) {
      queued.remaining -= 1;
      if (queued.remaining === 0) this.queue = this.queue.filter((q) => q !== queued);
      return queued.failure;
    }
    const now = this.now();
    this.behaviors = this.behaviors.filter((b) => b.until === undefined || b.until > now);
    return this.behaviors.find((b) => matches(b.method, b.filter))?.failure;
  }

  /** How many one-shot failures are still waiting (useful to assert a scenario consumed them). */
  pendingCount(): number {
    return this.queue.reduce((sum, q) => sum + q.remaining, 0);
  }

  reset(): void {
    this.queue = [];
    this.behaviors = [];
  }
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Token bucket per key (team + channel): `burst` calls at once, then `perSecond`. */
export class ChannelRateLimiter {
  private buckets = new Map<string, Bucket>();
  private rejectedByKey = new Map<string, number>();

  constructor(
    private limit: RateLimit | undefined,
    private readonly now: () => number,
  ) {}

  setLimit(limit: RateLimit | undefined): void {
    if (limit !== undefined && !(limit.perSecond > 0)) throw new Error("fake Slack: perSecond must be > 0");
    this.limit = limit;
    this.buckets.clear();
  }

  check(key: string): LimitDecision {
    const limit = this.limit;
    if (limit === undefined) return { allowed: true };
    const capacity = Math.max(1, limit.burst ?? 1);
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, updatedAt: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * limit.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    this.rejectedByKey.set(key, (this.rejectedByKey.get(key) ?? 0) + 1);
    // Slack sends whole seconds; rounding up means a client that waits is never early.
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    return { allowed: false, retryAfterSeconds };
  }

  /** Calls rejected by the limiter, in total or for keys ending with `:channel`. */
  rejectedCount(channel?: string): number {
    let total = 0;
    for (const [key, count] of this.rejectedByKey) {
      if (channel === undefined || key.endsWith(`:${channel}`)) total += count;
    }
    return total;
  }

  reset(): void {
    this.buckets.clear();
    this.rejectedByKey.clear();
  }
}
