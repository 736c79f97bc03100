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

/**
 * RDS event subscriptions publish `{"Event Source", "Event Time", "Identifier Link", "Source ID",
 * "Event ID" (a documentation URL ending in #RDS-EVENT-nnnn), "Event Message"}`.
 */
export function formatRdsSns(payload: JsonObject, context: FormatContext): Notification {
  const eventLink = str(payload, "Event ID");
  const eventId = /RDS-EVENT-\d+/.exec(eventLink ?? "")?.[0] ?? eventLink;
  const source = sourceId(str(payload, "Source ID"));
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
    severity: rdsSeverity(eventId, []),
    sourceLabel: "Amazon RDS",
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
    threadKey: source === undefined ? undefined : `rds:${region ?? ""}:${source}`,
    consoleUrl: rdsUrl(partition, region, source, sourceType),
  });
}
