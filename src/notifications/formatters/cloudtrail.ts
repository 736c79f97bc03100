import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { boundedJson, type JsonObject, obj, str } from "../json";
import { toIsoTime } from "../time";
import type { Notification, Severity } from "../types";
import { describeRequest } from "./cloudtrail-request";
import { at, createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** "AWS API Call via CloudTrail", console sign-ins and service events. */

/** Calls that switch off auditing or detection, or open access: worth a look whoever made them. */
const SENSITIVE_CALLS = new Set([
  "StopLogging",
  "DeleteTrail",
  "UpdateTrail",
  "PutEventSelectors",
  "DeleteDetector",
  "DisassociateFromMasterAccount",
  "UpdateDetector",
  "DisableSecurityHub",
  "DeleteConfigurationRecorder",
  "StopConfigurationRecorder",
  "DeleteDeliveryChannel",
  "DeleteFlowLogs",
  "DeactivateMFADevice",
  "DeleteVirtualMFADevice",
  "CreateAccessKey",
  "PutBucketPolicy",
  "DeleteBucketPolicy",
  "PutBucketAcl",
  "DeletePublicAccessBlock",
  "PutAccountPublicAccessBlock",
  "AuthorizeSecurityGroupIngress",
  "CreateLoginProfile",
  "UpdateLoginProfile",
  "AttachUserPolicy",
  "AttachRolePolicy",
  "PutUserPolicy",
  "PutRolePolicy",
  "ScheduleKeyDeletion",
  "DisableKey",
  "LeaveOrganization",
]);

export function apiCallSeverity(detail: JsonObject): Severity {
  const eventName = str(detail, "eventName") ?? "";
  const errorCode = str(detail, "errorCode");
  const identityType = str(obj(detail, "userIdentity"), "type");
  if (identityType === "Root") return "high";
  if (errorCode !== undefined) return /AccessDenied|Unauthorized/i.test(errorCode) ? "medium" : "low";
  if (SENSITIVE_CALLS.has(eventName)) return "high";
  return detail.readOnly === true ? "info" : "low";
}

export function formatCloudTrailEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  switch (event.detailType) {
    case "AWS API Call via CloudTrail":
      return apiCall(event, context, "api-call");
    case "AWS Console Sign In via CloudTrail":
      return apiCall(event, context, "console-sign-in");
    case "AWS Service Event via CloudTrail":
      return apiCall(event, context, "service-event");
    default:
      return undefined;
  }
}

function apiCall(event: EventBridgeEvent, context: FormatContext, kind: string): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const identity = obj(detail, "userIdentity");
  const eventName = str(detail, "eventName") ?? "call";
  const eventSource = str(detail, "eventSource");
  const caller = describeCaller(identity);
  const errorCode = str(detail, "errorCode");
  const eventTime = toIsoTime(str(detail, "eventTime"));
  const region = str(detail, "awsRegion") ?? defaults.region;
  const eventId = str(detail, "eventID");
  const service = eventSource?.replace(/\.amazonaws\.com$/, "");
  const signIn = kind === "console-sign-in";
  const outcome = str(obj(detail, "responseElements"), "ConsoleLogin");
  const request = obj(detail, "requestParameters");
  const requestText = describeRequest(eventName, request);
  // A request too intricate for words is shown whole, as code, never as inline JSON.
  const requestJson =
    request === undefined || requestText !== undefined || Object.keys(request).length === 0
      ? undefined
      : boundedJson(request, 1500, 2);
  const mfa = str(obj(obj(identity, "sessionContext"), "attributes"), "mfaAuthenticated");

  return createNotification(context, {
    ...defaults,
    service: "cloudtrail",
    kind,
    title: signIn
      ? `Console sign-in by ${caller ?? "unknown principal"}${outcome === undefined ? "" : `: ${outcome}`}`
      : `${service === undefined ? "" : `${service}:`}${eventName}${caller === undefined ? "" : ` by ${caller}`}${
          errorCode === undefined ? "" : ` (${errorCode})`
        }`,
    severity: signIn && outcome === "Failure" ? "medium" : apiCallSeverity(detail),
    state: errorCode ?? (signIn ? outcome : undefined),
    sourceLabel: "CloudTrail",
    region,
    fields: fieldList(
      ["Event", `${eventSource ?? "?"} ${eventName}`],
      ["Caller", str(identity, "arn") ?? caller],
      ["Identity type", str(identity, "type")],
      ["Source IP", str(detail, "sourceIPAddress")],
      ["MFA", mfa],
      ["Region", region],
      [
        "Error",
        errorCode === undefined ? undefined : `${errorCode}: ${str(detail, "errorMessage") ?? ""}`.trim(),
      ],
      ["Request", requestText],
      ["User agent", str(detail, "userAgent")],
      ["Event time", at(eventTime)],
    ),
    details:
      requestJson === undefined ? undefined : `${requestJson.text}${requestJson.truncated ? "\n…" : ""}`,
    consoleUrl:
      eventId === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/cloudtrailv2/home", {
            region,
            fragment: `/events/${enc(eventId)}`,
          }),
  });
}

function describeCaller(identity: JsonObject | undefined): string | undefined {
  if (identity === undefined) return undefined;
  const type = str(identity, "type");
  if (type === "Root") return "root";
  const userName = str(identity, "userName");
  if (userName !== undefined) return userName;
  const arn = str(identity, "arn");
  if (arn?.includes(":assumed-role/")) return arn.slice(arn.indexOf(":assumed-role/") + 14);
  return arn ?? str(identity, "invokedBy") ?? str(identity, "principalId");
}
