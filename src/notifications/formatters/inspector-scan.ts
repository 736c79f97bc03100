import { consoleUrl, parseArn } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { num, obj, str, strings } from "../json";
import { findingCountsSeverity, stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList } from "./common";
import { humanizeEventCode } from "./health";
import { findingsPage } from "./inspector";

/** Amazon Inspector `Inspector2 Scan` (initial scan complete) and `Inspector2 Coverage` events. */

const LEVELS = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"] as const;

/** `arn:aws:ecr:…:repository/amazon/sample` → `amazon/sample`; a Lambda ARN → the function name. */
function resourceName(id: string | undefined): string | undefined {
  const arn = parseArn(id);
  if (arn === undefined) return id;
  if (arn.service === "ecr") return arn.resource.replace(/^repository\//, "");
  if (arn.service === "lambda") return arn.resource.split(":")[1] ?? arn.resource;
  return arn.resource;
}

function scannedResource(event: EventBridgeEvent): string | undefined {
  const detail = event.detail;
  const repository = resourceName(str(detail, "repository-name"));
  if (repository !== undefined) {
    const tag = strings(detail, "image-tags")[0];
    return tag === undefined ? repository : `${repository}:${tag}`;
  }
  return str(detail, "instance-id") ?? resourceName(event.resources[0]);
}

function scan(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const countsObject = obj(detail, "finding-severity-counts");
  const counts: Record<string, number | undefined> = {};
  for (const level of [...LEVELS, "TOTAL"]) counts[level] = num(countsObject, level);
  const shown = LEVELS.filter((level) => counts[level] !== undefined).map(
    (level) => `${counts[level]} ${level.toLowerCase()}`,
  );
  const status = str(detail, "scan-status");
  const resource = scannedResource(event);
  const repository = resourceName(str(detail, "repository-name"));
  const digest = str(detail, "image-digest");

  // The header says what matters at a glance: how many critical and high findings.
  const urgent = (["CRITICAL", "HIGH"] as const)
    .filter((level) => (counts[level] ?? 0) > 0)
    .map((level) => `${counts[level]} ${level.toLowerCase()}`);
  return createNotification(context, {
    ...defaults,
    service: "inspector",
    kind: "scan",
    title: `Inspector ${status === undefined ? "scan" : humanizeEventCode(status).toLowerCase()}${resource === undefined ? "" : ` · ${resource}`}${urgent.length === 0 ? "" : ` · ${urgent.join(", ")}`}`,
    severity: countsObject === undefined ? undefined : findingCountsSeverity(counts),
    sourceLabel: "Amazon Inspector",
    fields: fieldList(
      [
        "Findings",
        countsObject === undefined ? undefined : [...shown, `${counts.TOTAL ?? "?"} total`].join(" · "),
      ],
      ["Scan status", status],
      ["Resource", resource],
      ["Image digest", digest],
    ),
    consoleUrl: consoleUrl(defaults.partition, "/inspector/v2/home", {
      region: defaults.region,
      fragment: findingsPage(
        repository === undefined || digest === undefined
          ? undefined
          : { details: { awsEcrContainerImage: { repositoryName: repository, imageHash: digest } } },
      ),
    }),
  });
}

function coverage(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const scanStatus = obj(detail, "scanStatus");
  const status = str(scanStatus, "statusCodeValue") ?? str(scanStatus, "statusCode");
  const reason = str(scanStatus, "reason");
  const resource = resourceName(event.resources[0]);
  const time = toIsoTime(str(detail, "eventTimestamp"));
  return createNotification(context, {
    ...defaults,
    service: "inspector",
    kind: "coverage",
    title: `Inspector coverage${resource === undefined ? "" : ` · ${resource}`}`,
    severity: stateSeverity("inspector-coverage", status),
    state: status,
    sourceLabel: "Amazon Inspector",
    fields: fieldList(
      ["Scan type", str(detail, "scanType")],
      ["Reason", reason === undefined ? undefined : `${humanizeEventCode(reason)} (${reason})`],
      ["Changed", at(time)],
    ),
    consoleUrl: consoleUrl(defaults.partition, "/inspector/v2/home", {
      region: defaults.region,
      fragment: "/coverage",
    }),
  });
}

export function formatInspectorScanEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType === "Inspector2 Scan") return scan(event, context);
  if (event.detailType === "Inspector2 Coverage") return coverage(event, context);
  return undefined;
}
