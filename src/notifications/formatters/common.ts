import { isRegionCode, partitionOf, type TopicContext } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { formatUtc, toIsoTime } from "../time";
import type { Notification, NotificationField, ServiceId, Severity, SnsNotificationEnvelope } from "../types";

/** What every formatter gets besides its payload: the envelope and what the topic ARN tells. */
export interface FormatContext {
  envelope: SnsNotificationEnvelope;
  topic: TopicContext;
}

/** An EventBridge formatter answers `undefined` for a detail-type it does not know (→ generic). */
export type EventFormatter = (event: EventBridgeEvent, context: FormatContext) => Notification | undefined;

export interface NotificationInit
  extends Partial<Omit<Notification, "service" | "kind" | "title" | "severity" | "sourceLabel">> {
  service: ServiceId;
  kind: string;
  title: string;
  /** Required key, so that every formatter decides; `undefined` means no badge. */
  severity: Severity | undefined;
  sourceLabel: string;
}

/**
 * A Notification with the topic's account, region, partition and the SNS time as defaults. A key
 * present in `init` wins even when its value is `undefined` (Budgets have no region, on purpose).
 */
export function createNotification(context: FormatContext, init: NotificationInit): Notification {
  return {
    resources: [],
    fields: [],
    lists: [],
    notes: [],
    keywords: [],
    partition: context.topic.partition,
    account: context.topic.account,
    region: context.topic.region,
    timestamp: toIsoTime(context.envelope.Timestamp),
    ...init,
  };
}

/** Defaults taken from an EventBridge event: its account, region, time, resources and partition. */
export function eventDefaults(
  event: EventBridgeEvent,
  context: FormatContext,
): Pick<Notification, "account" | "region" | "partition" | "timestamp" | "resources"> {
  const region = isRegionCode(event.region) ? event.region : context.topic.region;
  return {
    account: event.account ?? context.topic.account,
    region,
    partition: partitionOf(event.resources, region, context.topic.partition),
    timestamp: toIsoTime(event.time) ?? toIsoTime(context.envelope.Timestamp),
    resources: event.resources,
  };
}

/** A time value for `fieldList`: shown in Slack's date format, as UTC text elsewhere. */
export interface TimeValue {
  time: string;
}

type FieldValue = string | number | boolean | TimeValue | undefined | null;

/** An ISO time as a field value, else `fallback` (the service's own text) when it did not parse. */
export function at(iso: string | undefined, fallback?: string): TimeValue | string | undefined {
  return iso === undefined ? fallback : { time: iso };
}

/** Builds the fields list from `[label, value]` pairs, skipping absent, empty and `null` values. */
export function fieldList(...entries: [string, FieldValue][]): NotificationField[] {
  const out: NotificationField[] = [];
  for (const [label, value] of entries) {
    if (value === undefined || value === null) continue;
    if (typeof value === "object") {
      out.push({ label, value: formatUtc(value.time), time: value.time });
      continue;
    }
    const text = String(value).trim();
    if (text !== "" && text !== "null") out.push({ label, value: text });
  }
  return out;
}

/** `old → new` when both are known and differ, else whichever is known. */
export function transition(from: string | undefined, to: string | undefined): string | undefined {
  if (from !== undefined && to !== undefined && from !== to) return `${from} → ${to}`;
  return to ?? from;
}

/** Lower-case slug of an EventBridge detail-type: "EC2 Instance Launch Unsuccessful" → "ec2-instance-launch-unsuccessful". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Up to `limit` items with the count of the rest, for NotificationList. */
export function limitItems(items: string[], limit: number): { items: string[]; more?: number } {
  if (items.length <= limit) return { items };
  return { items: items.slice(0, limit), more: items.length - limit };
}
