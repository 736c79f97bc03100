/**
 * Tuning of the delivery worker. config.ts reads the environment and hands it here, so these
 * variables fail fast like every other one. Defaults are what production wants; tests shorten the
 * lease, the poll and the backoff so crash and outage scenarios run in seconds.
 */
import { parseDuration } from "../duration";
import { ChatbotError, ErrorCode } from "../errors";

/** A token bucket: `burst` at once, then `perSecond` sustained. */
export interface RateSpec {
  perSecond: number;
  burst: number;
}

export interface DeliverySettings {
  /** How long a claimed delivery stays ours without renewal; a crashed replica's leases expire after it. */
  leaseMs: number;
  /** Fallback poll (ingest wakes the worker at once) and the clock of scheduled retries. */
  pollMs: number;
  /**
   * A delivery failing transiently (5xx, network errors, timeouts) becomes a dead letter only once it
   * is this old (since it was stored) — an outage shorter than this loses nothing to dead letters.
   */
  maxAgeMs: number;
  /** …and only after at least this many attempts (a floor; 429s never count as attempts). */
  maxAttempts: number;
  /** First retry delay; each further one doubles, ±25 % jitter, capped at backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** One chat.postMessage / chat.update HTTP request may take this long. */
  slackTimeoutMs: number;
  /** Slack allows ≈1 message/s per channel with short bursts (PROTOCOLS §2.1). */
  channelRate: RateSpec;
  /** Slack's workspace-wide limit is "several hundred messages per minute"; 429s pause a workspace anyway. */
  workspaceRate: RateSpec;
  /** chat.update is Tier 3 (50+ per minute per workspace); parents are updated within it. */
  updateRate: RateSpec;
  /** A resolved alarm (OK) quiet for this long gets a new parent message on its next state change. */
  newThreadAfterMs: number;
  /**
   * Storm digest (digests.ts): a channel with more than this many deliveries waiting gets one digest
   * message instead of one post each. 0 turns digests off.
   */
  digestThreshold: number;
  /** A digest nothing was added to for this long is finished; the next storm starts a new one. */
  digestQuietMs: number;
  /**
   * An open digest is updated (chat.update) when the workspace's update budget gives a turn within
   * this long; otherwise the new lines start a new digest (chat.postMessage), so they show sooner.
   */
  digestUpdateWaitMs: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  leaseMs: 30_000,
  pollMs: 1_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxAttempts: 8,
  backoffBaseMs: 5_000,
  backoffMaxMs: 300_000,
  slackTimeoutMs: 10_000,
  channelRate: { perSecond: 1, burst: 3 },
  workspaceRate: { perSecond: 10, burst: 30 },
  updateRate: { perSecond: 50 / 60, burst: 10 },
  newThreadAfterMs: 24 * 60 * 60 * 1000,
  digestThreshold: 3,
  digestQuietMs: 2 * 60 * 1000,
  digestUpdateWaitMs: 2_000,
};

type Environment = Record<string, string | undefined>;

function numberFrom(
  env: Environment,
  variable: string,
  fallback: number,
  { min, integer }: { min: number; integer: boolean },
  problems: string[],
): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    problems.push(`${variable} must be ${integer ? "an integer" : "a number"} ≥ ${min} (got "${raw}")`);
    return fallback;
  }
  return value;
}

function durationFrom(env: Environment, variable: string, fallback: number, problems: string[]): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1) {
    problems.push(`${variable} must be a duration such as 90s, 30m, 24h or 2d (got "${raw}")`);
    return fallback;
  }
  return ms;
}

/**
 * DELIVERY_* variables; every one is optional. Throws ChatbotError(ConfigInvalid) with one line per
 * malformed variable.
 */
export function parseDeliverySettings(env: Environment): DeliverySettings {
  const d = DEFAULT_DELIVERY_SETTINGS;
  const problems: string[] = [];
  const ms = (variable: string, fallback: number, min = 1) =>
    numberFrom(env, variable, fallback, { min, integer: true }, problems);
  const rate = (variable: string, fallback: number) =>
    numberFrom(env, variable, fallback, { min: 0.001, integer: false }, problems);
  const settings: DeliverySettings = {
    leaseMs: ms("DELIVERY_LEASE_MS", d.leaseMs, 100),
    pollMs: ms("DELIVERY_POLL_MS", d.pollMs, 10),
    maxAgeMs: durationFrom(env, "DELIVERY_MAX_AGE", d.maxAgeMs, problems),
    maxAttempts: ms("DELIVERY_MAX_ATTEMPTS", d.maxAttempts, 1),
    backoffBaseMs: ms("DELIVERY_BACKOFF_BASE_MS", d.backoffBaseMs),
    backoffMaxMs: ms("DELIVERY_BACKOFF_MAX_MS", d.backoffMaxMs),
    slackTimeoutMs: ms("DELIVERY_SLACK_TIMEOUT_MS", d.slackTimeoutMs, 100),
    channelRate: {
      perSecond: rate("DELIVERY_CHANNEL_PER_SECOND", d.channelRate.perSecond),
      burst: ms("DELIVERY_CHANNEL_BURST", d.channelRate.burst),
    },
    workspaceRate: {
      perSecond: rate("DELIVERY_WORKSPACE_PER_SECOND", d.workspaceRate.perSecond),
      burst: ms("DELIVERY_WORKSPACE_BURST", d.workspaceRate.burst),
    },
    updateRate: d.updateRate,
    newThreadAfterMs: ms("DELIVERY_NEW_THREAD_AFTER_MS", d.newThreadAfterMs, 0),
    digestThreshold: ms("DELIVERY_DIGEST_THRESHOLD", d.digestThreshold, 0),
    digestQuietMs: durationFrom(env, "DELIVERY_DIGEST_QUIET", d.digestQuietMs, problems),
    digestUpdateWaitMs: ms("DELIVERY_DIGEST_UPDATE_WAIT_MS", d.digestUpdateWaitMs, 0),
  };
  if (settings.backoffMaxMs < settings.backoffBaseMs) {
    problems.push(`DELIVERY_BACKOFF_MAX_MS must be ≥ DELIVERY_BACKOFF_BASE_MS (${settings.backoffBaseMs})`);
  }
  if (problems.length > 0) throw new ChatbotError(ErrorCode.ConfigInvalid, problems.join("\n"));
  return settings;
}
