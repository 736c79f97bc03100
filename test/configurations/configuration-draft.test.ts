import { type ConfigurationDraft, checkDraft, roleArnOf } from "../../src/configurations/configuration-draft";
import {
  configurationNameProblem,
  defaultConfigurationName,
  uniqueConfigurationName,
} from "../../src/configurations/configuration-names";
import { FIFO_TOPIC_REASON } from "../../src/sns/topic-arn";

const ARN = "arn:aws:sns:us-east-1:123456789012:alarms";
const ARN_EU = "arn:aws:sns:eu-west-1:210987654321:security";

function draft(fields: Partial<ConfigurationDraft>): ConfigurationDraft {
  return { pickedChannelId: "C0FAKECHAN1", role: { mode: "none" }, regions: [], ...fields };
}

function errorsOf(input: ConfigurationDraft) {
  const checked = checkDraft(input);
  if (checked.ok) throw new Error("expected problems");
  return checked.errors;
}

describe("configuration names", () => {
  it("defaults to the channel's name, made valid", () => {
    expect(defaultConfigurationName("alerts")).toBe("alerts");
    expect(defaultConfigurationName("#ops.prod alerts!")).toBe("ops-prod-alerts");
    expect(defaultConfigurationName("日本")).toBe("channel");
  });

  it("adds a suffix when the name is taken (case-insensitively)", () => {
    expect(uniqueConfigurationName("alerts", [])).toBe("alerts");
    expect(uniqueConfigurationName("alerts", ["Alerts"])).toBe("alerts-2");
    expect(uniqueConfigurationName("alerts", ["alerts", "alerts-2", "alerts-3"])).toBe("alerts-4");
  });

  it("validates chosen names", () => {
    expect(configurationNameProblem("prod_alerts-1")).toBeUndefined();
    expect(configurationNameProblem("")).toContain("empty");
    expect(configurationNameProblem("has space")).toContain("letters, digits");
    expect(configurationNameProblem("x".repeat(129))).toContain("at most 128");
  });
});

describe("checkDraft", () => {
  it("accepts topics from several regions and dedupes them", () => {
    const checked = checkDraft(
      draft({
        name: "prod",
        regions: [
          { region: "us-east-1", topics: `${ARN}\n${ARN}` },
          { region: "eu-west-1", topics: ARN_EU },
          {},
        ],
      }),
    );
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.checked.topics.map((t) => t.arn)).toEqual([ARN, ARN_EU]);
    expect(checked.checked).toMatchObject({
      channelId: "C0FAKECHAN1",
      channelField: "channel",
      name: "prod",
    });
  });

  it("needs a channel, from the picker or as a private channel's ID", () => {
    expect(errorsOf(draft({ pickedChannelId: undefined })).channel).toContain("Pick a channel");
    const typed = checkDraft(draft({ pickedChannelId: undefined, privateChannelId: " c0fakepriv1 " }));
    expect(typed.ok && typed.checked).toMatchObject({
      channelId: "C0FAKEPRIV1",
      channelField: "private_channel",
    });
    expect(
      errorsOf(draft({ pickedChannelId: undefined, privateChannelId: "#secret" })).private_channel,
    ).toContain("A channel ID looks like");
    expect(errorsOf(draft({ privateChannelId: "C0OTHERCHAN" })).private_channel).toContain("not both");
  });

  it("puts topic problems on the Region they were typed in", () => {
    const errors = errorsOf(
      draft({
        regions: [
          { region: "us-east-1", topics: ARN },
          { region: "us-east-1", topics: `${ARN_EU} arn:aws:sns:us-east-1:123456789012:o.fifo` },
          { topics: ARN },
          { region: "us-east-1", topics: "arn:aws:sns:us-east-1:12:x" },
        ],
      }),
    );
    expect(errors.topics_0).toBeUndefined();
    expect(errors.topics_1).toContain("is in eu-west-1, not us-east-1");
    expect(errors.topics_1).toContain(FIFO_TOPIC_REASON);
    expect(errors.region_2).toBe("Choose the Region of these topics.");
    expect(errors.topics_3).toContain("must be exactly 12 digits");
  });

  it("validates the role: an existing ARN, or a template's role name", () => {
    expect(errorsOf(draft({ role: { mode: "existing" } })).role_arn).toContain("Paste the role's ARN");
    expect(errorsOf(draft({ role: { mode: "existing", arn: "arn:aws:iam::1:role/x" } })).role_arn).toContain(
      "12 digits",
    );
    expect(errorsOf(draft({ role: { mode: "template", name: "bad name" } })).role_name).toContain(
      "letters, digits and + = , . @ - _",
    );
    expect(errorsOf(draft({ role: { mode: "template", name: "Good" } })).role_name).toContain(
      "Add at least one SNS topic",
    );
  });

  it("places a template role in the first topic's account", () => {
    const checked = checkDraft(
      draft({
        role: { mode: "template", name: "Chatbot" },
        regions: [{ region: "eu-west-1", topics: ARN_EU }],
      }),
    );
    if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
    expect(roleArnOf(checked.checked)).toBe("arn:aws:iam::210987654321:role/Chatbot");
    const existing = checkDraft(
      draft({ role: { mode: "existing", arn: "arn:aws:iam::123456789012:role/R" } }),
    );
    if (!existing.ok) throw new Error("refused");
    expect(roleArnOf(existing.checked)).toBe("arn:aws:iam::123456789012:role/R");
  });
});
