/**
 * The filter fields of the configure / edit modal: the criteria of `/aws filter`, one input each.
 * Block ids (FILTER_FIELDS) are also action ids, so a submission's problems map onto them; the
 * server validates them with the slash grammar (listeners/views/filter-form.ts).
 */
import type { InputBlock, KnownBlock, PlainTextOption } from "@slack/types";
import { type ChannelFilter, FILTER_LEVELS, FILTER_SERVICES } from "../../configurations/filters";
import { AWS_REGIONS } from "../../configurations/regions";
import { TEXT_PATTERN_MAX_LENGTH } from "../../configurations/text-pattern";
import { section } from "./text";

export const FILTER_FIELDS = {
  severity: "filter_severity",
  strict: "filter_strict",
  services: "filter_services",
  excludeServices: "filter_exclude_services",
  states: "filter_states",
  excludeStates: "filter_exclude_states",
  accounts: "filter_accounts",
  regions: "filter_regions",
  match: "filter_match",
  exclude: "filter_exclude",
} as const;

/** The fields as the form holds them: what the user typed or picked, not yet validated. */
export interface FilterFormValues {
  severity?: string;
  strict?: boolean;
  services?: string[];
  excludeServices?: string[];
  states?: string;
  excludeStates?: string;
  accounts?: string;
  regions?: string[];
  match?: string;
  exclude?: string;
}

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });
const option = (value: string, label = value): PlainTextOption => ({ text: plain(label), value });
const STRICT = option("strict", "Keep out notifications without a severity");

export function filterFormValuesOf(filter: ChannelFilter): FilterFormValues {
  return {
    severity: filter.severity,
    strict: filter.strict,
    services: filter.services,
    excludeServices: filter.excludeServices,
    states: filter.states?.join(" "),
    excludeStates: filter.excludeStates?.join(" "),
    accounts: filter.accounts?.join(" "),
    regions: filter.regions,
    match: filter.match,
    exclude: filter.exclude,
  };
}

function multiSelect(
  blockId: string,
  label: string,
  options: PlainTextOption[],
  initial?: string[],
): InputBlock {
  const chosen = options.filter((o) => initial?.includes(o.value ?? ""));
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: plain(label),
    element: {
      type: "multi_static_select",
      action_id: blockId,
      placeholder: plain("Any"),
      options,
      ...(chosen.length > 0 ? { initial_options: chosen } : {}),
    },
  };
}

function text(blockId: string, label: string, hint: string, initial?: string): InputBlock {
  return {
    type: "input",
    block_id: blockId,
    optional: true,
    label: plain(label),
    hint: plain(hint),
    element: {
      type: "plain_text_input",
      action_id: blockId,
      max_length: TEXT_PATTERN_MAX_LENGTH,
      ...(initial ? { initial_value: initial } : {}),
    },
  };
}

export function filterBlocks(values: FilterFormValues = {}): KnownBlock[] {
  const services = FILTER_SERVICES.map((id) => option(id));
  const severity = FILTER_LEVELS.map((level) => option(level, `${level} and above`));
  const chosenSeverity = severity.find((o) => o.value === values.severity);
  return [
    section("*Filters* (optional; all must hold). Everything is delivered when none is set."),
    {
      type: "input",
      block_id: FILTER_FIELDS.severity,
      optional: true,
      label: plain("Minimum severity"),
      element: {
        type: "static_select",
        action_id: FILTER_FIELDS.severity,
        placeholder: plain("Any severity"),
        options: severity,
        ...(chosenSeverity === undefined ? {} : { initial_option: chosenSeverity }),
      },
    },
    {
      type: "input",
      block_id: FILTER_FIELDS.strict,
      optional: true,
      label: plain("Without a severity"),
      element: {
        type: "checkboxes",
        action_id: FILTER_FIELDS.strict,
        options: [STRICT],
        ...(values.strict === true ? { initial_options: [STRICT] } : {}),
      },
    },
    multiSelect(FILTER_FIELDS.services, "Only these services", services, values.services),
    multiSelect(FILTER_FIELDS.excludeServices, "Never these services", services, values.excludeServices),
    text(
      FILTER_FIELDS.states,
      "Only these states",
      "e.g. ALARM FAILED (states or event kinds)",
      values.states,
    ),
    text(
      FILTER_FIELDS.excludeStates,
      "Never these states",
      "e.g. OK INSUFFICIENT_DATA",
      values.excludeStates,
    ),
    text(FILTER_FIELDS.accounts, "Only these AWS accounts", "12-digit account ids", values.accounts),
    multiSelect(
      FILTER_FIELDS.regions,
      "Only these Regions",
      AWS_REGIONS.map((r) => option(r.code, `${r.name} ${r.code}`)),
      values.regions,
    ),
    text(FILTER_FIELDS.match, "Header or summary contains", "Text (any case) or /regex/", values.match),
    text(FILTER_FIELDS.exclude, "…and does not contain", "Text (any case) or /regex/", values.exclude),
  ];
}
