/**
 * Durations as operators write them in the environment: `90s`, `30m`, `24h`, `30d`, `500ms`, or a
 * bare number of milliseconds. Pure, so config.ts can fail fast naming the variable.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;

/** Milliseconds of `text`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? "ms"];
  return Number.isFinite(ms) ? Math.round(ms) : undefined;
}
