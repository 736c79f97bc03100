import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, pathStr, str } from "../json";
import { SEVERITY_LABEL } from "../presentation";
import { guardDutySeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList } from "./common";
import { formatMalwareScanResult, MALWARE_SCAN_DETAIL_TYPE } from "./guardduty-malware";

/** GuardDuty findings ("GuardDuty Finding" events). */

export function formatGuardDutyEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (MALWARE_SCAN_DETAIL_TYPE.test(event.detailType)) return formatMalwareScanResult(event, context);
  if (event.detailType !== "GuardDuty Finding") return undefined;
  const detail = event.detail;
  const score = num(detail, "severity");
  const severity = guardDutySeverity(score);
  const type = str(detail, "type");
  const id = str(detail, "id");
  const findingArn = str(detail, "arn");
  const service = obj(detail, "service");
  const defaults = eventDefaults(event, context);
  const region = str(detail, "region") ?? defaults.region;
  const firstSeen = toIsoTime(str(service, "eventFirstSeen"));
  const lastSeen = toIsoTime(str(service, "eventLastSeen"));

  return createNotification(context, {
    ...defaults,
    service: "guardduty",
    kind: "finding",
    title: str(detail, "title") ?? type ?? "GuardDuty finding",
    severity,
    state: service?.archived === true ? "Archived" : undefined,
    sourceLabel: "GuardDuty finding",
    region,
    account: str(detail, "accountId") ?? defaults.account,
    resources: findingArn === undefined ? defaults.resources : [findingArn, ...defaults.resources],
    description: descriptionOf(detail),
    fields: fieldList(
      ["Finding type", type],
      ["Severity", severity === undefined ? undefined : `${SEVERITY_LABEL[severity]} (${score})`],
      ["Resource", describeResource(obj(detail, "resource"))],
      ["Action", describeAction(obj(service, "action"))],
      ["Resource role", str(service, "resourceRole")],
      ["Count", num(service, "count")],
      ["First seen", at(firstSeen)],
      ["Last seen", at(lastSeen)],
    ),
    threadKey: findingArn ?? id,
    consoleUrl:
      id === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/guardduty/home", {
            region,
            fragment: `/findings?macros=current&fId=${enc(id)}`,
          }),
  });
}

function descriptionOf(detail: JsonObject) {
  const text = str(detail, "description");
  return text === undefined ? undefined : { text, format: "plain" as const };
}

function describeResource(resource: JsonObject | undefined): string | undefined {
  if (resource === undefined) return undefined;
  const type = str(resource, "resourceType");
  const instance = obj(resource, "instanceDetails");
  const parts: (string | undefined)[] = [];
  if (instance !== undefined) {
    const name = objects(instance, "tags").find((t) => str(t, "key") === "Name");
    parts.push(
      str(instance, "instanceId"),
      name === undefined ? undefined : `"${str(name, "value") ?? ""}"`,
      str(instance, "instanceType"),
    );
  }
  const key = obj(resource, "accessKeyDetails");
  if (key !== undefined) parts.push(str(key, "userName"), str(key, "accessKeyId"), str(key, "userType"));
  for (const bucket of objects(resource, "s3BucketDetails")) parts.push(str(bucket, "name"));
  parts.push(
    pathStr(resource, ["eksClusterDetails", "name"]),
    pathStr(resource, ["ecsClusterDetails", "name"]),
    pathStr(resource, ["lambdaDetails", "functionName"]),
    pathStr(resource, ["rdsDbInstanceDetails", "dbInstanceIdentifier"]),
  );
  const known = parts.filter((p): p is string => p !== undefined);
  return [type, known.join(" ")].filter((p) => p !== undefined && p !== "").join(": ") || undefined;
}

function describeAction(action: JsonObject | undefined): string | undefined {
  if (action === undefined) return undefined;
  const type = str(action, "actionType");
  const dns = obj(action, "dnsRequestAction");
  if (dns !== undefined) return `${type ?? "DNS_REQUEST"}: ${str(dns, "domain") ?? "?"}`;
  const probe = obj(action, "portProbeAction");
  if (probe !== undefined) {
    const probes = objects(probe, "portProbeDetails").map((d) => {
      const port = pathStr(d, ["localPortDetails", "port"]);
      const portName = pathStr(d, ["localPortDetails", "portName"]);
      const remote = pathStr(d, ["remoteIpDetails", "ipAddressV4"]);
      const country = pathStr(d, ["remoteIpDetails", "country", "countryName"]);
      return `port ${port ?? "?"}${portName === undefined ? "" : ` (${portName})`} from ${remote ?? "?"}${
        country === undefined ? "" : ` (${country})`
      }`;
    });
    return `${type ?? "PORT_PROBE"}: ${probes.slice(0, 3).join("; ")}${probes.length > 3 ? "; …" : ""}`;
  }
  const connection = obj(action, "networkConnectionAction");
  if (connection !== undefined) {
    const remote = pathStr(connection, ["remoteIpDetails", "ipAddressV4"]);
    const port = pathStr(connection, ["remotePortDetails", "port"]);
    return `${type ?? "NETWORK_CONNECTION"}: ${str(connection, "connectionDirection") ?? ""} ${remote ?? "?"}${
      port === undefined ? "" : `:${port}`
    }`.replace(/\s+/g, " ");
  }
  const api = obj(action, "awsApiCallAction");
  if (api !== undefined) {
    const caller = pathStr(api, ["remoteIpDetails", "ipAddressV4"]);
    return `${type ?? "AWS_API_CALL"}: ${str(api, "serviceName") ?? ""} ${str(api, "api") ?? ""}${
      caller === undefined ? "" : ` from ${caller}`
    }`.replace(/\s+/g, " ");
  }
  const login = obj(action, "kubernetesApiCallAction");
  if (login !== undefined)
    return `${type ?? "KUBERNETES_API_CALL"}: ${str(login, "verb") ?? ""} ${str(login, "requestUri") ?? ""}`;
  return type;
}
