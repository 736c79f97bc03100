/**
 * A channel configuration's notification filters (the `filters` column, JSON): what they may hold,
 * how they are stored (zod-validated), compiled once and evaluated on the ingest path (pure), and how
 * they read in one line. Every criterion is optional; a notification passes when it meets all.
 */
import { z } from "zod";
import { headerLine, type Notification, type ServiceId, type Severity } from "../notifications";
import { AWS_REGIONS } from "./regions";
import {
  compileTextPattern,
  TEXT_HAYSTACK_MAX,
  TEXT_PATTERN_MAX_LENGTH,
  type TextPattern,
} from "./text-pattern";

/** Minimum severities, most severe first. */
export const FILTER_LEVELS = ["critical", "high", "medium", "low", "info"] as const;
export type FilterLevel = (typeof FILTER_LEVELS)[number];

/** The formatters' service ids (notifications/types.ts ServiceId), as `/aws help filter` lists them. */
export const FILTER_SERVICES = [
  "cloudwatch",
  "guardduty",
  "securityhub",
  "health",
  "codepipeline",
  "codebuild",
  "codedeploy",
  "config",
  "ssm",
  "ecs",
  "ec2",
  "autoscaling",
  "stepfunctions",
  "inspector",
  "access-analyzer",
  "trustedadvisor",
  "backup",
  "rds",
  "cloudtrail",
  "cost-anomaly",
  "budgets",
  "cloudformation",
  "elasticbeanstalk",
  "dms",
  "glue",
  "codecommit",
  "custom",
  "eventbridge",
  "text",
  "unknown",
] as const satisfies readonly ServiceId[];
// Fails to compile when notifications/ gains a service this list lacks.
type MissingService = Exclude<ServiceId, (typeof FILTER_SERVICES)[number]>;
export const EVERY_SERVICE_LISTED: [MissingService] extends [never] ? true : never = true;

export const MAX_LIST_ITEMS = 20;
const STATE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const ACCOUNT = /^\d{12}$/;
const REGION_CODES = new Set(AWS_REGIONS.map((region) => region.code));

const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_LIST_ITEMS).optional();

/** The stored shape. Unknown keys are refused, so a typo in a stored filter is found, not ignored. */
export const channelFilterSchema = z
  .object({
    severity: z.enum(FILTER_LEVELS).optional(),
    /** Notifications without a severity are let through unless strict. */
    strict: z.boolean().optional(),
    services: list(z.enum(FILTER_SERVICES)),
    excludeServices: list(z.enum(FILTER_SERVICES)),
    states: list(z.string().regex(STATE)),
    excludeStates: list(z.string().regex(STATE)),
    accounts: list(z.string().regex(ACCOUNT)),
    regions: list(z.string().refine((code) => REGION_CODES.has(code), "not an AWS region")),
    match: z.string().min(1).max(TEXT_PATTERN_MAX_LENGTH).optional(),
    exclude: z.string().min(1).max(TEXT_PATTERN_MAX_LENGTH).optional(),
  })
  .strict();

export type ChannelFilter = z.infer<typeof channelFilterSchema>;

export function isEmptyFilter(filter: ChannelFilter): boolean {
  return Object.values(filter).every((value) => value === undefined);
}

/** What is stored: null for no filter at all. Keys in a fixed order, so equal filters store equal text. */
export function serializeFilter(filter: ChannelFilter): string | null {
  if (isEmptyFilter(filter)) return null;
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(channelFilterSchema.shape) as (keyof ChannelFilter)[])
    if (filter[key] !== undefined) ordered[key] = filter[key];
  return JSON.stringify(ordered);
}

export type StoredFilter = { ok: true; filter: ChannelFilter } | { ok: false; problem: string };

/** The stored text, read back: an empty filter for null; a problem for anything malformed. */
export function parseStoredFilter(text: string | null): StoredFilter {
  if (text === null || text.trim() === "") return { ok: true, filter: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "not JSON" };
  }
  const parsed = channelFilterSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: z.prettifyError(parsed.error).replace(/\n/g, "; ") };
  for (const key of ["match", "exclude"] as const) {
    const source = parsed.data[key];
    if (source === undefined) continue;
    const compiled = compileTextPattern(source);
    if (!compiled.ok) return { ok: false, problem: `${key}: ${compiled.problem}` };
  }
  return { ok: true, filter: parsed.data };
}

// ── evaluation ──────────────────────────────────────────────────────────────────────────────────

/** What filters look at, taken once from a notification. */
export interface FilterSubject {
  service: ServiceId;
  kind: string;
  severity?: Severity;
  state?: string;
  account?: string;
  region?: string;
  /** The header line and the summary, cut to TEXT_HAYSTACK_MAX. */
  text: string;
  /** `text` in lower case, for substring patterns (computed once per notification). */
  lowerText?: string;
  /** `state` and `kind` in upper case (computed once per notification). */
  upperState?: string;
  upperKind?: string;
  /**
   * Pattern results by source, shared by every filter evaluated on this notification: fifty
   * channels with the same `match` run it once.
   */
  patternResults?: Map<string, boolean | undefined>;
}

