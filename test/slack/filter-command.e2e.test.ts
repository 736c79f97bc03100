/**
 * `/aws filter` end to end: signed slash commands set, show and clear a channel's filters; members
 * and guests change nothing; invalid commands answer with the grammar and change nothing; what the
 * filter keeps out of the channel is counted in `/aws status` and `/metrics`.
 */
import type { ViewStateValue } from "@slack/bolt";
import { FILTER_FIELDS } from "../../src/slack/blocks/filter-fields";
import { describeEachDatabase } from "../support/databases";
import { appHomeOpenedEvent, SLACK_IDS, viewSubmissionPayload } from "../support/slack-payloads";
import { slackHarnessForEachTest, textOf, waitUntil } from "./slack-harness";

const { userId: MEMBER, guestUserId: GUEST } = SLACK_IDS;
const TOPIC = "arn:aws:sns:us-east-2:123456789012:alarms";

const alarm = (name: string, state: string) =>
  JSON.stringify({
    AlarmName: name,
    AWSAccountId: "123456789012",
    NewStateValue: state,
    OldStateValue: state === "OK" ? "ALARM" : "OK",
    NewStateReason: `went ${state}`,
    StateChangeTime: "2026-03-01T10:00:00.000+0000",
    Region: "US East (Ohio)",
    AlarmArn: `arn:aws:cloudwatch:us-east-2:123456789012:alarm:${name}`,
    Trigger: { MetricName: "CPUUtilization", Namespace: "AWS/EC2", Statistic: "AVERAGE", Period: 300 },
  });

