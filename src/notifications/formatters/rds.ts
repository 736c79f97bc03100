import { consoleUrl, enc, isRegionCode, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, str, strings } from "../json";
import { rdsSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/** RDS events: EventBridge "RDS DB … Event" and the JSON that RDS event subscriptions publish. */

export function formatRdsEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (!/^RDS DB .*Event$/.test(event.detailType)) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const eventId = str(detail, "EventID");
  const categories = strings(detail, "EventCategories");
  const message = str(detail, "Message");
  const source = sourceId(str(detail, "SourceIdentifier"));
  const sourceType = str(detail, "SourceType");
  const sourceArn = str(detail, "SourceArn");
  const date = toIsoTime(str(detail, "Date"));
  return createNotification(context, {
    ...defaults,
    service: "rds",
    kind: slug(event.detailType.replace(/^RDS /, "")),
    title: `RDS ${source ?? "event"}: ${message ?? eventId ?? event.detailType}`,
    severity: rdsSeverity(eventId, categories),
    sourceLabel: "Amazon RDS",
    fields: fieldList(
      ["Source", source],
      ["Source type", sourceType],
      ["Event", eventId],
      ["Categories", categories.join(", ")],
      ["Time", at(date)],
    ),
    reason: message,
    threadKey: sourceArn,
    consoleUrl: rdsUrl(defaults.partition, defaults.region, source, sourceType),
  });
}

function rdsUrl(
  partition: Notification["partition"],
  region: string | undefined,
  source: string | undefined,
  sourceType: string | undefined,
): string | undefined {
  if (source === undefined) return undefined;
  const type = (sourceType ?? "").toLowerCase().replace(/_/g, "-");
  if (type === "db-instance" || type === "db-cluster") {
    return consoleUrl(partition, "/rds/home", {
      region,
      fragment: `database:id=${enc(source)};is-cluster=${type === "db-cluster" ? "true" : "false"}`,
    });
  }
  return consoleUrl(partition, "/rds/home", { region, fragment: "events:" });
}

/** Event subscriptions name some sources `rds:<id>`; the console and people know them as `<id>`. */
function sourceId(value: string | undefined): string | undefined {
  const id = value?.replace(/^rds:/, "");
  return id === "" ? undefined : id;
}

/** What an RDS-style event subscription message (RDS, DMS) says, read once for both formatters. */
export interface SubscriptionMessage {
  source?: string;
  sourceType?: string;
  message?: string;
  /** `Event ID`: a documentation URL ending in the event id. */
  eventLink?: string;
  /** `Identifier Link`: the message's own console link. */
  link?: string;
  region?: string;
  partition: Notification["partition"];
  time?: string;
  timeText?: string;
}

/** Reads the shared keys; `source` is the formatter's own (`Source ID`, DMS's `SourceId`). */
export function readSubscriptionMessage(
  payload: JsonObject,
  context: FormatContext,
  source: string | undefined,
): SubscriptionMessage {
  const link = str(payload, "Identifier Link");
  // The identifier link is only read for its region; console buttons are built from the parts.
  const linkRegion = /[?&#]region=([a-z0-9-]+)/.exec(link ?? "")?.[1];
  const region = isRegionCode(linkRegion) ? linkRegion : context.topic.region;
  const timeText = str(payload, "Event Time");
  return {
    source,
    sourceType: str(payload, "Event Source"),
    message: str(payload, "Event Message"),
    eventLink: str(payload, "Event ID"),
    link,
    region,
    partition: partitionOf([], region, context.topic.partition),
    time: toIsoTime(timeText),
    timeText,
  };
}

/** The fields, time and resources both renderings of a subscription message show. */
export function subscriptionParts(
  parsed: SubscriptionMessage,
  eventId: string | undefined,
  context: FormatContext,
) {
  const { source } = parsed;
  return {
    region: parsed.region,
    partition: parsed.partition,
    resources: source === undefined ? [] : [source],
    fields: fieldList(
      ["Source", source],
      ["Source type", parsed.sourceType],
      ["Event", eventId],
      ["Time", at(parsed.time, parsed.timeText)],
    ),
    reason: parsed.message,
    timestamp: parsed.time ?? toIsoTime(context.envelope.Timestamp),
  };
}

/**
 * RDS event subscriptions publish `{"Event Source", "Event Time", "Identifier Link", "Source ID",
 * "Event ID" (a documentation URL ending in #RDS-EVENT-nnnn), "Event Message"}`.
 */
export function formatRdsSns(payload: JsonObject, context: FormatContext): Notification {
  const parsed = readSubscriptionMessage(payload, context, sourceId(str(payload, "Source ID")));
  const { source, region, partition, message } = parsed;
  const eventId = /RDS-EVENT-\d+/.exec(parsed.eventLink ?? "")?.[0] ?? parsed.eventLink;

  return createNotification(context, {
    service: "rds",
    kind: "rds-event-notification",
    title: `RDS ${source ?? "event"}: ${message ?? eventId ?? "event notification"}`,
    severity: rdsSeverity(eventId, []),
    sourceLabel: "Amazon RDS",
    ...subscriptionParts(parsed, eventId, context),
    threadKey: source === undefined ? undefined : `rds:${region ?? ""}:${source}`,
    consoleUrl: rdsUrl(partition, region, source, parsed.sourceType),
  });
}
