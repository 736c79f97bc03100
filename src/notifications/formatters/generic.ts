import type { EventBridgeEvent } from "../classify";
import { boundedJson, isObject, type JsonObject, scalarText } from "../json";
import { textSeverity } from "../severity";
import { firstLine, truncateChars } from "../text";
import type { Notification, NotificationField, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext } from "./common";

/**
 * The renderings of last resort: EventBridge events no formatter knows, plain text, JSON of no known
 * shape, empty messages, and the fallback used when a dedicated formatter fails on odd input.
 */

const STATUS_KEY = /^(status|state|result|outcome|error|errorCode|failure|severity|level)$/i;
const DETAILS_CHARS = 2000;

/**
 * Scalars first (they read best as fields), then small objects and lists; a list of objects is
 * only counted, its content is in the details block.
 */
export function topLevelFields(value: JsonObject, limit: number): NotificationField[] {
  const scalars: NotificationField[] = [];
  const nested: NotificationField[] = [];
  for (const key of Object.keys(value)) {
    if (scalars.length >= limit) break;
    const item = value[key];
    const text = scalarText(item);
    if (text !== undefined) scalars.push({ label: key, value: truncateChars(text, 300) });
    else if (Array.isArray(item)) {
      const objectsOnly =
        item.length > 0 && item.every((entry) => typeof entry === "object" && entry !== null);
      nested.push({ label: key, value: objectsOnly ? `${item.length} items` : summarise(item) });
    } else if (isObject(item)) nested.push({ label: key, value: summarise(item) });
  }
  return [...scalars, ...nested].slice(0, limit);
}

function summarise(value: unknown): string {
  const json = boundedJson(value, 200);
  return json.truncated ? `${json.text}…` : json.text;
}

/** Failure words in status-like top-level fields mean medium; anything else stays info. */
function statusSeverity(value: JsonObject) {
  for (const key of Object.keys(value)) {
    if (!STATUS_KEY.test(key)) continue;
    const text = scalarText(value[key]);
    if (text !== undefined && textSeverity(text) === "medium") return "medium" as const;
  }
  return "info" as const;
}

export function formatGenericEvent(event: EventBridgeEvent, context: FormatContext): Notification {
  const defaults = eventDefaults(event, context);
  const details = boundedJson(event.detail, DETAILS_CHARS, 2);
  return createNotification(context, {
    ...defaults,
    service: "eventbridge",
    kind: "unknown-event",
    title: event.detailType,
    severity: statusSeverity(event.detail),
    sourceLabel: `EventBridge · ${event.source}`,
    fields: [{ label: "Source", value: event.source }, ...topLevelFields(event.detail, 9)],
    details: details.truncated ? `${details.text}\n…` : details.text,
  });
}

export function formatUnknownJson(value: unknown, context: FormatContext): Notification {
  const details = boundedJson(value, DETAILS_CHARS, 2);
  const topic = context.topic.topicName;
  return createNotification(context, {
    service: "unknown",
    kind: "unknown-json",
    title: context.envelope.Subject ?? `JSON message${topic === undefined ? "" : ` on ${topic}`}`,
    severity: isObject(value) ? statusSeverity(value) : "info",
    sourceLabel: "Amazon SNS",
    fields: isObject(value) ? topLevelFields(value, 10) : [],
    details: details.truncated ? `${details.text}\n…` : details.text,
  });
}

export function formatPlainText(text: string, context: FormatContext): Notification {
  const subject = context.envelope.Subject;
  const first = firstLine(text);
  const singleLine = first === text.trim();
  const topic = context.topic.topicName;
  return createNotification(context, {
    service: "text",
    kind: "plain-text",
    title: subject ?? (truncateChars(first, 150) || `Message on ${topic ?? "SNS"}`),
    // Judged separately: joining would copy a 256 KB message only to read its start.
    severity: worse(textSeverity(subject ?? ""), textSeverity(text)),
    sourceLabel: "Amazon SNS",
    // Without a subject, a one-line message is its own title; longer text is shown in full.
    description:
      subject === undefined && singleLine && first.length <= 150 ? undefined : { text, format: "plain" },
    fields: topic === undefined ? [] : [{ label: "Topic", value: topic }],
  });
}

/** Failure beats success beats nothing: "Backup done" with a "failed" body is a failure. */
function worse(a: Severity, b: Severity): Severity {
  if (a === "medium" || b === "medium") return "medium";
  if (a === "ok" || b === "ok") return "ok";
  return a;
}

export function formatEmptyMessage(context: FormatContext): Notification {
  const subject = context.envelope.Subject;
  const topic = context.topic.topicName;
  return createNotification(context, {
    service: "text",
    kind: subject === undefined ? "plain-text" : "subject-only",
    title: subject ?? `Empty message on ${topic ?? "SNS"}`,
    severity: subject === undefined ? "info" : textSeverity(subject),
    sourceLabel: "Amazon SNS",
    fields: topic === undefined ? [] : [{ label: "Topic", value: topic }],
    notes: subject === undefined ? ["The message was empty and had no subject."] : [],
  });
}
