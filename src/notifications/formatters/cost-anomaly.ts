import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, str } from "../json";
import { costAnomalySeverity } from "../severity";
import { formatAmount } from "../text";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** Cost Anomaly Detection alerts: the SNS JSON of an immediate alert, or EventBridge "Anomaly Detected". */

export function formatCostAnomalyEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "Anomaly Detected") return undefined;
  const notification = formatCostAnomaly(event.detail, context);
  const defaults = eventDefaults(event, context);
  notification.account ??= defaults.account;
  notification.timestamp = defaults.timestamp;
  return notification;
}

export function formatCostAnomaly(payload: JsonObject, context: FormatContext): Notification {
  const impact = obj(payload, "impact");
  const total = num(impact, "totalImpact");
  const percent = num(impact, "totalImpactPercentage");
  const expected = num(impact, "totalExpectedSpend");
  const actual = num(impact, "totalActualSpend");
  const causes = objects(payload, "rootCauses");
  const dimension = str(payload, "dimensionalValue") ?? str(causes[0], "service");
  const anomalyId = str(payload, "anomalyId");
  const monitorId = arnResourceName(str(payload, "monitorArn"));
  const accountName = str(payload, "accountName");
  const account = str(payload, "accountId") ?? context.topic.account;
  const end = str(payload, "anomalyEndDate");

  return createNotification(context, {
    service: "cost-anomaly",
    kind: "anomaly",
    title: `Cost anomaly${total === undefined ? "" : ` of $${formatAmount(total)}`}${
      dimension === undefined ? "" : ` in ${dimension}`
    }`,
    severity: costAnomalySeverity(total),
    state: end === undefined ? "ongoing" : "ended",
    sourceLabel: "Cost Anomaly Detection",
    account,
    // Cost Explorer is a global service homed in us-east-1.
    region: undefined,
    resources: [str(payload, "monitorArn")].filter((r): r is string => r !== undefined),
    fields: fieldList(
      [
        "Total impact",
        total === undefined
          ? undefined
          : `$${formatAmount(total)}${percent === undefined ? "" : ` (+${percent}%)`}`,
      ],
      ["Expected spend", expected === undefined ? undefined : `$${formatAmount(expected)}`],
      ["Actual spend", actual === undefined ? undefined : `$${formatAmount(actual)}`],
      ["Monitor", str(payload, "monitorName")],
      ["Account", accountName === undefined ? account : `${accountName} (${account ?? "?"})`],
      [
        "Started",
        toIsoTime(str(payload, "anomalyStartDate"))?.slice(0, 10) ?? str(payload, "anomalyStartDate"),
      ],
      ["Ended", end === undefined ? "ongoing" : (toIsoTime(end)?.slice(0, 10) ?? end)],
      ["Score", describeScore(obj(payload, "anomalyScore"))],
      ["Alert subscription", str(payload, "subscriptionName")],
    ),
    lists: causes.length === 0 ? [] : [{ title: "Root causes", ...limitItems(causes.map(describeCause), 5) }],
    threadKey: anomalyId === undefined ? undefined : `cost-anomaly:${anomalyId}`,
    consoleUrl:
      monitorId === undefined || anomalyId === undefined
        ? undefined
        : consoleUrl(context.topic.partition, "/cost-management/home", {
            fragment: `/anomaly-detection/monitors/${enc(monitorId)}/anomalies/${enc(anomalyId)}`,
          }),
  });
}

function describeScore(score: JsonObject | undefined): string | undefined {
  const current = num(score, "currentScore");
  const max = num(score, "maxScore");
  if (current === undefined && max === undefined) return undefined;
  return `${current ?? "?"} (max ${max ?? "?"})`;
}

function describeCause(cause: JsonObject): string {
  const account = str(cause, "linkedAccountName") ?? str(cause, "linkedAccount");
  return [str(cause, "service"), str(cause, "region"), account, str(cause, "usageType")]
    .filter((p) => p !== undefined)
    .join(" · ");
}
