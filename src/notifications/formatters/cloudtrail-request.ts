import { arnResourceName } from "../aws";
import { isObject, type JsonObject, num, obj, objects, scalarText, str } from "../json";

/**
 * CloudTrail `requestParameters` of the calls people get alerted on, in words: the fact that SSH is
 * open to the world must not hide in `{"groupId":…,"cidrIp":"0.0.0.0/0"…}`.
 */

type Describe = (request: JsonObject) => string | undefined;

/** `tcp/22`, `tcp/8000-8080`, `all traffic`, `icmp`. */
function portRange(protocol: string | undefined, from: number | undefined, to: number | undefined): string {
  if (protocol === undefined || protocol === "-1" || protocol === "all") return "all traffic";
  const name = { "6": "tcp", "17": "udp", "1": "icmp" }[protocol] ?? protocol;
  if (from === undefined || from === -1 || name === "icmp") return name;
  return to === undefined || to === from ? `${name}/${from}` : `${name}/${from}-${to}`;
}

function items(source: JsonObject | undefined, key: string): JsonObject[] {
  return objects(obj(source, key), "items");
}

/** Security-group rules: `tcp/22 from 0.0.0.0/0 on sg-0abc`, one per permission and source. */
function securityGroupRules(direction: "from" | "to"): Describe {
  return (request) => {
    const group = str(request, "groupId") ?? str(request, "groupName") ?? "?";
    const permissions = items(request, "ipPermissions");
    const rules: string[] = [];
    // Older calls put one rule at the top level.
    if (permissions.length === 0 && str(request, "cidrIp") !== undefined) {
      const range = portRange(str(request, "ipProtocol"), num(request, "fromPort"), num(request, "toPort"));
      rules.push(`${range} ${direction} ${str(request, "cidrIp")}`);
    }
    for (const permission of permissions) {
      const range = portRange(
        str(permission, "ipProtocol"),
        num(permission, "fromPort"),
        num(permission, "toPort"),
      );
      const sources = [
        ...items(permission, "ipRanges").map((r) => str(r, "cidrIp")),
        ...items(permission, "ipv6Ranges").map((r) => str(r, "cidrIpv6")),
        ...items(permission, "prefixListIds").map((r) => str(r, "prefixListId")),
        ...items(permission, "groups").map((r) => str(r, "groupId")),
      ].filter((s): s is string => s !== undefined);
      for (const source of sources.length === 0 ? ["?"] : sources)
        rules.push(`${range} ${direction} ${source}`);
    }
    if (rules.length === 0) return `rules of ${group}`;
    const shown = rules.slice(0, 5).map((rule) => `${rule} on ${group}`);
    return rules.length > 5 ? `${shown.join("; ")}; +${rules.length - 5} more` : shown.join("; ");
  };
}

function principal(request: JsonObject): string {
  for (const [key, kind] of [
    ["roleName", "role"],
    ["userName", "user"],
    ["groupName", "group"],
  ] as const) {
    const name = str(request, key);
    if (name !== undefined) return `${kind} ${name}`;
  }
  return "?";
}

function policyName(request: JsonObject): string {
  return (
    str(request, "policyName") ??
    arnResourceName(str(request, "policyArn")) ??
    str(request, "policyArn") ??
    "?"
  );
}

const bucket = (request: JsonObject): string => str(request, "bucketName") ?? "?";

const DESCRIBERS: Record<string, Describe> = {
  AuthorizeSecurityGroupIngress: securityGroupRules("from"),
  RevokeSecurityGroupIngress: securityGroupRules("from"),
  AuthorizeSecurityGroupEgress: securityGroupRules("to"),
  RevokeSecurityGroupEgress: securityGroupRules("to"),
  AttachRolePolicy: (r) => `policy ${policyName(r)} attached to ${principal(r)}`,
  AttachUserPolicy: (r) => `policy ${policyName(r)} attached to ${principal(r)}`,
  AttachGroupPolicy: (r) => `policy ${policyName(r)} attached to ${principal(r)}`,
  DetachRolePolicy: (r) => `policy ${policyName(r)} detached from ${principal(r)}`,
  DetachUserPolicy: (r) => `policy ${policyName(r)} detached from ${principal(r)}`,
  DetachGroupPolicy: (r) => `policy ${policyName(r)} detached from ${principal(r)}`,
  PutRolePolicy: (r) => `inline policy ${policyName(r)} set on ${principal(r)}`,
  PutUserPolicy: (r) => `inline policy ${policyName(r)} set on ${principal(r)}`,
  PutGroupPolicy: (r) => `inline policy ${policyName(r)} set on ${principal(r)}`,
  DeleteRolePolicy: (r) => `inline policy ${policyName(r)} deleted from ${principal(r)}`,
  DeleteUserPolicy: (r) => `inline policy ${policyName(r)} deleted from ${principal(r)}`,
  CreatePolicy: (r) => `policy ${policyName(r)} created`,
  CreatePolicyVersion: (r) =>
    `new version of policy ${policyName(r)}${r.setAsDefault === true ? " (set as default)" : ""}`,
  CreateAccessKey: (r) => `access key created for ${str(r, "userName") ?? "the caller"}`,
  CreateUser: (r) => `user ${str(r, "userName") ?? "?"} created`,
  CreateLoginProfile: (r) => `console password set for ${principal(r)}`,
  UpdateLoginProfile: (r) => `console password changed for ${principal(r)}`,
  PutBucketPolicy: (r) => `bucket policy of ${bucket(r)} replaced`,
  DeleteBucketPolicy: (r) => `bucket policy of ${bucket(r)} deleted`,
  PutBucketAcl: (r) => `ACL of bucket ${bucket(r)} changed`,
  PutBucketPublicAccessBlock: (r) => `public access block of bucket ${bucket(r)} changed`,
  DeleteBucketPublicAccessBlock: (r) => `public access block of bucket ${bucket(r)} removed`,
  StopLogging: (r) => `logging stopped on trail ${arnResourceName(str(r, "name")) ?? str(r, "name") ?? "?"}`,
  DeleteTrail: (r) => `trail ${arnResourceName(str(r, "name")) ?? str(r, "name") ?? "?"} deleted`,
  ScheduleKeyDeletion: (r) =>
    `KMS key ${str(r, "keyId") ?? "?"} scheduled for deletion${
      num(r, "pendingWindowInDays") === undefined ? "" : ` in ${num(r, "pendingWindowInDays")} days`
    }`,
  DisableKey: (r) => `KMS key ${str(r, "keyId") ?? "?"} disabled`,
};

/** The request in words for a known call, else `key: value` pairs when it is flat, else undefined. */
export function describeRequest(eventName: string, request: JsonObject | undefined): string | undefined {
  if (request === undefined) return undefined;
  const describe = DESCRIBERS[eventName];
  if (describe !== undefined) return describe(request);
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(request)) {
    if (value === null || value === undefined) continue;
    const text = scalarText(value);
    if (text === undefined || isObject(value)) return undefined;
    pairs.push(`${key}: ${text}`);
  }
  return pairs.length === 0 || pairs.length > 8 ? undefined : pairs.join(", ");
}
