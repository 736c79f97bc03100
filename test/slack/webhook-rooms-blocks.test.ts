/**
 * The "Webhook rooms" builders and the "Add webhook" form reader: Home ≤100 blocks however many
 * webhooks, the list capped with a pointer to the CLI, valid modals, per-field errors, and no URL
 * in anything built (they only ever get the redacted form).
 */
import type { ViewOutput } from "@slack/bolt";
import type { WorkspaceOverview } from "../../src/configurations/configuration-service";
import { configuredClientsHomeView, HOME_PAGE_SIZE } from "../../src/slack/blocks/home";
import { SECTION_TEXT_MAX } from "../../src/slack/blocks/text";
import {
  addWebhookModal,
  WEBHOOK_ACTIONS,
  WEBHOOK_FIELDS,
  webhookAddedView,
  webhookRoomsBlocks,
} from "../../src/slack/blocks/webhook-rooms";
import { readWebhookForm, splitTopics } from "../../src/slack/listeners/views/add-webhook-form";
import type { WebhookConfigurationView } from "../../src/webhooks";
import { viewProblems } from "../support/fake-slack-blocks";

const CHIME = "https://hooks.chime.aws/incomingwebhooks/6f0c1d2e-3a4b?token=U2VjcmV0VG9rZW4";
const EAST = "arn:aws:sns:us-east-2:123456789012:alarms";
const WEST = "arn:aws:sns:eu-west-1:123456789012:security";

function webhook(i: number): WebhookConfigurationView {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    name: `room-${i}`,
    teamId: "T1",
    description: `${"Room".repeat(30)}-${i}/${"Hook".repeat(30)}`,
    provider: "chime",
    redactedUrl: "hooks.chime.aws/…n4Zk",
    iamRoleArn: i % 2 === 0 ? null : `arn:aws:iam::123456789012:role/${"R".repeat(64)}`,
    externalId: "awschatbot-x",
    state: i % 3 === 0 ? "disabled" : "active",
    stateReason: i % 3 === 0 ? "x".repeat(1000) : null,
    createdBy: "U1",
    createdAt: new Date(1_700_000_000_000),
    filters: null,
    topics: Array.from({ length: i % 4 }, (_, t) => ({
      topicArn: `arn:aws:sns:us-east-1:123456789012:t${t}`,
      region: "us-east-1",
      status: "confirmed",
      statusReason: null,
    })),
  };
}

function fullOverview(): WorkspaceOverview {
  return {
    total: 250,
    page: 0,
    pageCount: 10,
    configurations: Array.from({ length: HOME_PAGE_SIZE }, (_, i) => ({
      id: `c-${i}`,
      name: `channel-${i}`,
      channelId: `C${i}`,
      channelName: `channel-${i}`,
      channelPrivate: false,
      iamRoleArn: null,
      filters: null,
      state: "active",
      stateReason: null,
      topicCount: 1,
      managedBy: "slack" as const,
      allowSlackChanges: false,
    })),
    audit: Array.from({ length: 10 }, (_, i) => ({
      id: String(i),
      teamId: "T1",
      userId: "U1",
      action: "configuration.created" as const,
      detail: `created webhook ${"x".repeat(900)}`,
      createdAt: new Date(1_700_000_000_000),
    })),
  };
}

const formValues = (form: Record<string, string>): ViewOutput["state"]["values"] =>
  Object.fromEntries(
    Object.entries(form).map(([id, value]) => [id, { [id]: { type: "plain_text_input", value } }]),
  );

