/**
 * When to try again after a transient failure (Slack 5xx, network error, timeout): exponential
 * with ±25 % jitter so replicas and channels that failed together do not retry together.
 * Defaults (base 5 s, cap 5 min): 5, 10, 20, 40, 80, 160, 300, 300 … s, until the delivery is
 * DELIVERY_MAX_AGE old (24 h): an outage of hours ends in deliveries, not in dead letters.
 */

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Age (since the delivery was stored) before which a transient failure never gives up. */
  maxAgeMs: number;
  /** Attempts before which a transient failure never gives up, whatever the age. */
  maxAttempts: number;
}

/** Delay before the next attempt, after `failedAttempts` (≥ 1) failures in a row. */
export function backoffDelayMs(
  failedAttempts: number,
  policy: Pick<BackoffPolicy, "baseMs" | "maxMs">,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, failedAttempts - 1);
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 40));
  return Math.round(Math.min(policy.maxMs, nominal * (0.75 + random() * 0.5)));
}

/**
 * After `attempts` attempts (the failed one included) of a delivery stored at `createdAt`: retry
 * later, or give up — only when it is both old enough and tried often enough.
 */
export function nextStep(
  attempts: number,
  createdAt: number,
  policy: BackoffPolicy,
  now: number,
  random: () => number = Math.random,
): { kind: "retry"; at: Date } | { kind: "dead" } {
  if (attempts >= policy.maxAttempts && now - createdAt >= policy.maxAgeMs) return { kind: "dead" };
  return { kind: "retry", at: new Date(now + backoffDelayMs(attempts, policy, random)) };
}
