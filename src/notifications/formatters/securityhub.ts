import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, obj, objects, pathStr, str, strings } from "../json";
import { labelSeverity, severityRank } from "../severity";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** Security Hub "Findings - Imported" (and custom-action / insight) events carrying ASFF findings. */

const DETAIL_TYPES = new Set([
  "Security Hub Findings - Imported",
  "Security Hub Findings - Custom Action",
  "Security Hub Insight Results",
]);

export function formatSecurityHubEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (!DETAIL_TYPES.has(event.detailType)) return undefined;
  const findings = objects(event.detail, "findings");
  if (findings.length === 0) return undefined;
  const defaults = eventDefaults(event, context);
  const severities = findings.map(findingSeverity);
  const worst = severities.reduce<Severity | undefined>(
    (a, b) => (severityRank(b) > severityRank(a) ? b : a),
    undefined,
  );

  if (findings.length === 1) {
    const finding = findings[0];
    return createNotification(context, {
      ...defaults,
      ...findingContext(finding, defaults.region),
      service: "securityhub",
      kind: "finding",
      title: str(finding, "Title") ?? "Security Hub finding",
      severity: worst,
      state: pathStr(finding, ["Compliance", "Status"]) ?? pathStr(finding, ["Workflow", "Status"]),
      sourceLabel: "Security Hub finding",
      description: textOf(str(finding, "Description")),
      fields: findingFields(finding),
      lists: remediation(finding),
      threadKey: str(finding, "Id"),
      consoleUrl: findingUrl(defaults.partition, defaults.region, finding),
    });
  }

  // Worst first: with ten shown, a CRITICAL must not hide behind nine LOWs.
  const items = findings
    .map((finding, index) => ({ finding, rank: severityRank(severities[index]) }))
    .sort((a, b) => b.rank - a.rank)
    .map(({ finding }) => {
      const label = pathStr(finding, ["Severity", "Label"]) ?? "UNKNOWN";
      const control = pathStr(finding, ["Compliance", "SecurityControlId"]) ?? str(finding, "GeneratorId");
      const compliance = pathStr(finding, ["Compliance", "Status"]);
      const resource = resources(finding)[0];
      return [label, control, str(finding, "Title"), compliance, resource]
        .filter((p) => p !== undefined)
        .join(" · ");
    });
  return createNotification(context, {
    ...defaults,
    service: "securityhub",
    kind: "finding",
    title: `${findings.length} Security Hub findings (${event.detailType.replace("Security Hub ", "")})`,
    severity: worst,
    sourceLabel: "Security Hub findings",
    fields: fieldList(
      ["Findings", findings.length],
      ["Highest severity", highestLabel(findings)],
      ["Products", unique(findings.map((f) => str(f, "ProductName"))).join(", ")],
    ),
    lists: [{ title: "Findings", ...limitItems(items, 10) }],
    consoleUrl: consoleUrl(defaults.partition, "/securityhub/home", {
      region: defaults.region,
      fragment: "/findings",
    }),
  });
}

function findingSeverity(finding: JsonObject): Severity | undefined {
  return (
    labelSeverity(pathStr(finding, ["Severity", "Label"])) ??
    labelSeverity(pathStr(finding, ["FindingProviderFields", "Severity", "Label"]))
  );
}

function highestLabel(findings: JsonObject[]): string | undefined {
  let best: { rank: number; label: string } | undefined;
  for (const finding of findings) {
    const label = pathStr(finding, ["Severity", "Label"]);
    if (label === undefined) continue;
    const rank = severityRank(labelSeverity(label));
    if (best === undefined || rank > best.rank) best = { rank, label };
  }
  return best?.label;
}

function findingContext(finding: JsonObject, fallbackRegion: string | undefined) {
  return {
    account: str(finding, "AwsAccountId"),
    region: str(finding, "Region") ?? fallbackRegion,
    resources: resources(finding),
  };
}

function resources(finding: JsonObject): string[] {
  return objects(finding, "Resources")
    .map((resource) => str(resource, "Id"))
    .filter((id): id is string => id !== undefined);
}

function findingFields(finding: JsonObject) {
  const resourceList = objects(finding, "Resources").map((resource) =>
    `${str(resource, "Type") ?? "Resource"} ${str(resource, "Id") ?? ""}`.trim(),
  );
  const standards = objects(obj(finding, "Compliance"), "AssociatedStandards")
    .map((standard) => str(standard, "StandardsId"))
    .filter((id): id is string => id !== undefined);
  return fieldList(
    ["Severity", pathStr(finding, ["Severity", "Label"])],
    ["Compliance", pathStr(finding, ["Compliance", "Status"])],
    ["Control", pathStr(finding, ["Compliance", "SecurityControlId"]) ?? str(finding, "GeneratorId")],
    [
      "Resources",
      resourceList.slice(0, 5).join("\n") +
        (resourceList.length > 5 ? `\n+${resourceList.length - 5} more` : ""),
    ],
    ["Product", str(finding, "ProductName") ?? str(finding, "ProductArn")],
    ["Workflow", pathStr(finding, ["Workflow", "Status"]) ?? str(finding, "WorkflowState")],
    ["Record state", str(finding, "RecordState")],
    ["Type", strings(finding, "Types")[0]],
    ["Standards", standards.join(", ")],
  );
}

function remediation(finding: JsonObject) {
  const text = pathStr(finding, ["Remediation", "Recommendation", "Text"]);
  const url = pathStr(finding, ["Remediation", "Recommendation", "Url"]);
  const items = [text, url].filter((p): p is string => p !== undefined);
  return items.length === 0 ? [] : [{ title: "Remediation", items }];
}

function findingUrl(partition: Notification["partition"], region: string | undefined, finding: JsonObject) {
  const control = pathStr(finding, ["Compliance", "SecurityControlId"]);
  if (control !== undefined) {
    return consoleUrl(partition, "/securityhub/home", { region, fragment: `/controls/${enc(control)}` });
  }
  const id = str(finding, "Id");
  if (id === undefined) return consoleUrl(partition, "/securityhub/home", { region, fragment: "/findings" });
  // The console's filter syntax is itself URL-encoded inside the fragment.
  return consoleUrl(partition, "/securityhub/home", {
    region,
    fragment: `/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${enc(enc(id))}`,
  });
}

function textOf(text: string | undefined) {
  return text === undefined ? undefined : { text, format: "plain" as const };
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}
