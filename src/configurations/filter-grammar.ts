/**
 * The `/aws filter` grammar (CONTRACT.md), a pure parser from the text after `filter` to a change of
 * the channel's filter, or to a problem (then nothing changes):
 *
 *   filter                                  shows the filters
 *   filter severity LEVEL [strict]          critical > high > medium > low > info
 *   filter services ID…                     only these services (formatter ids)
 *   filter exclude-services ID…             never these
 *   filter states STATE…                    only these states / event kinds (ALARM, FAILED, finding…)
 *   filter exclude-states STATE…            never these
 *   filter accounts ID…  /  regions REGION…
 *   filter match TEXT  /  exclude TEXT      substring or /regex/, in the header and summary
 *   filter clear [CRITERION]                all, or one criterion
 *
 * The CLI's `--filter KEY=VALUE` (webhook rooms) goes through the same parser.
 */
import {
  type ChannelFilter,
  channelFilterSchema,
  FILTER_LEVELS,
  FILTER_SERVICES,
  type FilterLevel,
  MAX_LIST_ITEMS,
} from "./filters";
import { isKnownRegion } from "./regions";
import { compileTextPattern } from "./text-pattern";

export const FILTER_CRITERIA = [
  "severity",
  "services",
  "exclude-services",
  "states",
  "exclude-states",
  "accounts",
  "regions",
  "match",
  "exclude",
] as const;
export type FilterCriterion = (typeof FILTER_CRITERIA)[number];

export const FILTER_USAGE =
  "filter | filter severity critical|high|medium|low|info [strict] | filter services ID… | " +
  "filter exclude-services ID… | filter states STATE… | filter exclude-states STATE… | " +
  "filter accounts ACCOUNT-ID… | filter regions REGION… | filter match TEXT | filter exclude TEXT | " +
  "filter clear [CRITERION]";

export type FilterCommand =
  | { action: "show" }
  /** The criteria to set; the others stay as they are. */
  | { action: "set"; criterion: FilterCriterion; change: ChannelFilter }
  | { action: "clear"; criterion?: FilterCriterion };

export type ParsedFilterCommand = { ok: true; command: FilterCommand } | { ok: false; problem: string };

/** Which stored keys a criterion owns (severity owns `strict` too). */
const KEYS: Record<FilterCriterion, (keyof ChannelFilter)[]> = {
  severity: ["severity", "strict"],
  services: ["services"],
  "exclude-services": ["excludeServices"],
  states: ["states"],
  "exclude-states": ["excludeStates"],
  accounts: ["accounts"],
  regions: ["regions"],
  match: ["match"],
  exclude: ["exclude"],
};

const fail = (problem: string): ParsedFilterCommand => ({ ok: false, problem });
const shown = (token: string) => (token.length > 40 ? `${token.slice(0, 40)}…` : token).replace(/`/g, "'");

function isCriterion(word: string): word is FilterCriterion {
  return (FILTER_CRITERIA as readonly string[]).includes(word);
}

/** Slack escapes &, < and > in a command's text; a TEXT is matched as the user typed it. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Quotes or backticks around the whole text are not part of it. */
function unwrap(text: string): string {
  const match = /^([`"'“‘])(.*)([`"'”’])$/s.exec(text);
  return match !== null && match[2].trim() !== "" ? match[2] : text;
}

