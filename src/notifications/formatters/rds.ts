import { consoleUrl, enc, isRegionCode, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, str, strings } from "../json";
import { formatUtc, toIsoTime } from "../time";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/** RDS events: EventBridge "RDS DB … Event" and the JSON that RDS event subscriptions publish. */

/** Events whose id alone says how bad they are (RDS User Guide, "Amazon RDS event categories"). */
const EVENT_SEVERITY: Record<string, Severity> = {
  "RDS-EVENT-0007": "critical", // allocated storage exhausted
  "RDS-EVENT-0031": "critical", // instance failed (incompatible configuration)
  "RDS-EVENT-0036": "critical", // incompatible network
  "RDS-EVENT-0221": "critical", // storage-full threshold reached, instance shut down
  "RDS-EVENT-0089": "high", // storage consumed above 90%
  "RDS-EVENT-0004": "high", // instance shut down
  "RDS-EVENT-0022": "high", // error while restarting
  "RDS-EVENT-0013": "high", // Multi-AZ failover started
  "RDS-EVENT-0015": "ok", // Multi-AZ failover completed
  "RDS-EVENT-0049": "ok", // Multi-AZ failover completed
  "RDS-EVENT-0006": "medium", // instance restarted
};

const CATEGORY_SEVERITY: Record<string, Severity> = {
  failure: "critical",
  "low storage": "high",
  failover: "high",
  availability: "high",
  recovery: "medium",
  "read replica": "medium",
  security: "medium",
  maintenance: "low",
  "security patching": "low",
};

export function rdsSeverity(
  eventId: string | undefined,
  categories: string[],
  message: string | undefined,
): Severity {
  const byId = eventId === undefined ? undefined : EVENT_SEVERITY[eventId];
  if (byId !== undefined) return byId;
  for (const category of categories) {
    const byCategory = CATEGORY_SEVERITY[category.toLowerCase()];
    if (byCategory !== undefined) return byCategory;
  }
  if (/exhausted|failed|failure|error|incompatible/i.test(message ?? "")) return "high";
  return "info";
}

export function formatRdsEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (!/^RDS DB .*Event$/.test(event.detailType)) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const eventId = str(detail, "EventID");
  const categories = strings(detail, "EventCategories");
  const message = str(detail, "Message");
  const source = str(detail, "SourceIdentifier");
  const sourceType = str(detail, "SourceType");
  const sourceArn = str(detail, "SourceArn");
  const date = toIsoTime(str(detail, "Date"));
  return createNotification(context, {
    ...defaults,
    service: "rds",
    kind: slug(event.detailType.replace(/^RDS /, "")),
    title: `RDS ${source ?? "event"}: ${message ?? eventId ?? event.detailType}`,
    severity: rdsSeverity(eventId, categories, message),
    state: eventId,
    sourceLabel: "Amazon RDS",
    fields: fieldList(
      ["Source", source],
      ["Source type", sourceType],
      ["Event", eventId],
      ["Categories", categories.join(", ")],
      ["Time", date === undefined ? undefined : formatUtc(date)],
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

/**
 * RDS event subscriptions publish `{"Event Source", "Event Time", "Identifier Link", "Source ID",
 * "Event ID" (a documentation URL ending in #RDS-EVENT-nnnn), "Event Message"}`.
 */
export function formatRdsSns(payload: JsonObject, context: FormatContext): Notification {
  const eventLink = str(payload, "Event ID");
  const eventId = /RDS-EVENT-\d+/.exec(eventLink ?? "")?.[0] ?? eventLink;
  const source = str(payload, "Source ID");
  const sourceType = str(payload, "Event Source");
  const message = str(payload, "Event Message");
  // The identifier link is only read for its region; the button is built from the parts.
  const linkRegion = /[?&#]region=([a-z0-9-]+)/.exec(str(payload, "Identifier Link") ?? "")?.[1];
  const region = isRegionCode(linkRegion) ? linkRegion : context.topic.region;
  const partition = partitionOf([], region, context.topic.partition);
  const time = toIsoTime(str(payload, "Event Time"));

  return createNotification(context, {
    service: "rds",
    kind: "rds-event-notification",
    title: `RDS ${source ?? "event"}: ${message ?? eventId ?? "event notification"}`,
    severity: rdsSeverity(eventId, [], message),
    state: eventId,
    sourceLabel: "Amazon RDS",
    region,
    partition,
    resources: source === undefined ? [] : [source],
    fields: fieldList(
      ["Source", source],
      ["Source type", sourceType],
      ["Event", eventId],
      ["Time", time === undefined ? str(payload, "Event Time") : formatUtc(time)],
    ),
    reason: message,
    timestamp: time ?? toIsoTime(context.envelope.Timestamp),
    threadKey: source === undefined ? undefined : `rds:${region ?? ""}:${source}`,
    consoleUrl: rdsUrl(partition, region, source, sourceType),
  });
}
