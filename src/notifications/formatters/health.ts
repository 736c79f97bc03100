import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, objects, str } from "../json";
import { formatUtc, toIsoTime } from "../time";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** AWS Health events (public and account-specific issues, scheduled changes, notifications). */

export function formatHealthEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (event.detailType !== "AWS Health Event" && event.detailType !== "AWS Health Abuse Event")
    return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const typeCode = str(detail, "eventTypeCode");
  const category = str(detail, "eventTypeCategory");
  const status = str(detail, "statusCode");
  const eventArn = str(detail, "eventArn");
  const region = str(detail, "eventRegion") ?? defaults.region;
  const start = toIsoTime(str(detail, "startTime"));
  const end = toIsoTime(str(detail, "endTime"));
  const entities = objects(detail, "affectedEntities").map(describeEntity);
  const entityValues = objects(detail, "affectedEntities")
    .map((entity) => str(entity, "entityValue"))
    .filter((value): value is string => value !== undefined);

  return createNotification(context, {
    ...defaults,
    service: "health",
    kind: "health-event",
    title: `AWS Health ${categoryLabel(category)}: ${typeCode ?? "event"}`,
    severity: healthSeverity(category, status, str(detail, "actionability")),
    state: status,
    sourceLabel: "AWS Health",
    region,
    account: str(detail, "affectedAccount") ?? defaults.account,
    resources: [...new Set([...defaults.resources, ...entityValues])],
    description: description(detail),
    fields: fieldList(
      ["Service", str(detail, "service")],
      ["Event type", typeCode],
      ["Category", category],
      ["Status", status],
      ["Scope", str(detail, "eventScopeCode")],
      ["Region", region],
      ["Start", start === undefined ? str(detail, "startTime") : formatUtc(start)],
      ["End", end === undefined ? str(detail, "endTime") : formatUtc(end)],
      ["Actionability", str(detail, "actionability")],
    ),
    lists: entities.length === 0 ? [] : [{ title: "Affected entities", ...limitItems(entities, 10) }],
    threadKey: eventArn,
    consoleUrl:
      eventArn === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/health/home", {
            fragment: `/account/event-log?eventID=${enc(eventArn)}&eventTab=details`,
          }),
  });
}

function categoryLabel(category: string | undefined): string {
  switch (category) {
    case "issue":
      return "issue";
    case "scheduledChange":
      return "scheduled change";
    case "accountNotification":
      return "account notification";
    case "investigation":
      return "investigation";
    default:
      return "event";
  }
}

/** Closed → ok; open issues → high; upcoming changes and required actions → medium; notices → info. */
export function healthSeverity(
  category: string | undefined,
  status: string | undefined,
  actionability: string | undefined,
): Severity {
  if (status === "closed") return "ok";
  if (category === "issue") return "high";
  if (category === "scheduledChange" || category === "investigation") return "medium";
  if (actionability === "ACTION_REQUIRED") return "medium";
  return "info";
}

function description(detail: JsonObject) {
  const descriptions = objects(detail, "eventDescription");
  const chosen = descriptions.find((d) => str(d, "language")?.startsWith("en") === true) ?? descriptions[0];
  const text = str(chosen, "latestDescription");
  return text === undefined ? undefined : { text, format: "plain" as const };
}

function describeEntity(entity: JsonObject): string {
  return [str(entity, "entityValue") ?? "(unnamed)", str(entity, "status")]
    .filter((p) => p !== undefined)
    .join(" · ");
}
