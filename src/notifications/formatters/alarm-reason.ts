/**
 * CloudWatch's `NewStateReason` lists every datapoint it evaluated: 200 of them are ~3,000
 * characters, two phone screens. People need the verdict: how many breached, against what, and
 * the latest value — "200 of 200 datapoints < 4 · latest 0.0 at 05:30 UTC".
 */

const COMPARISONS: [RegExp, string][] = [
  [/^greater than or equal to$/, "≥"],
  [/^greater than$/, ">"],
  [/^less than or equal to$/, "≤"],
  [/^less than$/, "<"],
  // Recoveries: "was not greater than the threshold".
  [/^not greater than or equal to$/, "<"],
  [/^not greater than$/, "≤"],
  [/^not less than or equal to$/, ">"],
  [/^not less than$/, "≥"],
];

// Threshold Crossed: 3 out of the last 5 datapoints [84.5 (04/03/26 17:38:00), …] were greater than
// or equal to the threshold (80.0) (minimum 3 datapoints for OK -> ALARM transition).
const STATIC =
  /^Threshold Crossed: (?:(\d+) out of the last (\d+)|(\d+)) datapoints? \[([^\]]*)\] (?:was|were) ((?:not )?(?:greater|less) than(?: or equal to)?) the threshold \(([^)]+)\)/;
// Thresholds Crossed: 1 out of the last 1 datapoints [2.4 (…)] was less than the lower thresholds
// [1.2] or greater than the upper thresholds [1.9] (…).
const BAND =
  /^Thresholds Crossed: (?:(\d+) out of the last (\d+)|(\d+)) datapoints? \[([^\]]*)\] (?:was|were) (.+?) thresholds? \[([^\],\]]*)[^\]]*\](?: or (.+?) thresholds? \[([^\],\]]*)[^\]]*\])?/;
// 84.5 (04/03/26 17:38:00): CloudWatch writes datapoint times as dd/MM/yy HH:mm:ss in UTC.
const DATAPOINT = /(-?[\d.eE+-]+) \((\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)/g;

interface Datapoint {
  value: string;
  /** `yymmddHHMMSS`: sorts as the time does. */
  key: string;
  time: string;
}

function datapoint(text: string): Datapoint | undefined {
  DATAPOINT.lastIndex = 0;
  const m = DATAPOINT.exec(text);
  if (m === null) return undefined;
  return { value: m[1], key: `${m[4]}${m[3]}${m[2]}${m[5]}${m[6]}${m[7]}`, time: `${m[5]}:${m[6]}` };
}

/**
 * The first and the last datapoint of the list: CloudWatch writes the newest first, but reading
 * both ends costs nothing and does not depend on that order (a 200-point list is never parsed whole).
 */
function datapoints(list: string): Datapoint[] {
  const first = datapoint(list);
  const comma = list.lastIndexOf(", ");
  const last = comma === -1 ? undefined : datapoint(list.slice(comma + 2));
  return [first, last].filter((point): point is Datapoint => point !== undefined);
}

/** `4.0` → `4`, `0.25` stays; anything that is not a plain number is kept as written. */
function number(text: string): string {
  const value = Number(text.trim());
  return Number.isFinite(value) ? String(value) : text.trim();
}

function latest(points: Datapoint[]): string | undefined {
  if (points.length === 0) return undefined;
  const newest = points.reduce((a, b) => (b.key > a.key ? b : a));
  return `latest ${newest.value} at ${newest.time} UTC`;
}

/** "less than the lower", "1.2" → "< 1.2". */
function bandBound(words: string, value: string): string {
  const symbol = /greater/.test(words) ? ">" : /less/.test(words) ? "<" : words;
  return `${symbol} ${number(value)}`;
}

function count(m: RegExpExecArray): string {
  return m[1] === undefined ? `${m[3]} datapoints` : `${m[1]} of ${m[2]} datapoints`;
}

/**
 * The reason in one line when CloudWatch wrote it in one of its fixed forms; any other reason is
 * returned as is, with datapoint lists longer than three shortened.
 */
export function summarizeAlarmReason(reason: string): string {
  const text = reason.trim();
  const fixed = STATIC.exec(text);
  if (fixed !== null) {
    const symbol = COMPARISONS.find(([words]) => words.test(fixed[5]))?.[1] ?? fixed[5];
    return [`${count(fixed)} ${symbol} ${number(fixed[6])}`, latest(datapoints(fixed[4]))]
      .filter((part) => part !== undefined)
      .join(" · ");
  }
  const band = BAND.exec(text);
  if (band !== null) {
    // The first threshold goes with the first (newest) datapoint.
    const bounds = [bandBound(band[5], band[6])];
    if (band[7] !== undefined && band[8] !== undefined) bounds.push(bandBound(band[7], band[8]));
    return [`${count(band)} outside the band (${bounds.join(", ")})`, latest(datapoints(band[4]))]
      .filter((part) => part !== undefined)
      .join(" · ");
  }
  return shortenLists(text);
}

/** `[a, b, c, d, e]` → `[a, b, c, … +2 more]`, for reasons in a form not recognised above. */
function shortenLists(text: string): string {
  return text.replace(/\[([^\]]{200,})\]/g, (_whole, inner: string) => {
    const items = inner.split(/,\s*/);
    return items.length <= 3
      ? `[${inner}]`
      : `[${items.slice(0, 3).join(", ")}, … +${items.length - 3} more]`;
  });
}

const ALARM_ARN = /arn:aws[\w-]*:cloudwatch:[\w-]*:\d*:alarm:([^"'()\s,]+)/g;

/** A composite rule names its children by ARN; people know them by name. */
export function ruleWithNames(rule: string): string {
  return rule.replace(ALARM_ARN, "$1");
}
