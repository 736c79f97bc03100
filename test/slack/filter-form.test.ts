/**
 * The configure modal's filter fields: shown filled from a stored filter, read back from Slack's
 * view state, and validated with the slash grammar (forged values refused on their field).
 */
import type { ViewStateValue } from "@slack/bolt";
import { serializeFilter } from "../../src/configurations/filters";
import { configureChannelModal, modalValuesFromConfiguration } from "../../src/slack/blocks/configure-modal";
import { FILTER_FIELDS } from "../../src/slack/blocks/filter-fields";
import { checkFilterForm, readFilterFormValues } from "../../src/slack/listeners/views/filter-form";
import { viewProblems } from "../support/fake-slack-blocks";

const select = (value: string) =>
  ({
    type: "static_select",
    selected_option: { value, text: { type: "plain_text", text: value } },
  }) as ViewStateValue;
const multi = (...values: string[]) =>
  ({
    type: "multi_static_select",
    selected_options: values.map((value) => ({ value, text: { type: "plain_text", text: value } })),
  }) as ViewStateValue;
const typed = (value: string) => ({ type: "plain_text_input", value }) as ViewStateValue;
const state = (fields: Record<string, ViewStateValue>) =>
  Object.fromEntries(Object.entries(fields).map(([id, value]) => [id, { [id]: value }]));

describe("configure modal filter fields", () => {
  it("the Edit form shows the stored filter, and submitting it unchanged gives the same filter", () => {
    const filter = {
      severity: "high" as const,
      strict: true,
      services: ["guardduty" as const],
      excludeStates: ["OK"],
      accounts: ["111122223333"],
      regions: ["eu-west-1"],
      match: "/prod-(web|api)/",
    };
    const values = modalValuesFromConfiguration({
      id: "c1",
      name: "prod",
      channelId: "C0FAKECHAN1",
      state: "active",
      iamRoleArn: null,
      filters: serializeFilter(filter),
      topics: [],
    });
    const view = configureChannelModal(values);
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('"initial_value":"/prod-(web|api)/"');
    expect(text).toContain('"initial_value":"111122223333"');
    const read = readFilterFormValues(
      state({
        [FILTER_FIELDS.severity]: select("high"),
        [FILTER_FIELDS.strict]: {
          type: "checkboxes",
          selected_options: [{ value: "strict", text: { type: "plain_text", text: "s" } }],
        } as ViewStateValue,
        [FILTER_FIELDS.services]: multi("guardduty"),
        [FILTER_FIELDS.excludeStates]: typed(" OK "),
        [FILTER_FIELDS.accounts]: typed("111122223333"),
        [FILTER_FIELDS.regions]: multi("eu-west-1"),
        [FILTER_FIELDS.match]: typed("/prod-(web|api)/"),
      }),
    );
    expect(read).toEqual(values.filter);
    expect(checkFilterForm(read)).toEqual({ ok: true, filter });
  });

  it("empty fields are no filter", () => {
    expect(checkFilterForm(readFilterFormValues({}))).toEqual({ ok: true, filter: {} });
  });

  it("forged or invalid values are refused on their field, as /aws filter refuses them", () => {
    const checked = checkFilterForm(
      readFilterFormValues(
        state({
          [FILTER_FIELDS.severity]: select("urgent"),
          [FILTER_FIELDS.services]: multi("lambda"),
          [FILTER_FIELDS.regions]: multi("mars-1"),
          [FILTER_FIELDS.accounts]: typed("12345"),
          [FILTER_FIELDS.exclude]: typed("/(a+)+$/"),
        }),
      ),
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual(
      [
        FILTER_FIELDS.severity,
        FILTER_FIELDS.services,
        FILTER_FIELDS.regions,
        FILTER_FIELDS.accounts,
        FILTER_FIELDS.exclude,
      ].sort(),
    );
    expect(checked.errors[FILTER_FIELDS.services]).toContain("Not a service id");
    const strictAlone = checkFilterForm({ strict: true });
    expect(strictAlone).toMatchObject({
      ok: false,
      errors: { [FILTER_FIELDS.strict]: expect.stringContaining("minimum severity") },
    });
  });
});
