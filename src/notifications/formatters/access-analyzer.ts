import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { boundedJson, obj, str, strings } from "../json";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** IAM Access Analyzer findings: resources shared outside the zone of trust, or public. */

export function accessFindingSeverity(status: string | undefined, isPublic: boolean): Severity {
  if (status === "RESOLVED") return "ok";
  if (status === "ARCHIVED") return "info";
  return isPublic ? "high" : "medium";
}

export function formatAccessAnalyzerEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (!/^(Access Analyzer Finding|Unused Access Finding)/.test(event.detailType)) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const status = str(detail, "status");
  const isPublic = detail.isPublic === true;
  const resource = str(detail, "resource");
  const resourceName = arnResourceName(resource) ?? resource;
  const resourceType = str(detail, "resourceType");
  const principal = obj(detail, "principal");
  const condition = obj(detail, "condition");
  const analyzer = arnResourceName(event.resources.find((r) => r.includes(":analyzer/")));
  const findingId = str(detail, "id");
  const exposure = isPublic ? "is public" : "is shared outside your zone of trust";

  return createNotification(context, {
    ...defaults,
    service: "access-analyzer",
    kind: "finding",
    title: `${resourceType ?? "Resource"} ${resourceName ?? ""} ${
      event.detailType.startsWith("Unused") ? "has unused access" : exposure
    }`.replace(/\s+/g, " "),
    severity: accessFindingSeverity(status, isPublic),
    state: status,
    sourceLabel: "IAM Access Analyzer",
    region: str(detail, "region") ?? defaults.region,
    account: str(detail, "accountId") ?? defaults.account,
    resources: resource === undefined ? defaults.resources : [resource, ...defaults.resources],
    fields: fieldList(
      ["Resource", resource],
      ["Resource type", resourceType],
      ["Status", status],
      ["Public", isPublic ? "yes" : detail.isPublic === false ? "no" : undefined],
      ["Principal", principal === undefined ? undefined : boundedJson(principal, 300).text],
      ["Actions", strings(detail, "action").join(", ")],
      [
        "Condition",
        condition === undefined || Object.keys(condition).length === 0
          ? undefined
          : boundedJson(condition, 300).text,
      ],
      ["Finding type", str(detail, "findingType")],
      ["Analyzer", analyzer],
      ["Owner account", str(detail, "resourceOwnerAccount")],
    ),
    threadKey: findingId,
    consoleUrl:
      analyzer === undefined || findingId === undefined
        ? consoleUrl(defaults.partition, "/access-analyzer/home", {
            region: defaults.region,
            fragment: "/findings",
          })
        : consoleUrl(defaults.partition, "/access-analyzer/home", {
            region: defaults.region,
            fragment: `/findings/details/${enc(analyzer)}/${enc(findingId)}`,
          }),
  });
}
