/**
 * What the fake Slack saw: every Web API call with its answer, and every response_url post; plus
 * waiting for them without polling (waiters wake on each change and time out with a useful message).
 */
import type { CallOutcome, JsonObject, RecordedCall, ResponseUrlPost } from "./fake-slack-types";

type MutableCall = { -readonly [K in keyof RecordedCall]: RecordedCall[K] };

export interface WaitForCallsOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
  filter?: (call: RecordedCall) => boolean;
  /** Count calls the fake has not answered yet (e.g. delayed ones); default false. */
  includePending?: boolean;
}

export interface WaitForResponsesOptions {
  timeoutMs?: number;
  /** Only posts to this response URL. */
  url?: string;
  filter?: (post: ResponseUrlPost) => boolean;
}

export const DEFAULT_WAIT_MS = 5000;

export class FakeClosedError extends Error {}

function summarizeArgs(args: JsonObject): string {
  const parts: string[] = [];
  for (const key of ["channel", "channel_id", "user", "user_id", "ts", "thread_ts", "code", "grant_type"]) {
    const value = args[key];
    if (typeof value === "string") parts.push(`${key}=${value}`);
  }
  if (typeof args.text === "string") parts.push(`text=${JSON.stringify(args.text.slice(0, 40))}`);
  if (Array.isArray(args.blocks)) parts.push(`blocks=${args.blocks.length}`);
  return parts.join(" ");
}

export function describeCall(call: RecordedCall): string {
  const answer =
    call.outcome === "error"
      ? `error ${call.error}`
      : call.outcome === "rate_limited" || call.outcome === "http_error"
        ? `${call.outcome} HTTP ${call.status}`
        : call.outcome;
  return `#${call.seq} ${call.method} → ${answer}${call.injected ? " (injected)" : ""} ${summarizeArgs(call.args)}`.trim();
}

export class CallRecorder {
  private list: MutableCall[] = [];
  private posts: ResponseUrlPost[] = [];
  private seq = 0;
  private readonly waiters = new Set<{ wake: () => void; fail: (error: Error) => void }>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  start(
    method: string,
    token: string | undefined,
    teamId: string | undefined,
    args: JsonObject,
  ): RecordedCall {
    this.seq += 1;
    const call: MutableCall = {
      seq: this.seq,
      method,
      token,
      teamId,
      args,
      at: this.now(),
      outcome: "pending",
      status: undefined,
      response: undefined,
      error: undefined,
      injected: false,
    };
    this.list.push(call);
    this.notify();
    return call;
  }

  finish(
    call: RecordedCall,
    result: { outcome: CallOutcome; status?: number; response?: JsonObject; injected: boolean },
  ): void {
    const mutable = call as MutableCall;
    mutable.outcome = result.outcome;
    mutable.status = result.status;
    mutable.response = result.response;
    mutable.injected = result.injected;
    const error = result.response?.error;
    mutable.error = typeof error === "string" ? error : undefined;
    this.notify();
  }

  recordResponsePost(post: ResponseUrlPost): void {
    this.posts.push(post);
    this.notify();
  }

  calls(method?: string): RecordedCall[] {
    return this.list.filter((call) => method === undefined || call.method === method);
  }

  responsePosts(url?: string): ResponseUrlPost[] {
    return this.posts.filter((post) => url === undefined || post.url === url);
  }

  /** Resolves with every matching call once at least `count` exist. */
  waitForCalls(method: string, count: number, options: WaitForCallsOptions = {}): Promise<RecordedCall[]> {
    const matching = () =>
      this.list.filter(
        (call) =>
          (method === "*" || call.method === method) &&
          (options.includePending === true || call.outcome !== "pending") &&
          (options.filter === undefined || options.filter(call)),
      );
    return this.waitUntil(
      () => {
        const found = matching();
        return found.length >= count ? found : undefined;
      },
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      (timeoutMs) => {
        const seen = this.list.map(describeCall);
        return [
          `fake Slack: expected ${count} ${method} call(s)${options.filter ? " matching the filter" : ""} within ${timeoutMs} ms, got ${matching().length}.`,
          seen.length === 0
            ? "No Web API calls arrived."
            : `Calls received:\n  ${seen.slice(-30).join("\n  ")}`,
        ].join("\n");
      },
    );
  }

  waitForResponsePosts(count: number, options: WaitForResponsesOptions = {}): Promise<ResponseUrlPost[]> {
    const matching = () =>
      this.responsePosts(options.url).filter((post) => options.filter === undefined || options.filter(post));
    return this.waitUntil(
      () => {
        const found = matching();
        return found.length >= count ? found : undefined;
      },
      options.timeoutMs ?? DEFAULT_WAIT_MS,
      (timeoutMs) => {
        const seen = this.posts.map((post) => `${post.url} ${JSON.stringify(post.body).slice(0, 120)}`);
        return [
          `fake Slack: expected ${count} response_url post(s)${options.url ? ` to ${options.url}` : ""} within ${timeoutMs} ms, got ${matching().length}.`,
          seen.length === 0 ? "No response_url posts arrived." : `Posts received:\n  ${seen.join("\n  ")}`,
          `Web API calls: ${this.list.map(describeCall).slice(-10).join("; ") || "none"}`,
        ].join("\n");
      },
    );
  }

  private waitUntil<T>(
    check: () => T | undefined,
    timeoutMs: number,
    describe: (timeoutMs: number) => string,
  ): Promise<T> {
    const first = check();
    if (first !== undefined) return Promise.resolve(first);
    if (this.closed) return Promise.reject(new FakeClosedError("fake Slack is closed"));
    // Captured here so the rejection's stack points at the test that waited.
    const timeoutError = new Error();
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        wake: () => {
          const found = check();
          if (found === undefined) return;
          done();
          resolve(found);
        },
        fail: (error: Error) => {
          done();
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        done();
        timeoutError.message = describe(timeoutMs);
        reject(timeoutError);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter.wake();
  }

  reset(): void {
    this.list = [];
    this.posts = [];
  }

  close(): void {
    this.closed = true;
    for (const waiter of [...this.waiters])
      waiter.fail(new FakeClosedError("fake Slack closed while a test was waiting"));
  }
}