describe("Webhook rooms on App Home", () => {
  it.each([0, 1, 40, 500])("%i webhooks with a full page of channels fit in 100 valid blocks", (count) => {
    const webhooks = Array.from({ length: count }, (_, i) => webhook(i));
    const view = configuredClientsHomeView(fullOverview(), { command: "/aws", notice: "Done.", webhooks });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(viewProblems(view)).toEqual([]);
    const json = JSON.stringify(view);
    expect(json).toContain(WEBHOOK_ACTIONS.add);
    expect(json).toContain("Recent changes");
    if (count > 30) expect(json).toMatch(/and \d+ more — see `npx chatbot configurations list`/);
    else expect(json).not.toContain("npx chatbot configurations list");
  });

  it("caps the section at its budget and shows each webhook's fields with a confirmed Remove", () => {
    const blocks = webhookRoomsBlocks(
      Array.from({ length: 20 }, (_, i) => webhook(i)),
      10,
    );
    expect(blocks).toHaveLength(10);
    expect(JSON.stringify(blocks.at(-1))).toContain("and 14 more");
    const json = JSON.stringify(blocks);
    expect(json).toContain("Amazon Chime");
    expect(json).toContain("hooks.chime.aws/…n4Zk");
    expect(json).toContain(":no_entry: disabled");
    expect(json).toContain("role none");
    expect(json).toContain('"confirm":{"title"');
    for (const block of blocks) {
      if (block.type === "section" && block.text)
        expect(block.text.text.length).toBeLessThanOrEqual(SECTION_TEXT_MAX);
    }
  });

  it("leaves the section out when the publisher passes no webhooks", () => {
    expect(JSON.stringify(configuredClientsHomeView(fullOverview(), { command: "/aws" }))).not.toContain(
      "Webhook rooms",
    );
  });
});

describe("Add webhook modal", () => {
  it("is a valid modal whose inputs are the form's fields, never pre-filled", () => {
    const view = addWebhookModal();
    expect(viewProblems(view)).toEqual([]);
    const ids = view.blocks.flatMap((block) => (block.type === "input" ? [block.block_id] : []));
    expect(ids).toEqual(Object.values(WEBHOOK_FIELDS));
    expect(JSON.stringify(view)).not.toContain("initial_value");
  });

  it("reports each topic's subscription in a valid result view, however many", () => {
    const topics = Array.from({ length: 300 }, (_, i) => ({
      topicArn: `arn:aws:sns:us-east-1:123456789012:${"t".repeat(200)}${i}`,
      status: i % 2 === 0 ? ("pending" as const) : ("failed" as const),
      statusReason: i % 2 === 0 ? null : "AuthorizationError: not allowed",
      subscriptionArn: null,
    }));
    const view = webhookAddedView({ configuration: webhook(1), topics });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(viewProblems(view)).toEqual([]);
    const json = JSON.stringify(view);
    expect(json).toContain("pending confirmation");
    expect(json).toContain("AuthorizationError");
  });
});

describe("readWebhookForm", () => {
  const valid = {
    [WEBHOOK_FIELDS.url]: CHIME,
    [WEBHOOK_FIELDS.description]: " Ops-room / Alarms ",
    [WEBHOOK_FIELDS.roleArn]: "",
    [WEBHOOK_FIELDS.topics]: `${EAST},\n${WEST} ${EAST}`,
  };

  it("reads a valid form: topics split on lines, commas and spaces, deduplicated; no role is null", () => {
    expect(readWebhookForm(formValues(valid))).toEqual({
      ok: true,
      input: { url: CHIME, description: " Ops-room / Alarms ".trim(), topics: [EAST, WEST], roleArn: null },
    });
    expect(splitTopics(" a,b\n\nc , a ")).toEqual(["a", "b", "c"]);
  });

  it("puts each problem on its field without echoing the URL", () => {
    const result = readWebhookForm(
      formValues({
        ...valid,
        [WEBHOOK_FIELDS.url]: "https://hooks.chime.aws.evil.example/incomingwebhooks/x?token=SECRET",
        [WEBHOOK_FIELDS.description]: "a/b/c",
        [WEBHOOK_FIELDS.roleArn]: "arn:aws:iam::123456789012:role/with-dash",
        [WEBHOOK_FIELDS.topics]: "arn:aws:sns:us-east-1:123456789012:q.fifo",
      }),
    );
    if (result.ok) throw new Error("expected errors");
    expect(Object.keys(result.errors).sort()).toEqual(Object.values(WEBHOOK_FIELDS).sort());
    expect(JSON.stringify(result.errors)).not.toContain("SECRET");
  });

  it("admits another host only when WEBHOOK_URL_PATTERN does", () => {
    const mattermost = { ...valid, [WEBHOOK_FIELDS.url]: "https://chat.example.org/hooks/abc123" };
    expect(readWebhookForm(formValues(mattermost)).ok).toBe(false);
    expect(
      readWebhookForm(formValues(mattermost), { webhookUrlPattern: /^https:\/\/chat\.example\.org\// }).ok,
    ).toBe(true);
  });
});
