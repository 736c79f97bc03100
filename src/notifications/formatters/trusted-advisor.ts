import { arnResourceName, consoleUrl } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { obj, scalarText, str } from "../json";
import { isTrustedAdvisorSecurityCheck, trustedAdvisorSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import {
  at,
  createNotification,
  eventDefaults,
  type FormatContext,
  fieldList,
  type TimeValue,
} from "./common";

/** Trusted Advisor check item refreshes. */

/** Item details carry times as epoch milliseconds (`"Last Updated Time": "1711273872000"`). */
function itemValue(key: string, value: string | undefined): string | TimeValue | undefined {
  if (value === undefined || !/time|date|updated/i.test(key)) return value;
  return at(toIsoTime(value), value);
}

/**
 * The item fields worth a line, at most 8: never a null, never the per-day series of the utilisation
 * checks (`Day 1` … `Day 14`), which would crowd out the instance id and the savings.
 */
function itemFields(item: Record<string, unknown>): [string, string | TimeValue | undefined][] {
  return Object.keys(item)
    .filter((key) => item[key] !== null && !/^Day \d+$/.test(key))
    .slice(0, 8)
    .map((key) => [key, itemValue(key, scalarText(item[key]))]);
}

/**
 * The console page of the check's category (`#/category/security`); the events carry no check id,
 * which a deep link to the check itself would need.
 */
function checkPage(check: string | undefined): string {
  if (isTrustedAdvisorSecurityCheck(check)) return "/category/security";
  if (/service limits?|service quotas?/i.test(check ?? "")) return "/category/service-limits";
  return "/dashboard";
}

export function formatTrustedAdvisorEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "Trusted Advisor Check Item Refresh Notification") return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const check = str(detail, "check-name")?.trim();
  const status = str(detail, "status");
  const item = obj(detail, "check-item-detail") ?? {};
  const resourceId = str(detail, "resource_id") || undefined;
  // The header names the resource by its name, not its ARN, so the header is not cut.
  const resourceName = arnResourceName(resourceId) ?? resourceId;

  return createNotification(context, {
    ...defaults,
    service: "trustedadvisor",
    kind: "check-item-refresh",
    title: `Trusted Advisor: ${check ?? "check"}${resourceName === undefined ? "" : ` · ${resourceName}`}`,
    severity: trustedAdvisorSeverity(check, status),
    state: status,
    sourceLabel: "Trusted Advisor",
    resources: resourceId === undefined ? defaults.resources : [resourceId, ...defaults.resources],
    fields: fieldList(["Check", check], ["Status", status], ...itemFields(item)),
    threadKey: str(detail, "uuid"),
    consoleUrl: consoleUrl(defaults.partition, "/trustedadvisor/home", { fragment: checkPage(check) }),
  });
}
