/**
 * AWS services write times in at least six formats. `toIsoTime` turns the ones that name their zone
 * (or are UTC by convention) into ISO-8601 UTC; anything else is `undefined`, so a caller falls back
 * to the SNS `Timestamp` instead of guessing the server's local zone.
 */

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

// 2026-03-04T17:43:27.123+0000 / …Z / …+00:00 (ISO-8601; CloudWatch omits the offset's colon)
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC)?$/;
// Sat, 14 Mar 2026 16:12:00 GMT (AWS Health)
const RFC1123 = /^[A-Z][a-z]{2}, (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (GMT|UTC)$/;
// Tue Mar 24 06:31:42.118 UTC 2026 (Inspector), Sun Apr 05 17:38:12 UTC 2026 (Elastic Beanstalk)
const UNIX_DATE =
  /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? (UTC|GMT) (\d{4})$/;
// Mar 17, 2026 5:31:08 PM (CodeBuild, Systems Manager: UTC)
const US_DATE = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) (\d{1,2}):(\d{2}):(\d{2}) (AM|PM)$/;

// Already canonical (EventBridge `time`, SNS `Timestamp` with milliseconds): no Date round trip.
const CANONICAL = /^20\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export function toIsoTime(value: unknown): string | undefined {
  if (typeof value === "number") return fromEpoch(value);
  if (typeof value !== "string") return undefined;
  if (CANONICAL.test(value)) return value;
  const text = value.trim();
  let m = ISO.exec(text);
  if (m !== null) {
    const utcText = utcIsoText(m);
    if (utcText !== undefined) return utcText;
    const zone = m[8] === undefined || m[8] === "UTC" ? "Z" : m[8];
    const offset = zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    const millis = (m[7] ?? "0").padEnd(3, "0").slice(0, 3);
    return fromEpoch(
      Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}.${millis}${offset}`),
    );
  }
  m = RFC1123.exec(text);
  if (m !== null) return utc(+m[3], MONTHS[m[2]], +m[1], +m[4], +m[5], +m[6], 0);
  m = UNIX_DATE.exec(text);
  if (m !== null)
    return utc(+m[8], MONTHS[m[1]], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? "0").padEnd(3, "0").slice(0, 3));
  m = US_DATE.exec(text);
  if (m !== null) {
    const hour = (+m[4] % 12) + (m[7] === "PM" ? 12 : 0);
    return utc(+m[3], MONTHS[m[1]], +m[2], hour, +m[5], +m[6], 0);
  }
  if (/^\d{12,13}$/.test(text)) return fromEpoch(Number(text));
  return undefined;
}

const UTC_ZONES = new Set([undefined, "Z", "UTC", "+0000", "+00:00", "-0000", "-00:00"]);

/**
 * An ISO match that is plainly UTC and plainly valid (CloudWatch's `…+0000`), written out as
 * `toISOString` would without a Date round trip; anything less plain (another zone, a day past the
 * 28th, a year outside 2000–2099) is left to Date.
 */
function utcIsoText(m: RegExpExecArray): string | undefined {
  if (!UTC_ZONES.has(m[8])) return undefined;
  const year = m[1];
  if (year < "2000" || year > "2099" || m[2] < "01" || m[2] > "12" || m[3] < "01" || m[3] > "28")
    return undefined;
  if (m[4] > "23" || m[5] > "59" || (m[6] !== undefined && m[6] > "59")) return undefined;
  const millis = (m[7] ?? "0").padEnd(3, "0").slice(0, 3);
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}.${millis}Z`;
}

function utc(
  year: number,
  month: number | undefined,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): string | undefined {
  if (month === undefined) return undefined;
  return fromEpoch(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

function fromEpoch(ms: number): string | undefined {
  // Plausible range only: a stray number must not become year 50000.
  if (!Number.isFinite(ms) || ms < 946684800000 || ms > 4102444800000) return undefined;
  return new Date(ms).toISOString();
}

/** `2026-03-04 17:43:27 UTC`: readable everywhere, unambiguous. */
export function formatUtc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** `1h 02m 05s` between two ISO times, or `undefined`. */
export function formatDuration(startIso: string | undefined, endIso: string | undefined): string | undefined {
  if (startIso === undefined || endIso === undefined) return undefined;
  const seconds = Math.round((Date.parse(endIso) - Date.parse(startIso)) / 1000);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return formatSeconds(seconds);
}

export function formatSeconds(total: number): string {
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = Math.floor(total % 60);
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m ${String(s).padStart(2, "0")}s`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
