import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, str } from "../json";
import { isAwsLinkUrl } from "../link-url";
import { dmsSeverity } from "../severity";
import type { Notification, NotificationLink } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";
import { readSubscriptionMessage, subscriptionParts } from "./rds";

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
  const parsed = readSubscriptionMessage(
    payload,
    context,
    str(payload, "SourceId") ?? str(payload, "Source ID"),
  );
  const { source, region, partition, message } = parsed;
  const eventId = DMS_EVENT_ID.exec(parsed.eventLink ?? "")?.[0];
  const word = sourceWord(parsed.sourceType);

  return createNotification(context, {
    service: "dms",
    kind: "dms-event-notification",
    title: `DMS ${word ?? "event"}${source === undefined ? "" : ` ${source}`}: ${message ?? eventId ?? "event notification"}`,
    severity: dmsSeverity(eventId, undefined),
    sourceLabel: SOURCE_LABEL,
    ...subscriptionParts(parsed, eventId, context),
    threadKey: source === undefined ? undefined : `dms:${region ?? ""}:${source}`,
    consoleUrl: dmsUrl(partition, region, word, source),
    links: identifierLink(parsed.link),
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
