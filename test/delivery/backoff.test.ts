import { backoffDelayMs, nextStep } from "../../src/delivery/backoff";
import { DEFAULT_DELIVERY_SETTINGS } from "../../src/delivery/settings";

const policy = {
  baseMs: DEFAULT_DELIVERY_SETTINGS.backoffBaseMs,
  maxMs: DEFAULT_DELIVERY_SETTINGS.backoffMaxMs,
  maxAttempts: DEFAULT_DELIVERY_SETTINGS.maxAttempts,
  maxAgeMs: DEFAULT_DELIVERY_SETTINGS.maxAgeMs,
};
const HOUR = 3_600_000;

describe("backoff", () => {
  it("doubles from the base, capped, with the middle of the jitter at the nominal delay", () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelayMs(n, policy, middle))).toEqual([
      5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });

  it("jitters ±25 % and never past the cap", () => {
    expect(backoffDelayMs(3, policy, () => 0)).toBe(15_000);
    expect(backoffDelayMs(3, policy, () => 0.999999)).toBe(25_000);
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(7, policy);
      expect(delay).toBeGreaterThanOrEqual(225_000);
      expect(delay).toBeLessThanOrEqual(300_000);
    }
  });

  it("backs off over about ten minutes, then keeps retrying every 5 minutes", () => {
    const now = 0;
    let total = 0;
    for (let attempts = 1; attempts < policy.maxAttempts; attempts++) {
      const step = nextStep(attempts, now, policy, now, () => 0.5);
      expect(step.kind).toBe("retry");
      if (step.kind === "retry") total += step.at.getTime() - now;
    }
    expect(total).toBe(615_000);
    expect(nextStep(100, now, policy, now, () => 0.5)).toEqual({ kind: "retry", at: new Date(300_000) });
  });

  it("never gives up on a transient failure before DELIVERY_MAX_AGE (24 h), however many attempts", () => {
    const createdAt = Date.UTC(2026, 0, 1);
    const justYounger = createdAt + 24 * HOUR - 1;
    expect(nextStep(1_000, createdAt, policy, justYounger).kind).toBe("retry");
    expect(nextStep(1_000, createdAt, policy, createdAt + 24 * HOUR)).toEqual({ kind: "dead" });
    // Old enough, but the attempts floor (DELIVERY_MAX_ATTEMPTS) is not reached yet: one more try.
    expect(nextStep(2, createdAt, policy, createdAt + 48 * HOUR).kind).toBe("retry");
  });
});
