import { arnResourceName, consoleUrl, enc, parseArn } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, obj, scalarText, str, strings } from "../json";
import { stateSeverity } from "../severity";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** IAM Access Analyzer findings: resources shared outside the zone of trust, or public. */

/**
 * Resolved and archived findings by the table; an active one is high when public, else medium. An
 * analysis error (`error: ACCESS_DENIED`) says nothing about exposure: no severity.
 */
function accessFindingSeverity(
  status: string | undefined,
  isPublic: boolean,
  error: string | undefined,
): Severity | undefined {
  const closed = stateSeverity("access-analyzer", status);
  if (closed !== undefined) return closed;
  if (error !== undefined) return undefined;
  return status === "ACTIVE" ? (isPublic ? "high" : "medium") : undefined;
}

/** What the finding says of the resource: public, shared, unused access, or not analysable. */
function findingVerb(detailType: string, isPublic: boolean, error: string | undefined): string {
  if (error !== undefined) return `could not be analyzed (${error})`;
  if (detailType.startsWith("Unused")) return "has unused access";
  return isPublic ? "is public" : "is shared outside your zone of trust";
}

/** `{"AWS": "999988887777"}` → `999988887777`; `{"AWS": "*"}` → `anyone (*)`; ARNs by name and account. */
export function describePrincipal(principal: JsonObject): string | undefined {
  const out: string[] = [];
  for (const [kind, value] of Object.entries(principal)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      const text = scalarText(item);
      if (text === undefined) continue;
      if (text === "*") out.push("anyone (*)");
      else {
        const arn = parseArn(text);
        out.push(
          arn === undefined
            ? kind === "AWS"
              ? text
              : `${text} (${kind})`
            : `${arn.resource === "root" ? "account" : arn.resource.replace("/", " ")} ${arn.resource === "root" ? arn.account : `(${arn.account})`}`,
        );
      }
    }
  }
  return out.length === 0 ? undefined : out.join(", ");
}

/** `{"aws:SourceVpc": "vpc-1"}` → `aws:SourceVpc = vpc-1`. */
function describePairs(condition: JsonObject): string | undefined {
  const pairs = Object.entries(condition)
    .map(([key, value]) => {
      const text =
        scalarText(value) ??
        (Array.isArray(value) ? value.map(scalarText).filter(Boolean).join(", ") : undefined);
      return text === undefined ? undefined : `${key} = ${text}`;
    })
    .filter((pair): pair is string => pair !== undefined);
  return pairs.length === 0 ? undefined : pairs.join("; ");
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
  const error = str(detail, "error");

  return createNotification(context, {
    ...defaults,
    service: "access-analyzer",
    kind: "finding",
    title: `${resourceType ?? "Resource"} ${resourceName ?? ""} ${findingVerb(
      event.detailType,
      isPublic,
      error,
    )}`.replace(/\s+/g, " "),
    severity: accessFindingSeverity(status, isPublic, error),
    state: status,
    sourceLabel: "IAM Access Analyzer",
    region: str(detail, "region") ?? defaults.region,
    account: str(detail, "accountId") ?? defaults.account,
    resources: resource === undefined ? defaults.resources : [resource, ...defaults.resources],
    fields: fieldList(
      ["Resource", resource],
      ["Resource type", resourceType],
      ["Status", status],
      ["Analysis error", error],
      ["Public", isPublic ? "yes" : detail.isPublic === false ? "no" : undefined],
      ["Principal", principal === undefined ? undefined : describePrincipal(principal)],
      ["Actions", strings(detail, "action").join(", ")],
      ["Condition", condition === undefined ? undefined : describePairs(condition)],
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
