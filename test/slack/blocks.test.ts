/**
 * The Block Kit builders against Slack's limits: Home ≤100 blocks, modals ≤100, messages ≤50,
 * sections ≤3000 characters, and the structure the fake Slack (like Slack) refuses otherwise.
 */

import type { KnownBlock } from "@slack/types";
import type { ChannelConfigurationView } from "../../src/configurations/configuration-queries";
import type { WorkspaceOverview } from "../../src/configurations/configuration-service";
import { roleTemplate } from "../../src/configurations/role-template";
import { listReply, subscribeReply } from "../../src/slack/blocks/command-replies";
import {
  CONFIGURE_CALLBACK_ID,
  configureChannelModal,
  MODAL_ACTIONS,
  modalValuesFromConfiguration,
} from "../../src/slack/blocks/configure-modal";
import { FILTER_FIELDS } from "../../src/slack/blocks/filter-fields";
import { configuredClientsHomeView, HOME_ACTIONS, HOME_PAGE_SIZE } from "../../src/slack/blocks/home";
import { helpReply, problemReply } from "../../src/slack/blocks/replies";
import { roleTemplateReply } from "../../src/slack/blocks/role-template-reply";
import { codeSections, linesToSections, SECTION_TEXT_MAX } from "../../src/slack/blocks/text";
import { readModalValues, toDraft } from "../../src/slack/listeners/views/configure-modal-state";
import { validateBlocks } from "../support/block-kit-validator";
import { blockProblems, viewProblems } from "../support/fake-slack-blocks";

function sectionTexts(blocks: readonly unknown[]): string[] {
  return (blocks as KnownBlock[]).flatMap((block) =>
    block.type === "section" && block.text ? [block.text.text] : [],
  );
}

function expectValidMessage(blocks: readonly unknown[]): void {
  expect(blockProblems(blocks, 50)).toEqual([]);
  expect(validateBlocks([...blocks])).toEqual([]);
  for (const text of sectionTexts(blocks)) expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
}

