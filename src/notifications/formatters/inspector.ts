import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, pathStr, str, strings } from "../json";
import { labelSeverity, stateSeverity } from "../severity";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** Amazon Inspector (v2) findings: package vulnerabilities, network reachability, code findings. */

export function formatInspectorEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "Inspector2 Finding") return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const label = str(detail, "severity");
  const status = str(detail, "status");
  const vulnerability = obj(detail, "packageVulnerabilityDetails");
  const packages = objects(vulnerability, "vulnerablePackages").map(describePackage);
  const resources = objects(detail, "resources");
  const findingArn = str(detail, "findingArn");

  return createNotification(context, {
    ...defaults,
    service: "inspector",
    kind: "finding",
    title: str(detail, "title") ?? "Inspector finding",
    severity: stateSeverity("inspector", status) ?? labelSeverity(label),
    state: status,
    sourceLabel: "Amazon Inspector",
    account: str(detail, "awsAccountId") ?? defaults.account,
    resources: [
      ...resources.map((r) => str(r, "id")).filter((id): id is string => id !== undefined),
      ...(findingArn === undefined ? [] : [findingArn]),
    ],
    description: textOf(str(detail, "description")),
    fields: fieldList(
      ["Severity", label],
      ["Status", status],
      ["Type", str(detail, "type")],
      ["Vulnerability", str(vulnerability, "vulnerabilityId")],
      ["Inspector score", num(detail, "inspectorScore")],
      ["Resource", resources.map(describeResource).slice(0, 3).join("\n")],
      ["Fix available", str(detail, "fixAvailable")],
      ["Exploit available", str(detail, "exploitAvailable")],
      ["EPSS", pathStr(detail, ["epss", "score"])],
    ),
    lists: [
      ...(packages.length === 0 ? [] : [{ title: "Vulnerable packages", ...limitItems(packages, 5) }]),
      ...remediation(detail, vulnerability),
    ],
    threadKey: findingArn,
    consoleUrl: consoleUrl(defaults.partition, "/inspector/v2/home", {
      region: defaults.region,
      fragment: findingsPage(resources[0]),
    }),
  });
}

/**
 * The console's findings of the affected container image (`#/findings/container-image/<repo>/<sha>`,
 * the form public integrations link to); other resources get the list of all findings, because
 * no per-finding route of the Inspector console could be confirmed.
 */
export function findingsPage(resource: JsonObject | undefined): string {
  const image = obj(obj(resource, "details"), "awsEcrContainerImage");
  const repository = str(image, "repositoryName");
  const hash = str(image, "imageHash");
  if (repository === undefined || hash === undefined) return "/findings/all";
  return `/findings/container-image/${enc(`${repository}/${hash}`)}`;
}

function describePackage(pkg: JsonObject): string {
  const fixed = str(pkg, "fixedInVersion");
  return `${str(pkg, "name") ?? "(package)"} ${str(pkg, "version") ?? ""}${
    fixed === undefined || fixed === "NotAvailable" ? "" : ` → fixed in ${fixed}`
  }`.replace(/\s+/g, " ");
}

function describeResource(resource: JsonObject): string {
  const details = obj(resource, "details");
  const image = obj(details, "awsEcrContainerImage");
  if (image !== undefined) {
    const tags = strings(image, "imageTags");
    return `ECR image ${str(image, "repositoryName") ?? ""}${tags.length === 0 ? "" : `:${tags[0]}`}`;
  }
  const instance = obj(details, "awsEc2Instance");
  if (instance !== undefined) return `EC2 instance ${str(resource, "id") ?? ""}`;
  const lambda = obj(details, "awsLambdaFunction");
  if (lambda !== undefined)
    return `Lambda function ${str(lambda, "functionName") ?? str(resource, "id") ?? ""}`;
  return `${str(resource, "type") ?? "Resource"} ${str(resource, "id") ?? ""}`.trim();
}

function remediation(detail: JsonObject, vulnerability: JsonObject | undefined) {
  const items = [
    pathStr(detail, ["remediation", "recommendation", "text"]),
    str(vulnerability, "sourceUrl"),
  ].filter((text): text is string => text !== undefined && text !== "None Provided");
  return items.length === 0 ? [] : [{ title: "Remediation", items }];
}

function textOf(text: string | undefined) {
  return text === undefined ? undefined : { text, format: "plain" as const };
}
