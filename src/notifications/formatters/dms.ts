import { arnResourceName, consoleUrl, enc, isRegionCode, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, str } from "../json";
import { isAwsLinkUrl } from "../link-url";
import { dmsSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification, NotificationLink } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/**
 * AWS Database Migration Service events: event subscriptions publish RDS's SNS shape (`Event
 * Source`, `SourceId`, `Identifier Link`, `Event ID` as a documentation URL ending in
 * `#DMS-EVENT-nnnn`); EventBridge rules deliver `DMS … State Change` events (source `aws.dms`).
 */

const SOURCE_LABEL = "AWS DMS";
const DMS_EVENT_ID = /DMS-EVENT-\d{4}/;
const LINKED_NAME = /#(?:taskDetails|replicationInstanceDetails)\/([\w.-]{1,255})$/;

/** `replication-task` → `task`, `REPLICATION_INSTANCE` → `instance`. */
function sourceWord(sourceType: string | undefined): string | undefined {
  const type = (sourceType ?? "").toLowerCase().replace(/_/g, "-");
  if (type.includes("task")) return "task";
  if (type.includes("instance")) return "instance";
  return undefined;
}

/** The DMS console's page for a named task, else the list of the source's kind. */
function dmsUrl(
  partition: Notification["partition"],
  region: string | undefined,
  word: string | undefined,
  name: string | undefined,
): string {
  const fragment =
    word === "task"
      ? name === undefined
        ? "tasks"
        : `taskDetails/${enc(name)}`
      : word === "instance"
        ? "replicationInstances"
        : "dashboard";
  return consoleUrl(partition, "/dms/v2/home", { region, fragment });
}

/** The link the message carries to its resource, when it is a DMS console URL. */
function identifierLink(url: string | undefined): NotificationLink[] {
  return isAwsLinkUrl(url) ? [{ label: "Open in DMS console", url }] : [];
}

export function formatDmsSns(payload: JsonObject, context: FormatContext): Notification {
  const eventId = DMS_EVENT_ID.exec(str(payload, "Event ID") ?? "")?.[0];
  const source = str(payload, "SourceId") ?? str(payload, "Source ID");
  const sourceType = str(payload, "Event Source");
  const word = sourceWord(sourceType);
  const message = str(payload, "Event Message");
  const link = str(payload, "Identifier Link");
  // The link is read for its region only; the console button is built from the parts.
  const linkRegion = /[?&#]region=([a-z0-9-]+)/.exec(link ?? "")?.[1];
  const region = isRegionCode(linkRegion) ? linkRegion : context.topic.region;
  const partition = partitionOf([], region, context.topic.partition);
  const time = toIsoTime(str(payload, "Event Time"));

  return createNotification(context, {
    service: "dms",
    kind: "dms-event-notification",
    title: `DMS ${word ?? "event"}${source === undefined ? "" : ` ${source}`}: ${message ?? eventId ?? "event notification"}`,
    severity: dmsSeverity(eventId, undefined),
    sourceLabel: SOURCE_LABEL,
    region,
    partition,
    resources: source === undefined ? [] : [source],
    fields: fieldList(
      ["Source", source],
      ["Source type", sourceType],
      ["Event", eventId],
      ["Time", at(time, str(payload, "Event Time"))],
    ),
    reason: message,
    timestamp: time ?? toIsoTime(context.envelope.Timestamp),
    threadKey: source === undefined ? undefined : `dms:${region ?? ""}:${source}`,
    consoleUrl: dmsUrl(partition, region, word, source),
    links: identifierLink(link),
  });
}

export function formatDmsEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (!/^DMS /.test(event.detailType)) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const eventId = str(detail, "eventId");
  const category = str(detail, "category");
  const word = sourceWord(str(detail, "type") ?? event.detailType);
  const message = str(detail, "detailMessage");
  const resource = event.resources[0];
  const link = str(detail, "resourceLink");
  // The ARN ends in a generated id; the console link the event carries names the task.
  const source = LINKED_NAME.exec(link ?? "")?.[1] ?? arnResourceName(resource) ?? resource;

  return createNotification(context, {
    ...defaults,
    service: "dms",
    kind: slug(event.detailType),
    title: `DMS ${word ?? "event"}${source === undefined ? "" : ` ${source}`}: ${message ?? str(detail, "eventType") ?? event.detailType}`,
    severity: dmsSeverity(eventId, category),
    sourceLabel: SOURCE_LABEL,
    fields: fieldList(["Event", eventId], ["Event type", str(detail, "eventType")], ["Category", category]),
    reason: message,
    threadKey: resource,
    consoleUrl: dmsUrl(defaults.partition, defaults.region, word, undefined),
    links: identifierLink(link),
  });
}
