import { ErrorCode } from "../../src/errors";
import { WebhookRateLimiter } from "../../src/webhooks/webhook-rate-limiter";

describe("WebhookRateLimiter (1 request/s per webhook)", () => {
  it("spaces posts to one webhook about a second apart, in call order", async () => {
    const limiter = new WebhookRateLimiter(1);
    const started = Date.now();
    const times: number[] = [];
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        await limiter.acquire("configuration-a");
        times.push(Date.now() - started);
        order.push(i);
      }),
    );
    expect(order).toEqual([0, 1, 2]);
    // Timing-based but tolerant: the first at once, then ≥ ~1 s apart, and not much later.
    expect(times[0]).toBeLessThan(150);
    expect(times[1]).toBeGreaterThanOrEqual(950);
    expect(times[2]).toBeGreaterThanOrEqual(1950);
    expect(times[2]).toBeLessThan(3000);
  });

  it("keeps webhooks independent", async () => {
    const limiter = new WebhookRateLimiter(1);
    await limiter.acquire("a");
    const started = Date.now();
    await Promise.all([limiter.acquire("b"), limiter.acquire("c")]);
    expect(Date.now() - started).toBeLessThan(150);
    expect(limiter.waitMs("a")).toBeGreaterThan(800);
    expect(limiter.size()).toBe(3);
  });

  it("lets a later call through once the second has passed", async () => {
    let now = 10_000;
    const limiter = new WebhookRateLimiter(1, () => now);
    await limiter.acquire("a");
    now += 1000;
    expect(limiter.waitMs("a")).toBe(0);
    const started = Date.now();
    await limiter.acquire("a");
    expect(Date.now() - started).toBeLessThan(50);
  });

  it("pauses a webhook that answered 429 for its Retry-After", async () => {
    let now = 50_000;
    const limiter = new WebhookRateLimiter(1, () => now);
    limiter.pause("a", 3000);
    expect(limiter.waitMs("a")).toBe(3000);
    now += 2900;
    expect(limiter.waitMs("a")).toBe(100);
    expect(limiter.waitMs("b")).toBe(0);
  });

  it("gives up waiting when aborted", async () => {
    const limiter = new WebhookRateLimiter(1);
    await limiter.acquire("a");
    const controller = new AbortController();
    const waiting = limiter.acquire("a", controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: ErrorCode.DeliveryAborted });
  });

  it("refuses a rate that is not positive", () => {
    expect(() => new WebhookRateLimiter(0)).toThrow(/perSecond > 0/);
  });
});