function words(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((word) => word.replace(/^[`'"]+|[`'"]+$/g, ""))
    .filter((word) => word !== "");
}

function parseSeverity(args: string[]): ParsedFilterCommand {
  const [level, ...rest] = args.map((arg) => arg.toLowerCase());
  if (level === undefined || !(FILTER_LEVELS as readonly string[]).includes(level))
    return fail(`\`filter severity\` needs a level: ${FILTER_LEVELS.join(", ")}.`);
  if (rest.length > 1 || (rest.length === 1 && rest[0] !== "strict"))
    return fail("`filter severity LEVEL` takes only `strict` after the level.");
  const strict = rest[0] === "strict" ? true : undefined;
  return set("severity", { severity: level as FilterLevel, strict });
}

function parseList(criterion: FilterCriterion, args: string[]): ParsedFilterCommand {
  if (args.length === 0) return fail(`\`filter ${criterion}\` needs at least one value.`);
  const unique = [...new Set(args)];
  if (unique.length > MAX_LIST_ITEMS)
    return fail(`\`filter ${criterion}\` takes at most ${MAX_LIST_ITEMS} values; you gave ${unique.length}.`);
  switch (criterion) {
    case "services":
    case "exclude-services": {
      const ids = unique.map((id) => id.toLowerCase());
      const unknown = ids.filter((id) => !(FILTER_SERVICES as readonly string[]).includes(id));
      if (unknown.length > 0)
        return fail(
          `Not a service id: ${unknown.map((id) => `\`${shown(id)}\``).join(", ")}. ` +
            `The service ids are: ${FILTER_SERVICES.join(", ")}.`,
        );
      const services = ids as ChannelFilter["services"];
      return set(criterion, criterion === "services" ? { services } : { excludeServices: services });
    }
    case "states":
    case "exclude-states": {
      const states = unique.map((state) => state.toUpperCase());
      const change = criterion === "states" ? { states } : { excludeStates: states };
      return set(criterion, change, "A state is a word such as ALARM, OK, FAILED or finding");
    }
    case "accounts": {
      const bad = unique.filter((id) => !/^\d{12}$/.test(id));
      if (bad.length > 0)
        return fail(
          `An AWS account id is 12 digits: ${bad.map((id) => `\`${shown(id)}\``).join(", ")} is not.`,
        );
      return set(criterion, { accounts: unique });
    }
    default: {
      const regions = unique.map((code) => code.toLowerCase());
      const bad = regions.filter((code) => !isKnownRegion(code));
      if (bad.length > 0)
        return fail(
          `Not an AWS region: ${bad.map((code) => `\`${shown(code)}\``).join(", ")} (e.g. us-east-1, eu-west-1).`,
        );
      return set(criterion, { regions });
    }
  }
}

function parseText(criterion: "match" | "exclude", rawText: string): ParsedFilterCommand {
  const text = unwrap(unescapeSlack(rawText.trim()));
  if (text.trim() === "") return fail(`\`filter ${criterion}\` needs the text (or /regex/) to look for.`);
  const compiled = compileTextPattern(text);
  if (!compiled.ok) return fail(compiled.problem);
  return set(criterion, { [criterion]: compiled.pattern.source });
}

/** The change, checked by the stored shape's own schema so nothing unstorable is ever accepted. */
function set(criterion: FilterCriterion, change: ChannelFilter, hint?: string): ParsedFilterCommand {
  const parsed = channelFilterSchema.safeParse(change);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(`\`filter ${criterion}\`: ${hint ?? first?.message ?? "invalid value"}.`);
  }
  return { ok: true, command: { action: "set", criterion, change: parsed.data } };
}

/** `rest`: the raw text after the word `filter`. */
export function parseFilterCommand(rest: string): ParsedFilterCommand {
  const trimmed = rest.trim();
  const [first = ""] = trimmed.split(/\s+/, 1);
  const word = first.toLowerCase();
  if (word === "") return { ok: true, command: { action: "show" } };
  const after = trimmed.slice(first.length);
  if (word === "clear") {
    const args = words(after).map((arg) => arg.toLowerCase());
    if (args.length === 0) return { ok: true, command: { action: "clear" } };
    if (args.length > 1 || !isCriterion(args[0]))
      return fail(`\`filter clear\` takes one criterion or none: ${FILTER_CRITERIA.join(", ")}.`);
    return { ok: true, command: { action: "clear", criterion: args[0] } };
  }
  if (!isCriterion(word))
    return fail(`\`${shown(first)}\` is not a filter criterion: use ${FILTER_CRITERIA.join(", ")} or clear.`);
  if (word === "match" || word === "exclude") return parseText(word, after);
  if (word === "severity") return parseSeverity(words(after));
  return parseList(word, words(after));
}

/** The filter after the command (show returns it unchanged). */
export function applyFilterCommand(filter: ChannelFilter, command: FilterCommand): ChannelFilter {
  if (command.action === "show") return filter;
  const next: ChannelFilter = { ...filter };
  if (command.action === "clear" && command.criterion === undefined) return {};
  const criterion = command.criterion as FilterCriterion;
  for (const key of KEYS[criterion]) delete next[key];
  if (command.action === "set") Object.assign(next, withoutUndefined(command.change));
  return next;
}

function withoutUndefined(filter: ChannelFilter): ChannelFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/**
 * The CLI's `--filter KEY=VALUE` options (webhook rooms): each is one criterion, lists separated by
 * commas (`services=guardduty,securityhub`, `severity=high,strict`); `none` means no filter. The
 * result replaces the room's filter.
 */
export function parseFilterAssignments(
  values: readonly string[],
): { ok: true; filter: ChannelFilter } | { ok: false; problem: string } {
  let filter: ChannelFilter = {};
  for (const value of values) {
    if (value.trim().toLowerCase() === "none") {
      filter = {};
      continue;
    }
    const at = value.indexOf("=");
    if (at <= 0)
      return { ok: false, problem: `--filter ${value}: expected KEY=VALUE (e.g. severity=high) or none.` };
    const key = value.slice(0, at).trim().toLowerCase();
    const rest = value.slice(at + 1);
    const text = key === "match" || key === "exclude" ? rest : rest.replace(/,/g, " ");
    const parsed = parseFilterCommand(`${key} ${text}`);
    if (!parsed.ok) return { ok: false, problem: `--filter ${value}: ${parsed.problem}` };
    if (parsed.command.action !== "set")
      return { ok: false, problem: `--filter ${value}: expected KEY=VALUE (e.g. severity=high) or none.` };
    filter = applyFilterCommand(filter, parsed.command);
  }
  return { ok: true, filter };
}
