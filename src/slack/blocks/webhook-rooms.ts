/**
 * App Home's "Webhook rooms": the workspace's incoming-webhook configurations (Amazon Chime rooms,
 * Slack incoming webhooks, Teams, Mattermost), the "Add webhook" modal and its result. Pure builders:
 * they are given redacted views only (WebhookConfigurationView.redactedUrl), so no webhook URL can
 * reach Slack through them; the modal never pre-fills the URL field for the same reason.
 */
import type { InputBlock, KnownBlock, ModalView, SectionBlock } from "@slack/types";
import type { CreatedWebhookConfiguration, WebhookConfigurationView } from "../../webhooks";
import { PROVIDER_LABELS } from "../../webhooks";
import { roleText, stateText, topicStatusText } from "./configuration-text";
import {
  button,
  capBlocks,
  context,
  escapeText,
  header,
  linesToSections,
  section,
  VIEW_BLOCKS_MAX,
} from "./text";

export const ADD_WEBHOOK_CALLBACK_ID = "add_webhook";

export const WEBHOOK_ACTIONS = { add: "home_add_webhook", remove: "home_remove_webhook" } as const;

/** The modal's fields: each input's block_id and action_id, so per-field errors map onto them. */
export const WEBHOOK_FIELDS = {
  url: "webhook_url",
  description: "webhook_description",
  roleArn: "webhook_role_arn",
  topics: "webhook_topics",
} as const;

export type WebhookField = keyof typeof WEBHOOK_FIELDS;

/** Blocks of the section besides one per webhook: header, intro, actions. */
const SECTION_FIXED_BLOCKS = 3;

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

export function webhookLine(webhook: WebhookConfigurationView): string {
  const topics = `${webhook.topics.length} SNS topic${webhook.topics.length === 1 ? "" : "s"}`;
  return (
    `*${escapeText(webhook.description || webhook.name)}* · ${PROVIDER_LABELS[webhook.provider]} · ` +
    `\`${escapeText(webhook.redactedUrl)}\`\n` +
    `${stateText(webhook.state, webhook.stateReason)} · ${topics} · role ${roleText(webhook.iamRoleArn)}`
  );
}

function webhookBlock(webhook: WebhookConfigurationView): SectionBlock {
  const name = escapeText(webhook.description || webhook.name);
  return {
    ...section(webhookLine(webhook), `webhook_${webhook.id}`),
    accessory: button("Remove", WEBHOOK_ACTIONS.remove, {
      value: webhook.id,
      style: "danger",
      confirm: {
        title: plain("Remove this webhook?"),
        text: {
          type: "mrkdwn",
          text: `*${name}* stops receiving notifications; topics nothing else wants are unsubscribed.`,
        },
        confirm: plain("Remove"),
        deny: plain("Cancel"),
        style: "danger",
      },
    }),
  };
}

/**
 * The "Webhook rooms" section of App Home in at most `maxBlocks` blocks (at least 4): one block per
 * webhook, and when they do not all fit, a last line pointing to the CLI list.
 */
export function webhookRoomsBlocks(
  webhooks: readonly WebhookConfigurationView[],
  maxBlocks: number = VIEW_BLOCKS_MAX,
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header("Webhook rooms"),
    section(
      webhooks.length === 0
        ? "No webhook room yet. Add an Amazon Chime, Microsoft Teams, Slack or Mattermost incoming webhook " +
            "to deliver SNS topics to a chat room outside this workspace."
        : `${webhooks.length} webhook${webhooks.length === 1 ? "" : "s"} in this workspace; each receives only its own topics.`,
    ),
    {
      type: "actions",
      block_id: "home_webhook_actions",
      elements: [button("Add webhook", WEBHOOK_ACTIONS.add, { style: "primary" })],
    },
  ];
  const room = Math.max(1, maxBlocks - SECTION_FIXED_BLOCKS);
  const shown = webhooks.length <= room ? webhooks : webhooks.slice(0, room - 1);
  blocks.push(...shown.map(webhookBlock));
  if (shown.length < webhooks.length) {
    blocks.push(
      context(`…and ${webhooks.length - shown.length} more — see \`npx chatbot configurations list\`.`),
    );
  }
  return blocks;
}

function input(
  field: WebhookField,
  label: string,
  options: { placeholder: string; hint: string; optional?: boolean; multiline?: boolean; maxLength: number },
): InputBlock {
  const id = WEBHOOK_FIELDS[field];
  return {
    type: "input",
    block_id: id,
    optional: options.optional ?? false,
    label: plain(label),
    hint: plain(options.hint),
    element: {
      type: "plain_text_input",
      action_id: id,
      multiline: options.multiline ?? false,
      max_length: options.maxLength,
      placeholder: plain(options.placeholder),
    },
  };
}

/** "Add webhook": URL, "Room/Webhook" description, optional role ARN, SNS topics in any Regions. */
export function addWebhookModal(): ModalView {
  return {
    type: "modal",
    callback_id: ADD_WEBHOOK_CALLBACK_ID,
    title: plain("Add webhook"),
    submit: plain("Add"),
    close: plain("Cancel"),
    blocks: [
      section(
        "Deliver SNS topics to a chat room through its incoming webhook. The URL is stored encrypted " +
          "and only its host and last characters are ever shown.",
      ),
      input("url", "Webhook URL", {
        placeholder: "https://hooks.chime.aws/incomingwebhooks/…?token=…",
        hint: "Amazon Chime, Slack, Microsoft Teams Workflows; other hosts only if the operator allows them.",
        maxLength: 2048,
      }),
      input("description", "Description", {
        placeholder: "Chat_room_name/Webhook_name",
        hint: 'The chat room and the webhook, separated by one "/", e.g. Ops-room/Alarms.',
        maxLength: 255,
      }),
      input("roleArn", "IAM role ARN", {
        placeholder: "arn:aws:iam::123456789012:role/AWSChatbotChimeNotifications",
        hint: "Optional; for alarm charts. The role name may have only letters and digits.",
        optional: true,
        maxLength: 2048,
      }),
      input("topics", "SNS topics", {
        placeholder: "arn:aws:sns:us-east-1:123456789012:alarms\narn:aws:sns:eu-west-1:123456789012:security",
        hint: "Topic ARNs in any Regions, one per line or separated by commas. FIFO topics cannot be used.",
        multiline: true,
        maxLength: 3000,
      }),
    ],
  };
}

function subscriptionLine(topic: CreatedWebhookConfiguration["topics"][number]): string {
  return `• \`${escapeText(topic.topicArn)}\` — ${topicStatusText(topic)}`;
}

/** The "Add webhook" result: the webhook (redacted) and each topic's SNS subscription. */
export function webhookAddedView(created: CreatedWebhookConfiguration): ModalView {
  const { configuration, topics } = created;
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: Added webhook\n${webhookLine(configuration)}`),
    section(`*SNS topics (${topics.length})*`),
    ...linesToSections(topics.map(subscriptionLine), 10),
  ];
  if (topics.some((t) => t.status === "pending")) {
    blocks.push(
      context("SNS confirms new subscriptions within a minute; App Home shows the webhook's state."),
    );
  }
  if (topics.some((t) => t.status === "failed")) {
    blocks.push(context("Fix the cause of the failed topics, then remove the webhook and add it again."));
  }
  return {
    type: "modal",
    title: plain("Webhook added"),
    close: plain("Done"),
    blocks: capBlocks(blocks, VIEW_BLOCKS_MAX, (omitted) => `${omitted} more blocks were left out.`),
  };
}
