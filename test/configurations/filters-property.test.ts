/**
 * Random filters over the SNS fixture corpus: evaluation never throws and agrees with a
 * straightforward reference implementation written from the grammar's definition.
 */
import fc from "fast-check";
import {
  type ChannelFilter,
  channelFilterSchema,
  compileFilter,
  FILTER_LEVELS,
  FILTER_SERVICES,
  filterSubjectOf,
  passesFilter,
} from "../../src/configurations/filters";
import { formatNotification, headerLine, type Notification } from "../../src/notifications";
import { allFixtures } from "../notifications/sns-fixtures";

const notifications: Notification[] = allFixtures().map((f) => formatNotification(f.envelope));

const ORDER = ["ok", "info", "low", "medium", "high", "critical"];

/** The definition, read literally: every criterion set must hold. */
function reference(filter: ChannelFilter, n: Notification): boolean {
  const text = `${headerLine(n)}\n${n.summary ?? ""}`.slice(0, 600).toLowerCase();
  const stateOrKind = [n.state ?? "", n.kind].map((word) => word.toUpperCase());
  const checks: boolean[] = [];
  if (filter.severity !== undefined)
    checks.push(
      n.severity === undefined
        ? filter.strict !== true
        : ORDER.indexOf(n.severity) >= ORDER.indexOf(filter.severity),
    );
  if (filter.services) checks.push(filter.services.includes(n.service as never));
  if (filter.excludeServices) checks.push(!filter.excludeServices.includes(n.service as never));
  if (filter.states) checks.push(filter.states.some((s) => stateOrKind.includes(s.toUpperCase())));
  if (filter.excludeStates)
    checks.push(!filter.excludeStates.some((s) => stateOrKind.includes(s.toUpperCase())));
  if (filter.accounts) checks.push(n.account !== undefined && filter.accounts.includes(n.account));
  if (filter.regions) checks.push(n.region !== undefined && filter.regions.includes(n.region));
  if (filter.match !== undefined) checks.push(text.includes(filter.match.toLowerCase()));
  if (filter.exclude !== undefined) checks.push(!text.includes(filter.exclude.toLowerCase()));
  return checks.every(Boolean);
}

const fromCorpus = <T>(pick: (n: Notification) => T | undefined) => [
  ...new Set(notifications.map(pick).filter((v): v is T => v !== undefined)),
];
const states = fromCorpus((n) => n.state).filter((s) => /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(s));
const kinds = fromCorpus((n) => n.kind).filter((s) => /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/.test(s));
const accounts = [...fromCorpus((n) => n.account).filter((a) => /^\d{12}$/.test(a)), "999999999999"];
const regions = ["us-east-1", "us-east-2", "eu-west-1", "ap-southeast-2"];
const words = fromCorpus((n) => headerLine(n).split(/\s+/)[1]).filter(
  (w) => w.length > 0 && !w.startsWith("/"),
);

const someOf = <T>(items: readonly T[]) =>
  fc.uniqueArray(fc.constantFrom(...items), { minLength: 1, maxLength: 4 });

const filterArbitrary: fc.Arbitrary<ChannelFilter> = fc.record(
  {
    severity: fc.constantFrom(...FILTER_LEVELS),
    strict: fc.constant(true),
    services: someOf(FILTER_SERVICES),
    excludeServices: someOf(FILTER_SERVICES),
    states: someOf([...states, ...kinds]),
    excludeStates: someOf([...states, ...kinds]),
    accounts: someOf(accounts),
    regions: someOf(regions),
    match: fc.constantFrom(...words, "ALARM", "zz-nothing"),
    exclude: fc.constantFrom(...words, "OK", "zz-nothing"),
  },
  { requiredKeys: [] },
);

describe("filters over the fixture corpus", () => {
  it("has a corpus to work on", () => {
    expect(notifications.length).toBeGreaterThan(40);
    expect(states.length).toBeGreaterThan(3);
  });

  it("never throw and agree with the reference", () => {
    fc.assert(
      fc.property(filterArbitrary, fc.nat(notifications.length - 1), (filter, index) => {
        expect(channelFilterSchema.safeParse(filter).success).toBe(true);
        const n = notifications[index];
        expect(passesFilter(compileFilter(filter), filterSubjectOf(n))).toBe(reference(filter, n));
      }),
      { numRuns: 2000 },
    );
  });

  it("an empty filter passes everything", () => {
    for (const n of notifications) expect(passesFilter(compileFilter({}), filterSubjectOf(n))).toBe(true);
  });
});