export function filterSubjectOf(notification: Notification): FilterSubject {
  const summary = notification.summary ?? "";
  const text = `${headerLine(notification)}\n${summary}`.slice(0, TEXT_HAYSTACK_MAX);
  return {
    service: notification.service,
    kind: notification.kind,
    severity: notification.severity,
    state: notification.state,
    account: notification.account,
    region: notification.region,
    text,
    lowerText: text.toLowerCase(),
    upperState: notification.state?.toUpperCase(),
    upperKind: notification.kind.toUpperCase(),
    patternResults: new Map(),
  };
}

/** `ok` ranks below `info`: a recovery is the least severe news (see the ALARM→OK rule in ingest). */
const RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, ok: 0 };

export interface CompiledFilter {
  filter: ChannelFilter;
  match?: TextPattern;
  exclude?: TextPattern;
  services?: ReadonlySet<string>;
  excludeServices?: ReadonlySet<string>;
  states?: ReadonlySet<string>;
  excludeStates?: ReadonlySet<string>;
  accounts?: ReadonlySet<string>;
  regions?: ReadonlySet<string>;
}

const upperSet = (items: readonly string[] | undefined) =>
  items === undefined ? undefined : new Set(items.map((item) => item.toUpperCase()));
const asSet = (items: readonly string[] | undefined) => (items === undefined ? undefined : new Set(items));

/** A valid filter compiled for evaluation (patterns were checked when it was parsed). */
export function compileFilter(filter: ChannelFilter): CompiledFilter {
  const pattern = (source: string | undefined) => {
    if (source === undefined) return undefined;
    const compiled = compileTextPattern(source);
    return compiled.ok ? compiled.pattern : undefined;
  };
  return {
    filter,
    match: pattern(filter.match),
    exclude: pattern(filter.exclude),
    services: asSet(filter.services),
    excludeServices: asSet(filter.excludeServices),
    states: upperSet(filter.states),
    excludeStates: upperSet(filter.excludeStates),
    accounts: asSet(filter.accounts),
    regions: asSet(filter.regions),
  };
}

/** Whether the state word or the event kind is one of them (case-insensitive). */
function stateIn(states: ReadonlySet<string>, subject: FilterSubject): boolean {
  const state = subject.upperState ?? subject.state?.toUpperCase();
  return (
    (state !== undefined && states.has(state)) || states.has(subject.upperKind ?? subject.kind.toUpperCase())
  );
}

/** True when the notification passes every criterion. Never throws. */
export function passesFilter(compiled: CompiledFilter, subject: FilterSubject): boolean {
  const { filter } = compiled;
  if (filter.severity !== undefined) {
    if (subject.severity === undefined) {
      if (filter.strict === true) return false;
    } else if (RANK[subject.severity] < RANK[filter.severity]) return false;
  }
  if (compiled.services !== undefined && !compiled.services.has(subject.service)) return false;
  if (compiled.excludeServices?.has(subject.service)) return false;
  if (compiled.states !== undefined && !stateIn(compiled.states, subject)) return false;
  if (compiled.excludeStates !== undefined && stateIn(compiled.excludeStates, subject)) return false;
  if (compiled.accounts !== undefined && !compiled.accounts.has(subject.account ?? "")) return false;
  if (compiled.regions !== undefined && !compiled.regions.has(subject.region ?? "")) return false;
  // A pattern switched off for going over its time budget answers undefined: it then filters nothing.
  if (compiled.match !== undefined && patternResult(compiled.match, subject) === false) return false;
  if (compiled.exclude !== undefined && patternResult(compiled.exclude, subject) === true) return false;
  return true;
}

function patternResult(pattern: TextPattern, subject: FilterSubject): boolean | undefined {
  if (!pattern.regex) return pattern.test(subject.text, subject.lowerText);
  const memo = subject.patternResults;
  if (memo?.has(pattern.source)) return memo.get(pattern.source);
  const result = pattern.test(subject.text, subject.lowerText);
  memo?.set(pattern.source, result);
  return result;
}

// ── how a filter reads ──────────────────────────────────────────────────────────────────────────

/** One line, in the slash grammar's words: "severity ≥ high (strict) · services guardduty, …". */
export function describeFilter(filter: ChannelFilter): string {
  const parts: string[] = [];
  if (filter.severity !== undefined)
    parts.push(`severity ≥ ${filter.severity}${filter.strict === true ? " (strict)" : ""}`);
  if (filter.services) parts.push(`services ${filter.services.join(", ")}`);
  if (filter.excludeServices) parts.push(`not services ${filter.excludeServices.join(", ")}`);
  if (filter.states) parts.push(`states ${filter.states.join(", ")}`);
  if (filter.excludeStates) parts.push(`not states ${filter.excludeStates.join(", ")}`);
  if (filter.accounts) parts.push(`accounts ${filter.accounts.join(", ")}`);
  if (filter.regions) parts.push(`regions ${filter.regions.join(", ")}`);
  if (filter.match !== undefined) parts.push(`match "${filter.match}"`);
  if (filter.exclude !== undefined) parts.push(`exclude "${filter.exclude}"`);
  return parts.length === 0 ? "none (every notification)" : parts.join(" · ");
}

/** The stored text in one line; a malformed one says so (it is let through: fail safe). */
export function describeStoredFilter(text: string | null): string {
  const stored = parseStoredFilter(text);
  return stored.ok
    ? describeFilter(stored.filter)
    : `unreadable (${stored.problem}): every notification is delivered`;
}
