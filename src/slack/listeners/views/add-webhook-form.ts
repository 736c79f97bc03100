/**
 * Reads and validates the "Add webhook" modal (view.state.values) with the webhooks domain's own
 * validators, offline and within Slack's 3 s: each problem lands on its field, keyed by block_id, for
 * `response_action: "errors"`. The validators' messages never echo the URL.
 */
import type { ViewOutput } from "@slack/bolt";
import { z } from "zod";
import { isChatbotError } from "../../../errors";
import { assertDeliverableTopic } from "../../../sns/topic-arn";
import {
  type NewWebhookConfiguration,
  parseWebhookDescription,
  parseWebhookRoleArn,
  parseWebhookUrl,
} from "../../../webhooks";
import { hideSettingNames } from "../../blocks/text";
import { WEBHOOK_FIELDS, type WebhookField } from "../../blocks/webhook-rooms";

/** Slack shows an input's error under it; long ones are cut (the validators' messages are ≤ ~600). */
const ERROR_MAX = 1000;

const inputSchema = z.object({ value: z.string().nullish() });

/** block_id → problem, as `response_action: "errors"` wants them. */
export type WebhookFormErrors = Record<string, string>;

export type WebhookFormResult =
  | { ok: true; input: Required<Pick<NewWebhookConfiguration, "url" | "description" | "topics" | "roleArn">> }
  | { ok: false; errors: WebhookFormErrors };

function fieldValue(values: ViewOutput["state"]["values"], field: WebhookField): string {
  const id = WEBHOOK_FIELDS[field];
  const parsed = inputSchema.safeParse(values[id]?.[id]);
  return parsed.success ? (parsed.data.value ?? "").trim() : "";
}

function shorten(message: string): string {
  return message.length > ERROR_MAX ? `${message.slice(0, ERROR_MAX - 1)}…` : message;
}

/** The problem `check` throws as a ChatbotError, or undefined; anything else is a bug and rethrown. */
function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    // The validators' messages serve the operator's CLI too: setting names stay out of the form.
    return shorten(hideSettingNames(error.message));
  }
}

/** Topic ARNs one per line or comma-separated; duplicates kept once, in order. */
export function splitTopics(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((part) => part !== ""))];
}

export function readWebhookForm(
  values: ViewOutput["state"]["values"],
  options: { webhookUrlPattern?: RegExp } = {},
): WebhookFormResult {
  const url = fieldValue(values, "url");
  const description = fieldValue(values, "description");
  const roleArn = fieldValue(values, "roleArn");
  const topics = splitTopics(fieldValue(values, "topics"));
  const errors: WebhookFormErrors = {};
  const put = (field: WebhookField, problem: string | undefined) => {
    if (problem !== undefined) errors[WEBHOOK_FIELDS[field]] = problem;
  };
  put(
    "url",
    problemOf(() => parseWebhookUrl(url, { allowPattern: options.webhookUrlPattern })),
  );
  put(
    "description",
    problemOf(() => parseWebhookDescription(description)),
  );
  if (roleArn !== "")
    put(
      "roleArn",
      problemOf(() => parseWebhookRoleArn(roleArn)),
    );
  const topicProblems = topics
    .map((topic) => problemOf(() => assertDeliverableTopic(topic)))
    .filter((problem): problem is string => problem !== undefined);
  if (topics.length === 0)
    put("topics", "Add at least one SNS topic ARN, e.g. arn:aws:sns:us-east-1:123456789012:alarms.");
  else if (topicProblems.length > 0) put("topics", shorten(topicProblems.join(" ")));
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { url, description, topics, roleArn: roleArn === "" ? null : roleArn } };
}
