import { type JsonObject, str, strings } from "../json";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, type FormatContext, fieldList } from "./common";
import { runCommandUrl } from "./ssm";

/**
 * Run Command's own SNS notifications (Systems Manager User Guide, "Example Amazon SNS
 * notifications"): a command summary (`instanceIds`) or one invocation (`instanceId`).
 */
export function formatSsmCommandSns(payload: JsonObject, context: FormatContext): Notification {
  const commandId = str(payload, "commandId");
  const document = str(payload, "documentName");
  const status = str(payload, "status");
  const instance = str(payload, "instanceId");
  const instances = strings(payload, "instanceIds");
  const invocation = instance !== undefined && !("instanceIds" in payload);
  const detailed = str(payload, "detailedStatus");
  const bucket = str(payload, "outputS3BucketName");
  const prefix = str(payload, "outputS3KeyPrefix");
  const { partition, region } = context.topic;

  return createNotification(context, {
    service: "ssm",
    kind: invocation ? "command-invocation-status-change" : "command-status-change",
    title: `Run Command ${document ?? ""}${invocation ? ` on ${instance}` : ""} ${status ?? "status change"}`
      .replace(/\s+/g, " ")
      .trim(),
    severity: stateSeverity("ssm-command", detailed ?? status) ?? stateSeverity("ssm-command", status),
    state: status,
    sourceLabel: "Systems Manager Run Command",
    resources: instance !== undefined ? [instance] : instances,
    fields: fieldList(
      ["Document", document],
      ["Command", commandId],
      ["Status", detailed !== undefined && detailed !== status ? `${status ?? ""} (${detailed})` : status],
      ["Instance", instance],
      ["Targets", instances.length === 0 ? undefined : instances.join(", ")],
      ["Requested", at(toIsoTime(str(payload, "requestedDateTime")))],
      ["Expires", at(toIsoTime(str(payload, "expiresAfter")))],
      ["Output", bucket === undefined ? undefined : `s3://${bucket}/${prefix ?? ""}`],
    ),
    timestamp: toIsoTime(str(payload, "eventTime")) ?? toIsoTime(context.envelope.Timestamp),
    threadKey: commandId,
    consoleUrl: runCommandUrl(partition, region, commandId),
  });
}