describeEachDatabase("/aws filter", (kind) => {
  const h = slackHarnessForEachTest(kind, { topics: [TOPIC] });

  const prisma = () => h.app.server.db.prisma;
  const storedFilters = async () => (await prisma().channelConfiguration.findFirstOrThrow()).filters;

  it("a manager sets, shows and clears filters; members, guests and invalid commands change nothing", async () => {
    expect(textOf(await h.command("filter"))).toContain("no AWS Chatbot configuration");
    await h.command(`subscribe ${TOPIC}`);
    await h.sns.flush();

    const set = textOf(await h.command("filter severity high"));
    expect(set).toContain("are now: severity ≥ high");
    expect(textOf(await h.command("filter exclude-services health"))).toContain(
      "severity ≥ high · not services health",
    );
    const stored = await storedFilters();
    expect(JSON.parse(stored ?? "null")).toEqual({ severity: "high", excludeServices: ["health"] });

    for (const userId of [MEMBER, GUEST]) {
      const refused = textOf(await h.command("filter clear", { user_id: userId }));
      expect(refused).toContain("nothing was changed");
      // Anyone may read the filters.
      expect(textOf(await h.command("filter", { user_id: userId }))).toContain("severity ≥ high");
    }
    for (const text of [
      "filter severity urgent",
      "filter services lambda",
      "filter match /(a+)+/",
      "filter colour red",
    ]) {
      const reply = textOf(await h.command(text));
      expect(reply).toContain("Nothing was changed.");
      expect(reply).toContain(
        "Type instead: `/aws filter | filter severity critical|high|medium|low|info [strict]",
      );
    }
    expect(await storedFilters()).toBe(stored);

    const audit = await prisma().auditEvent.findMany({ where: { action: "filters.changed" } });
    expect(audit.map((a) => [a.userId, a.detail])).toEqual([
      [SLACK_IDS.adminUserId, expect.stringContaining("to: severity ≥ high")],
      [SLACK_IDS.adminUserId, expect.stringContaining("to: severity ≥ high · not services health")],
    ]);
    expect(textOf(await h.command("filter clear severity"))).toContain("are now: not services health");
    expect(textOf(await h.command("filter clear"))).toContain("are now: none (every notification)");
    expect(await storedFilters()).toBeNull();
  });

  it("what a filter keeps out is counted in /aws status and /metrics; help filter explains the OK rule", async () => {
    await h.command(`subscribe ${TOPIC}`);
    await h.sns.flush();
    await h.command("filter states ALARM");
    await h.sns.publish(TOPIC, alarm("cpu-high", "INSUFFICIENT_DATA"));
    await h.sns.publish(TOPIC, alarm("cpu-high", "OK"));
    await h.sns.publish(TOPIC, alarm("disk-full", "ALARM"));
    await waitUntil(() => h.slack.calls("chat.postMessage").length >= 1);
    await waitUntil(async () => textOf(await h.command("status")).includes("2 filtered in the last 24 h"));
    expect(textOf(await h.command("filter"))).toContain("2 filtered in the last 24 h");
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    expect(metrics).toContain("chatbot_notifications_filtered_total 2");
    const posted = h.slack.calls("chat.postMessage").map((call) => String(call.args.text));
    expect(posted).toEqual([expect.stringContaining("disk-full")]);
    expect(await prisma().delivery.count()).toBe(1);

    const help = textOf(await h.command("help filter"));
    expect(help).toContain("its later OK goes to the same thread");
    expect(help).toContain("guardduty");
    expect(textOf(await h.command("help"))).toContain("/aws help filter");
  });

  it("App Home: a forged form from a member changes no filter; a manager's sets it and App Home shows it", async () => {
    await h.command(`subscribe ${TOPIC}`);
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();
    const pick = (value: string) =>
      ({
        type: "static_select",
        selected_option: { value, text: { type: "plain_text", text: value } },
      }) as ViewStateValue;
    const form = (userId: string, severity: string) =>
      viewSubmissionPayload({
        userId,
        callbackId: "configure_channel",
        privateMetadata: JSON.stringify({ regionCount: 1, configurationId: configuration.id }),
        values: {
          channel: { channel: { type: "conversations_select", selected_conversation: SLACK_IDS.channelId } },
          role_mode: {
            role_mode: {
              type: "radio_buttons",
              selected_option: { value: "none", text: { type: "plain_text", text: "none" } },
            },
          },
          region_0: { region_0: pick("us-east-2") },
          topics_0: { topics_0: { type: "plain_text_input", value: TOPIC } as ViewStateValue },
          [FILTER_FIELDS.severity]: { [FILTER_FIELDS.severity]: pick(severity) },
          [FILTER_FIELDS.services]: {
            [FILTER_FIELDS.services]: {
              type: "multi_static_select",
              selected_options: [{ value: "cloudwatch", text: { type: "plain_text", text: "cloudwatch" } }],
            } as ViewStateValue,
          },
        },
      });
    for (const userId of [MEMBER, GUEST]) {
      const refused = await h.interaction(form(userId, "high"));
      expect(textOf(await refused.json())).toContain("Not allowed");
    }
    expect(await storedFilters()).toBeNull();

    const invalid = await h.interaction(form(SLACK_IDS.adminUserId, "urgent"));
    const errors = (await invalid.json()) as { response_action: string; errors: Record<string, string> };
    expect(errors.response_action).toBe("errors");
    expect(errors.errors[FILTER_FIELDS.severity]).toContain("needs a level");
    expect(await storedFilters()).toBeNull();

    const saved = await h.interaction(form(SLACK_IDS.adminUserId, "high"));
    expect(((await saved.json()) as { response_action: string }).response_action).toBe("update");
    await waitUntil(async () => (await storedFilters()) !== null);
    expect(JSON.parse((await storedFilters()) ?? "null")).toEqual({
      severity: "high",
      services: ["cloudwatch"],
    });
    expect(await prisma().auditEvent.count({ where: { action: "filters.changed" } })).toBe(1);
    await h.event(appHomeOpenedEvent({ user: MEMBER }));
    await waitUntil(() =>
      textOf(h.slack.homeView(MEMBER)?.view).includes("Filters: severity ≥ high · services cloudwatch"),
    );
    expect(textOf(await h.command("list"))).toContain("severity ≥ high · services cloudwatch");
  });
});
