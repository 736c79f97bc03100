import { consoleUrl } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { obj, scalarText, str } from "../json";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** Trusted Advisor check item refreshes. */

export function checkSeverity(status: string | undefined): Severity {
  switch (status) {
    case "ERROR":
      return "high";
    case "WARN":
      return "medium";
    case "OK":
      return "ok";
    default:
      return "info";
  }
}

export function formatTrustedAdvisorEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "Trusted Advisor Check Item Refresh Notification") return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const check = str(detail, "check-name");
  const status = str(detail, "status");
  const item = obj(detail, "check-item-detail") ?? {};
  const resourceId = str(detail, "resource_id");
  const itemFields = Object.keys(item)
    .slice(0, 8)
    .map((key): [string, string | undefined] => [key, scalarText(item[key])]);

  return createNotification(context, {
    ...defaults,
    service: "trustedadvisor",
    kind: "check-item-refresh",
    title: `Trusted Advisor: ${check ?? "check"} (${status ?? "refreshed"})`,
    severity: checkSeverity(status),
    state: status,
    sourceLabel: "Trusted Advisor",
    resources: resourceId === undefined ? defaults.resources : [resourceId, ...defaults.resources],
    fields: fieldList(["Check", check], ["Status", status], ...itemFields),
    threadKey: str(detail, "uuid"),
    consoleUrl: consoleUrl(defaults.partition, "/trustedadvisor/home", { fragment: "/dashboard" }),
  });
}
