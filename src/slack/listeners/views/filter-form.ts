/**
 * The configure modal's filter fields, read back from what Slack sends (zod) and validated on the
 * server with the slash grammar (`/aws filter …`), criterion by criterion: a forged value is refused
 * exactly as the command would refuse it, with the problem on its field.
 */
import type { ViewOutput } from "@slack/bolt";
import { z } from "zod";
import {
  applyFilterCommand,
  type FilterCriterion,
  parseFilterCommand,
} from "../../../configurations/filter-grammar";
import type { ChannelFilter } from "../../../configurations/filters";
import { FILTER_FIELDS, type FilterFormValues } from "../../blocks/filter-fields";

const fieldSchema = z.object({
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z
    .array(z.object({ value: z.string() }))
    .max(100)
    .nullish(),
});
type Field = z.infer<typeof fieldSchema>;

function field(values: ViewOutput["state"]["values"], blockId: string): Field | undefined {
  const parsed = fieldSchema.safeParse(values[blockId]?.[blockId]);
  return parsed.success ? parsed.data : undefined;
}

const text = (f: Field | undefined) => f?.value?.trim() || undefined;
const picked = (f: Field | undefined) => {
  const list = f?.selected_options?.map((o) => o.value) ?? [];
  return list.length > 0 ? list : undefined;
};

export function readFilterFormValues(values: ViewOutput["state"]["values"]): FilterFormValues {
  return {
    severity: field(values, FILTER_FIELDS.severity)?.selected_option?.value,
    strict: (field(values, FILTER_FIELDS.strict)?.selected_options ?? []).some((o) => o.value === "strict"),
    services: picked(field(values, FILTER_FIELDS.services)),
    excludeServices: picked(field(values, FILTER_FIELDS.excludeServices)),
    states: text(field(values, FILTER_FIELDS.states)),
    excludeStates: text(field(values, FILTER_FIELDS.excludeStates)),
    accounts: text(field(values, FILTER_FIELDS.accounts)),
    regions: picked(field(values, FILTER_FIELDS.regions)),
    match: text(field(values, FILTER_FIELDS.match)),
    exclude: text(field(values, FILTER_FIELDS.exclude)),
  };
}

/** Each field as the slash command's words (`criterion`, the text after it), when it is set. */
function asCommands(form: FilterFormValues): [FilterCriterion, string, string][] {
  const list = (items: string[] | undefined) => items?.join(" ");
  const entries: [FilterCriterion, string, string | undefined][] = [
    ["severity", FILTER_FIELDS.severity, form.severity && `${form.severity}${form.strict ? " strict" : ""}`],
    ["services", FILTER_FIELDS.services, list(form.services)],
    ["exclude-services", FILTER_FIELDS.excludeServices, list(form.excludeServices)],
    ["states", FILTER_FIELDS.states, form.states],
    ["exclude-states", FILTER_FIELDS.excludeStates, form.excludeStates],
    ["accounts", FILTER_FIELDS.accounts, form.accounts],
    ["regions", FILTER_FIELDS.regions, list(form.regions)],
    ["match", FILTER_FIELDS.match, form.match],
    ["exclude", FILTER_FIELDS.exclude, form.exclude],
  ];
  return entries.flatMap(([criterion, blockId, words]) => (words ? [[criterion, blockId, words]] : []));
}

export function checkFilterForm(
  form: FilterFormValues,
): { ok: true; filter: ChannelFilter } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  let filter: ChannelFilter = {};
  if (form.strict === true && form.severity === undefined)
    errors[FILTER_FIELDS.strict] =
      "Choose a minimum severity too: strict only says what happens without one.";
  for (const [criterion, blockId, words] of asCommands(form)) {
    const parsed = parseFilterCommand(`${criterion} ${words}`);
    if (!parsed.ok) errors[blockId] = parsed.problem;
    else filter = applyFilterCommand(filter, parsed.command);
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, filter };
}
