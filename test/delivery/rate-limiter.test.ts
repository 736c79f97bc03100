import { CHANNEL_MARGIN_MS, SlackRateLimiter, TokenBucket } from "../../src/delivery/rate-limiter";
import { FLOOR_SHARE, RECOVER_MS } from "../../src/delivery/shared-rate";
import { ErrorCode } from "../../src/errors";

const RATES = {
  post: { channel: { perSecond: 1, burst: 3 }, workspace: { perSecond: 10, burst: 10 } },
  update: { workspace: { perSecond: 1, burst: 1 } },
};

/** Acquires and records when (fake ms since start) each acquisition was granted. */
function recorder(limiter: SlackRateLimiter, start: number) {
  const granted: Record<string, number[]> = {};
  const take = (workspace: string, channel: string, lane: "post" | "update" = "post", signal?: AbortSignal) =>
    limiter.acquire(lane, workspace, channel, signal).then(() => {
      const key = `${lane}:${workspace}:${channel}`;
      granted[key] = [...(granted[key] ?? []), Date.now() - start];
    });
  return { granted, take };
}

describe("TokenBucket", () => {
  it("gives the burst at once, then one token per 1/rate", () => {
    const bucket = new TokenBucket({ perSecond: 2, burst: 3 }, 0);
    expect([bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0), bucket.tryTake(0)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(bucket.waitMs(0)).toBe(500);
    expect(bucket.waitMs(250)).toBe(250);
    expect(bucket.tryTake(500)).toBe(true);
    expect(bucket.tryTake(500)).toBe(false);
    // Never more than the burst, however long it rested.
    expect([
      bucket.tryTake(60_000),
      bucket.tryTake(60_000),
      bucket.tryTake(60_000),
      bucket.tryTake(60_000),
    ]).toEqual([true, true, true, false]);
  });

  it("adapts after a 429: halves once per pause, floors at 1/8, creeps back to the setting when quiet", () => {
    const bucket = new TokenBucket({ perSecond: 8, burst: 8 }, 0);
    bucket.throttle(0, 2_000);
    // A 429 of a post that was in flight during the pause does not halve it again.
    bucket.throttle(500, 2_000);
    expect(bucket.rate(2_000)).toBe(4);
    expect(bucket.waitMs(1_000)).toBeGreaterThan(0);
    expect(bucket.tryTake(2_000)).toBe(true);
    expect(bucket.waitMs(2_000)).toBe(250);
    expect(bucket.rate(2_000 + RECOVER_MS / 4)).toBe(6);
    expect(bucket.rate(2_000 + RECOVER_MS)).toBe(8);
    // Five 429s in a row (each after the previous pause ended): 8 → 4 → 2 → 1 → floor 1 → 1.
    for (let i = 0; i < 5; i++) bucket.throttle(100_000 + 2 * i, 100_001 + 2 * i);
    expect(bucket.rate(100_009)).toBeCloseTo(8 * FLOOR_SHARE, 2);
  });

  it("refuses a rate that cannot work", () => {
    expect(() => new TokenBucket({ perSecond: 0, burst: 1 }, 0)).toThrow(/perSecond > 0/);
    expect(() => new TokenBucket({ perSecond: 1, burst: 0 }, 0)).toThrow(/burst ≥ 1/);
  });
});

describe("SlackRateLimiter", () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it("lets a channel burst 3, then 1 message per second", async () => {
    const limiter = new SlackRateLimiter(RATES);
    const { granted, take } = recorder(limiter, Date.now());
    const all = Promise.all([0, 1, 2, 3, 4].map(async () => take("T1", "C1")));
    // Five waiters on one channel: three at once, then one per second.
    await jest.advanceTimersByTimeAsync(5_000);
    await all;
    const times = granted["post:T1:C1"];
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    // A wait for a channel token is CHANNEL_MARGIN_MS longer (Slack's bucket starts a little later).
    expect(times[3]).toBeGreaterThanOrEqual(1_000 + CHANNEL_MARGIN_MS);
    expect(times[3]).toBeLessThan(1_100 + CHANNEL_MARGIN_MS);
    expect(times[4]).toBeGreaterThanOrEqual(2_000);
    // The margin shifts the phase, not the rate: the fifth comes about a second after the fourth.
    expect(times[4]).toBeLessThan(2_100 + CHANNEL_MARGIN_MS);
  });

  it("estimates the wait of the update lane: its queue, its refill and a 429 pause", async () => {
    const limiter = new SlackRateLimiter(RATES);
    expect(limiter.estimatedWaitMs("update", "T1")).toBe(0);
    const { take } = recorder(limiter, Date.now());
    const all = Promise.all([0, 1, 2].map(async () => take("T1", "C1", "update")));
    await jest.advanceTimersByTimeAsync(0);
    // One went at once (burst 1); two wait at 1/s: about 2 s for the next caller.
    expect(limiter.estimatedWaitMs("update", "T1")).toBeGreaterThanOrEqual(2_000);
    expect(limiter.estimatedWaitMs("update", "T1")).toBeLessThanOrEqual(3_000);
    await jest.advanceTimersByTimeAsync(3_000);
    await all;
    limiter.pauseWorkspace("update", "T1", 30_000);
    expect(limiter.estimatedWaitMs("update", "T1")).toBeGreaterThanOrEqual(29_000);
    expect(limiter.estimatedWaitMs("update", "T2")).toBe(0);
  });

  it("paces channels independently: a noisy channel does not delay a quiet one", async () => {
    const limiter = new SlackRateLimiter(RATES);
    const { granted, take } = recorder(limiter, Date.now());
    const noisy = Promise.all(Array.from({ length: 6 }, () => take("T1", "NOISY")));
    await jest.advanceTimersByTimeAsync(100);
    const quiet = take("T1", "QUIET");
    await jest.advanceTimersByTimeAsync(10);
    await quiet;
    expect(granted["post:T1:QUIET"]).toEqual([100]);
    await jest.advanceTimersByTimeAsync(5_000);
    await noisy;
  });

  it("serves a workspace's waiters in arrival order at the workspace rate", async () => {
    const limiter = new SlackRateLimiter({
      ...RATES,
      post: { channel: { perSecond: 100, burst: 100 }, workspace: { perSecond: 2, burst: 1 } },
    });
    const order: string[] = [];
    const waits = ["A", "B", "C", "A", "D"].map((channel) =>
      limiter.acquire("post", "T1", channel).then(() => order.push(channel)),
    );
    await jest.advanceTimersByTimeAsync(1_000);
    expect(order).toEqual(["A", "B", "C"]);
    await jest.advanceTimersByTimeAsync(1_000);
    await Promise.all(waits);
    expect(order).toEqual(["A", "B", "C", "A", "D"]);
  });

  it("a 429 pauses only that lane of that workspace, for Retry-After", async () => {
    const limiter = new SlackRateLimiter(RATES);
    const start = Date.now();
    const { granted, take } = recorder(limiter, start);
    limiter.pauseWorkspace("post", "T1", 3_000);
    expect(limiter.pausedUntil("post", "T1")).toBe(start + 3_000);
    expect(limiter.pausedUntil("post", "T2")).toBe(0);
    const waits = [take("T1", "C1"), take("T1", "C2"), take("T2", "C3"), take("T1", "C1", "update")];
    await jest.advanceTimersByTimeAsync(10);
    expect(granted["post:T2:C3"]).toEqual([0]);
    expect(granted["update:T1:C1"]).toEqual([0]);
    expect(granted["post:T1:C1"]).toBeUndefined();
    await jest.advanceTimersByTimeAsync(3_500);
    await Promise.all(waits);
    // One post at the end of the pause, the next at the halved rate (5/s): 200 ms later.
    expect(granted["post:T1:C1"][0]).toBe(3_000);
    expect(granted["post:T1:C2"][0]).toBeGreaterThanOrEqual(3_200);
    expect(limiter.pausedUntil("post", "T1")).toBe(0);
  });

  it("an aborted wait rejects with DeliveryAborted and gives up its place", async () => {
    const limiter = new SlackRateLimiter(RATES);
    limiter.pauseWorkspace("post", "T1", 1_000);
    const controller = new AbortController();
    const aborted = limiter.acquire("post", "T1", "C1", controller.signal);
    const next = limiter.acquire("post", "T1", "C2");
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: ErrorCode.DeliveryAborted });
    await jest.advanceTimersByTimeAsync(1_100);
    await expect(next).resolves.toBeUndefined();
    await expect(limiter.acquire("post", "T1", "C3", controller.signal)).rejects.toMatchObject({
      code: ErrorCode.DeliveryAborted,
    });
  });

  it("forgets buckets that were idle for ten minutes", async () => {
    const fast = { perSecond: 1e6, burst: 1e6 };
    const limiter = new SlackRateLimiter({ ...RATES, post: { channel: fast, workspace: fast } });
    for (let i = 0; i < 100; i++) await limiter.acquire("post", "T1", `C${i}`);
    expect(limiter.size()).toEqual({ channels: 100, workspaces: 1 });
    jest.setSystemTime(Date.now() + 11 * 60_000);
    // Pruning runs every 4096 acquisitions.
    for (let i = 0; i < 4096; i++) await limiter.acquire("post", "T2", "HOT");
    expect(limiter.size().channels).toBe(1);
  });
});
