import type { EventBridgeEvent } from "../classify";
import { boundedJson, isObject, type JsonObject, scalarText } from "../json";
import { stateSeverity } from "../severity";
import { firstLine, humanizeKey, truncateChars } from "../text";
import { formatUtc, toIsoTime } from "../time";
import type { Notification, NotificationField } from "../types";
import { createNotification, eventDefaults, type FormatContext } from "./common";

/**
 * The renderings of last resort: EventBridge events no formatter knows, plain text, JSON of no known
 * shape, empty messages, and the fallback used when a dedicated formatter fails on odd input.
 */

const STATUS_KEY = /^(status|state)$/i;
const DETAILS_CHARS = 2000;

const MAX_READABLE_FIELDS = 10;

/**
 * The object as labelled fields when it reads well that way (scalars, short lists of scalars, small
 * flat objects; at most ten), else `undefined`: then it is shown as one JSON block instead, never
 * both. Nulls and empty values are left out.
 */
export function readableFields(value: JsonObject): NotificationField[] | undefined {
  const fields: NotificationField[] = [];
  const add = (label: string, item: unknown): boolean => {
    if (item === null || item === undefined) return true;
    const text = scalarText(item);
    if (text !== undefined) {
      if (text === "null") return true;
      const time = timeOf(label, text);
      fields.push(
        time === undefined
          ? { label: humanizeKey(label), value: truncateChars(text, 300) }
          : { label: humanizeKey(label), value: formatUtc(time), time },
      );
      return true;
    }
    if (Array.isArray(item)) {
      const texts = item.map(scalarText);
      if (item.length > 10 || texts.some((t) => t === undefined)) return false;
      if (texts.length > 0) fields.push({ label: humanizeKey(label), value: texts.join(", ") });
      return true;
    }
    return false;
  };
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (isObject(item)) {
      const keys = Object.keys(item);
      if (keys.length > 4) return undefined;
      for (const inner of keys) if (!add(`${key} ${inner}`, item[inner])) return undefined;
    } else if (!add(key, item)) return undefined;
    if (fields.length > MAX_READABLE_FIELDS) return undefined;
  }
  return fields;
}

/** An ISO time, or epoch seconds / milliseconds under a time-like key (`createdAt`, `eventTime`). */
function timeOf(key: string, text: string): string | undefined {
  if (/^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(text)) return toIsoTime(text);
  if (/^\d{10}$/.test(text) && /(time|date|at)$/i.test(key)) return toIsoTime(Number(text) * 1000);
  if (/^\d{13}$/.test(text) && /(time|date|at)$/i.test(key)) return toIsoTime(text);
  return undefined;
}

/** A short name for the thing an unknown event is about: its first `…Name` value. */
function nameOf(value: JsonObject): string | undefined {
  for (const key of Object.keys(value)) {
    if (!/name$/i.test(key)) continue;
    const text = scalarText(value[key]);
    if (text !== undefined && text.length <= 80 && !text.includes("\n")) return text;
  }
  return undefined;
}

/**
 * The first `…Id` string of an unknown shape, with what it identifies (`orderId` → "Order"). Keys in
 * capitals (`UUID`) and values that are not strings (`hasId: true`) name nothing.
 */
function idOf(value: JsonObject): { what: string; id: string } | undefined {
  for (const key of Object.keys(value)) {
    const what = /^([A-Za-z][A-Za-z0-9]*?)[_-]?(?:Id|ID|_id)$/.exec(key)?.[1];
    if (what === undefined || what === what.toUpperCase() || typeof value[key] !== "string") continue;
    const text = scalarText(value[key]);
    if (text !== undefined && text.length <= 80 && !text.includes("\n"))
      return { what: humanizeKey(what), id: text };
  }
  return undefined;
}

/** A title an unknown JSON message gives itself: its `title`, `subject`, `summary`… when short. */
function ownTitle(value: JsonObject): string | undefined {
  for (const key of ["title", "subject", "summary", "message", "event", "eventType", "type", "name"]) {
    const text = scalarText(value[key]);
    if (text !== undefined && text.length <= 120 && !text.includes("\n")) return text;
  }
  return undefined;
}

/** Fields or a JSON block, whichever reads; never both. */
function fieldsOrDetails(value: unknown): Pick<Notification, "fields" | "details"> {
  const fields = isObject(value) ? readableFields(value) : undefined;
  if (fields !== undefined && fields.length > 0) return { fields, details: undefined };
  const details = boundedJson(value, DETAILS_CHARS, 2);
  return { fields: [], details: details.truncated ? `${details.text}\n…` : details.text };
}

/** The event's own `state` / `status` word, when it has one. */
export function statusOf(value: JsonObject): string | undefined {
  for (const key of Object.keys(value)) {
    if (!STATUS_KEY.test(key)) continue;
    const text = scalarText(value[key]);
    if (text !== undefined && text.length <= 40) return text;
  }
  return undefined;
}

export function formatGenericEvent(event: EventBridgeEvent, context: FormatContext): Notification {
  const defaults = eventDefaults(event, context);
  const state = statusOf(event.detail);
  const subject = nameOf(event.detail) ?? idOf(event.detail)?.id;
  return createNotification(context, {
    ...defaults,
    service: "eventbridge",
    kind: "unknown-event",
    title: `${event.detailType}${subject === undefined ? "" : ` · ${subject}`}`,
    severity: stateSeverity("generic", state),
    state,
    sourceLabel: `EventBridge · ${event.source}`,
    ...fieldsOrDetails(event.detail),
  });
}

/** "Order ORD-1 on order-events": what an unknown JSON message is about, by its name or id. */
function subjectTitle(value: JsonObject, topic: string | undefined): string | undefined {
  const id = idOf(value);
  const subject = nameOf(value) ?? (id === undefined ? undefined : `${id.what} ${id.id}`);
  return subject === undefined ? undefined : `${subject}${topic === undefined ? "" : ` on ${topic}`}`;
}

export function formatUnknownJson(value: unknown, context: FormatContext): Notification {
  const topic = context.topic.topicName;
  const state = isObject(value) ? statusOf(value) : undefined;
  return createNotification(context, {
    service: "unknown",
    kind: "unknown-json",
    title:
      context.envelope.Subject ??
      (isObject(value) ? (ownTitle(value) ?? subjectTitle(value, topic)) : undefined) ??
      `Message${topic === undefined ? "" : ` on ${topic}`}`,
    severity: stateSeverity("generic", state),
    state,
    sourceLabel: "Amazon SNS",
    ...fieldsOrDetails(value),
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
    // Free text has no severity field and no service table: reading words into it guessed wrong.
    severity: undefined,
    sourceLabel: "Amazon SNS",
    // Without a subject, a one-line message is its own title; longer text is shown in full.
    description:
      subject === undefined && singleLine && first.length <= 150 ? undefined : { text, format: "plain" },
    fields: topic === undefined ? [] : [{ label: "Topic", value: topic }],
  });
}

export function formatEmptyMessage(context: FormatContext): Notification {
  const subject = context.envelope.Subject;
  const topic = context.topic.topicName;
  return createNotification(context, {
    service: "text",
    kind: subject === undefined ? "plain-text" : "subject-only",
    title: subject ?? `Empty message on ${topic ?? "SNS"}`,
    severity: undefined,
    sourceLabel: "Amazon SNS",
    fields: topic === undefined ? [] : [{ label: "Topic", value: topic }],
    notes: subject === undefined ? ["The message was empty and had no subject."] : [],
  });
}