function overview(total: number, page: number): WorkspaceOverview {
  const pageCount = Math.max(1, Math.ceil(total / HOME_PAGE_SIZE));
  const count = Math.max(0, Math.min(HOME_PAGE_SIZE, total - page * HOME_PAGE_SIZE));
  return {
    total,
    page,
    pageCount,
    configurations: Array.from({ length: count }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(page * HOME_PAGE_SIZE + i).padStart(12, "0")}`,
      name: `channel-${"x".repeat(100)}-${i}`,
      channelId: `C${String(i).padStart(10, "0")}`,
      channelName: `channel-${i}`,
      channelPrivate: false,
      iamRoleArn: i % 2 === 0 ? null : `arn:aws:iam::123456789012:role/${"r".repeat(64)}`,
      // Every other one filtered, with the longest text a filter can hold.
      filters:
        i % 2 === 0
          ? null
          : JSON.stringify({ severity: "high", match: "m".repeat(200), exclude: "e".repeat(200) }),
      state: i % 3 === 0 ? "awaiting_invite" : i % 3 === 1 ? "active" : "disabled",
      stateReason: "x".repeat(1000),
      topicCount: i,
      managedBy: "slack" as const,
      allowSlackChanges: false,
    })),
    audit: Array.from({ length: 10 }, (_, i) => ({
      id: String(i),
      teamId: "T1",
      userId: i === 0 ? null : "U0FAKEUSER1",
      action: "topics.subscribed" as const,
      detail: `subscribed x to ${"arn:aws:sns:us-east-1:123456789012:t,".repeat(20)}`,
      createdAt: new Date(1_700_000_000_000 + i * 1000),
    })),
  };
}

describe("App Home", () => {
  it.each([0, 1, HOME_PAGE_SIZE, 250])("%i configurations fit in 100 valid blocks", (total) => {
    const pages = Math.max(1, Math.ceil(total / HOME_PAGE_SIZE));
    for (const page of [0, pages - 1]) {
      const view = configuredClientsHomeView(overview(total, page), { command: "/aws", notice: "Done." });
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(viewProblems(view)).toEqual([]);
      const json = JSON.stringify(view);
      expect(json).toContain(HOME_ACTIONS.configureNew);
      expect(json).toContain(HOME_ACTIONS.removeWorkspace);
      if (total > HOME_PAGE_SIZE) expect(json).toContain(`of ${total} configurations`);
      if (page > 0) expect(json).toContain(`${HOME_ACTIONS.page}_previous`);
    }
  });

  it("shows each configuration's name, channel, topic count, role and state with its buttons", () => {
    const view = configuredClientsHomeView(overview(3, 0), { command: "/aws" });
    const json = JSON.stringify(view);
    expect(json).toContain("<#C0000000001>");
    expect(json).toContain("1 SNS topic ·");
    expect(json).toContain("waiting for `/invite @AWS`");
    for (const action of [HOME_ACTIONS.edit, HOME_ACTIONS.test, HOME_ACTIONS.delete])
      expect(json).toContain(action);
    expect(json).toContain("Recent changes");
    expect(json).toContain("<@U0FAKEUSER1>");
  });
});

describe("Configure channel modal", () => {
  it("stays valid with every Region and the role template shown", () => {
    const template = roleTemplate({ roleName: "R", externalId: "awschatbot-x" });
    const view = configureChannelModal({
      roleMode: "template",
      roleName: "R",
      template,
      regions: Array.from({ length: 12 }, () => ({
        region: "us-east-1",
        topics: "arn:aws:sns:us-east-1:123456789012:a",
      })),
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(viewProblems(view)).toEqual([]);
    expect(JSON.parse(view.private_metadata ?? "")).toEqual({ regionCount: 10 });
    expect(JSON.stringify(view)).not.toContain(MODAL_ACTIONS.addRegion);
    expect(JSON.stringify(view)).toContain("cloudwatch:Describe*");
  });

  it("reads back what was typed into its blocks", () => {
    const view = configureChannelModal({ roleMode: "existing", regions: [{}, {}] });
    expect(view.callback_id).toBe(CONFIGURE_CALLBACK_ID);
    const inputIds = view.blocks.filter((b) => b.type === "input").map((b) => b.block_id);
    expect(inputIds).toEqual([
      "channel",
      "private_channel",
      "name",
      "role_mode",
      "role_arn",
      "region_0",
      "topics_0",
      "region_1",
      "topics_1",
      ...Object.values(FILTER_FIELDS),
    ]);
    const option = (value: string) => ({
      type: "static_select",
      selected_option: { value, text: { type: "plain_text" as const, text: value } },
    });
    const values = readModalValues({
      private_metadata: view.private_metadata ?? "",
      state: {
        values: {
          channel: { channel: { type: "conversations_select", selected_conversation: "C0FAKECHAN1" } },
          name: { name: { type: "plain_text_input", value: " prod " } },
          role_mode: { role_mode: option("existing") },
          role_arn: { role_arn: { type: "plain_text_input", value: "arn:aws:iam::123456789012:role/R" } },
          region_1: { region_1: option("eu-west-1") },
          topics_1: { topics_1: { type: "plain_text_input", value: "arn:aws:sns:eu-west-1:123456789012:t" } },
        },
      },
    });
    expect(toDraft(values)).toEqual({
      configurationId: undefined,
      pickedChannelId: "C0FAKECHAN1",
      privateChannelId: undefined,
      name: "prod",
      role: { mode: "existing", arn: "arn:aws:iam::123456789012:role/R" },
      regions: [
        { region: undefined, topics: undefined },
        { region: "eu-west-1", topics: "arn:aws:sns:eu-west-1:123456789012:t" },
      ],
    });
  });

  it("fills the Edit form from a configuration, topics grouped by Region", () => {
    const values = modalValuesFromConfiguration({
      id: "id-1",
      name: "prod",
      channelId: "C0FAKEPRIV1",
      state: "awaiting_invite",
      iamRoleArn: null,
      topics: [
        { topicArn: "arn:aws:sns:us-east-1:123456789012:a", region: "us-east-1" },
        { topicArn: "arn:aws:sns:eu-west-1:123456789012:b", region: "eu-west-1" },
        { topicArn: "arn:aws:sns:us-east-1:123456789012:c", region: "us-east-1" },
      ],
    });
    expect(values).toMatchObject({
      configurationId: "id-1",
      privateChannelId: "C0FAKEPRIV1",
      pickedChannelId: undefined,
      roleMode: "none",
      regions: [
        {
          region: "us-east-1",
          topics: "arn:aws:sns:us-east-1:123456789012:a\narn:aws:sns:us-east-1:123456789012:c",
        },
        { region: "eu-west-1", topics: "arn:aws:sns:eu-west-1:123456789012:b" },
      ],
    });
    const view = configureChannelModal(values);
    expect(viewProblems(view)).toEqual([]);
    expect(view.title.text).toBe("Edit configuration");
  });
});

function configuration(topics: number, reason: string): ChannelConfigurationView {
  return {
    id: "id",
    kind: "slack",
    name: "prod",
    teamId: "T1",
    enterpriseId: null,
    channelId: "C1",
    channelName: "alerts",
    channelPrivate: false,
    iamRoleArn: null,
    externalId: "awschatbot-x",
    filters: JSON.stringify({ severities: ["critical"], services: ["x".repeat(3000)] }),
    managedBy: "slack",
    allowSlackChanges: false,
    state: "awaiting_invite",
    stateReason: null,
    createdBy: "U1",
    createdAt: new Date(),
    topics: Array.from({ length: topics }, (_, i) => ({
      topicArn: `arn:aws:sns:us-east-1:123456789012:${"t".repeat(200)}${i}`,
      region: "us-east-1",
      status: i % 2 === 0 ? "failed" : "pending",
      statusReason: reason,
    })),
  };
}

describe("slash command replies", () => {
  it("stay within 50 blocks and 3000-character sections with many long topics", () => {
    const long = configuration(100, "r".repeat(2000));
    expectValidMessage(listReply("/aws", long).blocks);
    const subscribed = subscribeReply("/aws", {
      configuration: long,
      created: true,
      activated: false,
      topics: long.topics.map((t) => ({ ...t, status: "failed" as const, alreadyConfigured: false })),
    });
    expectValidMessage(subscribed.blocks);
    expect(subscribed.response_type).toBe("ephemeral");
    expect(JSON.stringify(subscribed.blocks)).toContain("/invite @AWS");
  });

  it("help and problems are ephemeral and say what to type", () => {
    const help = helpReply("/aws", "`x` is not a command I know.");
    expectValidMessage(help.blocks);
    expect(help.text).toBe("`x` is not a command I know.");
    const problem = problemReply("/aws", "bad\nsecond line", "subscribe ARN");
    expect(problem).toMatchObject({ response_type: "ephemeral", text: "bad" });
    expect(JSON.stringify(problem.blocks)).toContain("Type instead: `/aws subscribe ARN`");
  });

  it("the role template reply keeps every code block within a section", () => {
    const reply = roleTemplateReply(
      "/aws",
      roleTemplate({ roleName: "x".repeat(64), externalId: "awschatbot-0123456789abcdef0123456789abcdef" }),
      "123456789012",
    );
    expectValidMessage(reply.blocks);
    const text = sectionTexts(reply.blocks).join("\n");
    expect(text).toContain("AWS-Chatbot-NotificationsOnly-Policy");
    expect(text).toContain("awschatbot-0123456789abcdef0123456789abcdef");
    expect(text).toContain("AWSTemplateFormatVersion");
    expect(text).toContain(`role arn:aws:iam::123456789012:role/${"x".repeat(64)}`);
  });
});

describe("text helpers", () => {
  it("codeSections splits long code on line boundaries, fences balanced", () => {
    const code = Array.from({ length: 400 }, (_, i) => `line ${i} ${"y".repeat(20)}`).join("\n");
    const sections = codeSections("*Title*", code);
    expect(sections.length).toBeGreaterThan(3);
    let rejoined = "";
    for (const [i, block] of sections.entries()) {
      const text = block.text?.text ?? "";
      expect(text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
      expect(text.match(/```/g)).toHaveLength(2);
      const body = text.replace(i === 0 ? "*Title*\n```\n" : "```\n", "").replace(/\n```$/, "");
      rejoined = rejoined === "" ? body : `${rejoined}\n${body}`;
    }
    expect(rejoined).toBe(code);
  });

  it("linesToSections caps the blocks and counts what it left out", () => {
    const lines = Array.from({ length: 500 }, () => "z".repeat(900));
    const sections = linesToSections(lines, 5);
    expect(sections).toHaveLength(5);
    expect(sections[4].text?.text).toMatch(/^…and \d+ more\.$/);
  });
});
