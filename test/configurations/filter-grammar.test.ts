import { type ParsedCommand, parseAwsCommand, USAGE } from "../../src/configurations/command-grammar";
import {
  applyFilterCommand,
  FILTER_USAGE,
  parseFilterAssignments,
  parseFilterCommand,
} from "../../src/configurations/filter-grammar";
import {
  type ChannelFilter,
  compileFilter,
  describeFilter,
  describeStoredFilter,
  FILTER_SERVICES,
  type FilterSubject,
  parseStoredFilter,
  passesFilter,
  serializeFilter,
} from "../../src/configurations/filters";
import {
  catastrophicReason,
  compileTextPattern,
  PATTERN_BUDGET_MS,
} from "../../src/configurations/text-pattern";

function command(parsed: ParsedCommand) {
  if (!parsed.ok) throw new Error(`expected a command, got ${parsed.problem}`);
  return parsed.command;
}

function filterAfter(text: string, start: ChannelFilter = {}): ChannelFilter {
  const parsed = parseFilterCommand(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return applyFilterCommand(start, parsed.command);
}

function problemOf(text: string): string {
  const parsed = parseAwsCommand(text);
  if (parsed.ok) throw new Error(`expected a problem for ${text}`);
  expect(parsed.usage).toBe(FILTER_USAGE);
  expect(parsed.problem).toContain("Nothing was changed.");
  return parsed.problem;
}

describe("/aws filter grammar", () => {
  it("`filter` shows, `help filter` explains; both are read-only kinds", () => {
    expect(command(parseAwsCommand("filter"))).toEqual({ kind: "filter-show" });
    expect(command(parseAwsCommand("help filter"))).toEqual({ kind: "help-filter" });
    expect(command(parseAwsCommand("help"))).toEqual({ kind: "help" });
    expect(USAGE.filter).toBe(FILTER_USAGE);
  });

  it("sets each criterion in the issue's words", () => {
    expect(filterAfter("severity high")).toEqual({ severity: "high" });
    expect(filterAfter("severity CRITICAL strict")).toEqual({ severity: "critical", strict: true });
    expect(filterAfter("services guardduty securityhub")).toEqual({ services: ["guardduty", "securityhub"] });
    expect(filterAfter("exclude-services health")).toEqual({ excludeServices: ["health"] });
    expect(filterAfter("states ALARM")).toEqual({ states: ["ALARM"] });
    expect(filterAfter("exclude-states ok")).toEqual({ excludeStates: ["OK"] });
    expect(filterAfter("accounts 111122223333, 444455556666")).toEqual({
      accounts: ["111122223333", "444455556666"],
    });
    expect(filterAfter("regions us-east-1 eu-west-1")).toEqual({ regions: ["us-east-1", "eu-west-1"] });
    expect(filterAfter("match disk  full")).toEqual({ match: "disk  full" });
    expect(filterAfter('exclude "/^ok\\b/i"')).toEqual({ exclude: "/^ok\\b/i" });
    // Slack escapes & < > in a command's text; the filter keeps what the user typed.
    expect(filterAfter("match a &lt;b&gt; &amp; c")).toEqual({ match: "a <b> & c" });
  });

  it("criteria combine; a second severity replaces the first and drops strict", () => {
    let filter = filterAfter("severity high strict");
    filter = filterAfter("services cloudwatch", filter);
    filter = filterAfter("severity medium", filter);
    expect(filter).toEqual({ severity: "medium", services: ["cloudwatch"] });
    expect(filterAfter("clear services", filter)).toEqual({ severity: "medium" });
    expect(filterAfter("clear", filter)).toEqual({});
  });

  it.each([
    ["filter severity urgent", "needs a level"],
    ["filter severity", "needs a level"],
    ["filter severity high loud", "only `strict`"],
    ["filter services lambda", "Not a service id: `lambda`"],
    ["filter services", "needs at least one value"],
    ["filter accounts 12345", "12 digits"],
    ["filter regions mars-1", "Not an AWS region"],
    ["filter states AL/ARM", "A state is a word"],
    ["filter match", "needs the text"],
    ["filter match /(a+)+$/", "repeats a group"],
    ["filter match /(x|xx)*y/", "repeats a group"],
    ["filter match /(a)\\1/", "backreference"],
    ["filter match /[/", "not a valid regular expression"],
    [`filter match ${"x".repeat(201)}`, "at most 200"],
    ["filter clear everything", "takes one criterion"],
    ["filter color red", "not a filter criterion"],
  ])("%s is refused with the grammar", (text, expected) => {
    expect(problemOf(text)).toContain(expected);
  });

  it("refuses more than 20 values", () => {
    const accounts = Array.from({ length: 21 }, (_, i) => String(100000000000 + i)).join(" ");
    expect(problemOf(`filter accounts ${accounts}`)).toContain("at most 20");
  });

  it("the CLI's --filter KEY=VALUE goes through the same parser", () => {
    expect(
      parseFilterAssignments(["severity=high,strict", "services=guardduty,securityhub", "match=disk full"]),
    ).toEqual({
      ok: true,
      filter: { severity: "high", strict: true, services: ["guardduty", "securityhub"], match: "disk full" },
    });
    expect(parseFilterAssignments(["severity=high", "none"])).toEqual({ ok: true, filter: {} });
    const bad = parseFilterAssignments(["severity"]);
    expect(bad.ok).toBe(false);
    expect(parseFilterAssignments(["regions=mars-1"])).toMatchObject({ ok: false });
  });
});

describe("text patterns", () => {
  it("a substring matches in any case; a /regex/ is case-insensitive", () => {
    const sub = compileTextPattern("Disk Full");
    const re = compileTextPattern("/prod-(web|api)-\\d+/");
    if (!sub.ok || !re.ok) throw new Error("should compile");
    expect(sub.pattern.test("ALARM: disk full on db-1")).toBe(true);
    expect(sub.pattern.test("disk nearly full")).toBe(false);
    expect(re.pattern.test("ALARM · PROD-API-12 latency")).toBe(true);
    expect(re.pattern.test("staging-api-12")).toBe(false);
  });

  it.each(["(a+)+", "(a*)*b", "(.*a){2,}", "(a|a)*", "(\\w+\\s?)+$", "a*a*a*"])("refuses %s", (body) => {
    expect(catastrophicReason(body)).toBeDefined();
  });

  it.each(["prod-(web|api)", "^ALARM.*prod", "i-[0-9a-f]{8,17}", "(ab)?c", "[(+*]+x", "\\(a+\\)+"])(
    "accepts %s",
    (body) => {
      expect(catastrophicReason(body)).toBeUndefined();
    },
  );

  it("a pattern over its time budget is switched off and then filters nothing", () => {
    let clock = 0;
    const compiled = compileTextPattern("/a.*b/", () => {
      clock += PATTERN_BUDGET_MS;
      return clock;
    });
    if (!compiled.ok) throw new Error("should compile");
    expect(compiled.pattern.test("a--b")).toBe(true);
    // Exactly the budget is still within it.
    expect(compiled.pattern.test("a--b")).toBe(true);
    const slow = compileTextPattern("/a.*b/", () => {
      clock += PATTERN_BUDGET_MS + 1;
      return clock;
    });
    if (!slow.ok) throw new Error("should compile");
    expect(slow.pattern.test("a--b")).toBe(true);
    expect(slow.pattern.test("a--b")).toBeUndefined();
    const filter = compileFilter({ exclude: "/a.*b/" });
    filter.exclude = slow.pattern;
    expect(passesFilter(filter, subject({ text: "a--b" }))).toBe(true);
  });
});

function subject(fields: Partial<FilterSubject> = {}): FilterSubject {
  return { service: "cloudwatch", kind: "alarm-state-change", text: "", ...fields };
}

describe("stored filters", () => {
  it("serialize in a fixed key order and read back; empty is null", () => {
    const filter: ChannelFilter = { match: "x", severity: "high", services: ["ec2"] };
    const text = serializeFilter(filter);
    expect(text).toBe('{"severity":"high","services":["ec2"],"match":"x"}');
    expect(parseStoredFilter(text)).toEqual({ ok: true, filter });
    expect(serializeFilter({})).toBeNull();
    expect(parseStoredFilter(null)).toEqual({ ok: true, filter: {} });
  });

  it.each([
    ["{not json", "not JSON"],
    ['{"severity":"urgent"}', "severity"],
    ['{"colour":"red"}', "colour"],
    ['{"match":"/(a+)+/"}', "match"],
  ])("a malformed stored filter %s is a problem, described as delivering everything", (text, word) => {
    const stored = parseStoredFilter(text);
    expect(stored.ok).toBe(false);
    if (!stored.ok) expect(stored.problem).toContain(word);
    expect(describeStoredFilter(text)).toContain("every notification is delivered");
  });

  it("reads in one line in the grammar's words", () => {
    expect(describeFilter({})).toBe("none (every notification)");
    expect(
      describeFilter({ severity: "high", strict: true, excludeServices: ["health"], match: "prod" }),
    ).toBe('severity ≥ high (strict) · not services health · match "prod"');
  });

  it("lists every formatter service id", () => {
    expect(FILTER_SERVICES).toContain("guardduty");
    expect(new Set(FILTER_SERVICES).size).toBe(FILTER_SERVICES.length);
  });
});
