import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { obj, pathStr, str } from "../json";
import { stateSeverity } from "../severity";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, transition } from "./common";

/** AWS Config rule compliance changes and configuration item changes. */

export function formatConfigEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (event.detailType === "Config Rules Compliance Change") return complianceChange(event, context);
  if (event.detailType === "Config Configuration Item Change") return itemChange(event, context);
  return undefined;
}

function complianceChange(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const rule = str(detail, "configRuleName");
  const resourceId = str(detail, "resourceId");
  const resourceType = str(detail, "resourceType");
  const next = pathStr(detail, ["newEvaluationResult", "complianceType"]);
  const previous = pathStr(detail, ["oldEvaluationResult", "complianceType"]);
  const region = str(detail, "awsRegion") ?? defaults.region;

  return createNotification(context, {
    ...defaults,
    service: "config",
    kind: "compliance-change",
    title:
      `${resourceType ?? "Resource"} ${resourceId ?? ""} is ${next ?? "re-evaluated"} with ${rule ?? "a Config rule"}`.replace(
        /\s+/g,
        " ",
      ),
    severity: stateSeverity("config", next),
    state: next,
    previousState: previous,
    sourceLabel: "AWS Config",
    region,
    account: str(detail, "awsAccountId") ?? defaults.account,
    resources: resourceId === undefined ? defaults.resources : [resourceId, ...defaults.resources],
    fields: fieldList(
      ["Rule", rule],
      ["Resource type", resourceType],
      ["Resource", resourceId],
      ["Compliance", transition(previous, next)],
    ),
    reason: pathStr(detail, ["newEvaluationResult", "annotation"]),
    threadKey: rule === undefined ? undefined : `config:${rule}:${resourceType ?? ""}:${resourceId ?? ""}`,
    consoleUrl:
      rule === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/config/home", {
            region,
            fragment: `/rules/details?configRuleName=${enc(rule)}`,
          }),
  });
}

function itemChange(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const item = obj(detail, "configurationItem");
  const resourceType = str(item, "resourceType");
  const resourceId = str(item, "resourceId");
  const changeType = str(obj(detail, "configurationItemDiff"), "changeType");
  return createNotification(context, {
    ...defaults,
    service: "config",
    kind: "configuration-item-change",
    title:
      `${resourceType ?? "Resource"} ${resourceId ?? ""} configuration ${changeType?.toLowerCase() ?? "changed"}`.replace(
        /\s+/g,
        " ",
      ),
    severity: "info",
    state: str(item, "configurationItemStatus"),
    sourceLabel: "AWS Config",
    fields: fieldList(
      ["Resource type", resourceType],
      ["Resource", resourceId],
      ["Name", str(item, "resourceName")],
      ["Change", changeType],
      ["Status", str(item, "configurationItemStatus")],
    ),
  });
}
