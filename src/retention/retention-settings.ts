/**
 * RETENTION and AUDIT_RETENTION. config.ts reads the environment and hands it here, so a malformed
 * value fails the start-up with the other variables' problems.
 */
import { parseDuration } from "../duration";
import { ChatbotError, ErrorCode } from "../errors";

export interface RetentionSettings {
  /** Posted messages and their deliveries, and alarm threads unused, are deleted once this old. */
  retentionMs: number;
  /** Dead letters and the audit log are kept this long. */
  auditRetentionMs: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  retentionMs: 30 * DAY_MS,
  auditRetentionMs: 365 * DAY_MS,
};

/**
 * Shorter than this and an SNS retry (SNS retries for up to an hour with a custom policy) could find
 * its first copy gone and be delivered twice; a minute is still allowed for soak tests.
 */
const MIN_RETENTION_MS = 60_000;

type Environment = Record<string, string | undefined>;

function durationFrom(env: Environment, variable: string, fallback: number, problems: string[]): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < MIN_RETENTION_MS) {
    problems.push(`${variable} must be a duration of at least 1m, such as 30d, 720h or 90m (got "${raw}")`);
    return fallback;
  }
  return ms;
}

/** Throws ChatbotError(ConfigInvalid) with one line per malformed variable. */
export function parseRetentionSettings(env: Environment): RetentionSettings {
  const problems: string[] = [];
  const settings: RetentionSettings = {
    retentionMs: durationFrom(env, "RETENTION", DEFAULT_RETENTION_SETTINGS.retentionMs, problems),
    auditRetentionMs: durationFrom(
      env,
      "AUDIT_RETENTION",
      DEFAULT_RETENTION_SETTINGS.auditRetentionMs,
      problems,
    ),
  };
  if (problems.length > 0) throw new ChatbotError(ErrorCode.ConfigInvalid, problems.join("\n"));
  return settings;
}

/**
 * How often the job runs: a quarter of RETENTION (so rows live at most 1.25 × RETENTION), at least
 * every 5 minutes and at most every 10 seconds.
 */
export function retentionIntervalMs(settings: RetentionSettings): number {
  return Math.min(300_000, Math.max(10_000, Math.floor(settings.retentionMs / 4)));
}
