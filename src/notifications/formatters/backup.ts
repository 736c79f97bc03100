import { consoleUrl, enc, parseArn, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { num, str } from "../json";
import { serviceTextSeverity, stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/** AWS Backup: job state change events, and the plain-text notifications a backup vault publishes. */

const JOB_TYPES: Record<string, { idKey: string; label: string; path: string }> = {
  "Backup Job State Change": { idKey: "backupJobId", label: "Backup job", path: "backup" },
  "Copy Job State Change": { idKey: "copyJobId", label: "Copy job", path: "copy" },
  "Restore Job State Change": { idKey: "restoreJobId", label: "Restore job", path: "restore" },
};

export function formatBackupEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  const type = JOB_TYPES[event.detailType];
  if (type === undefined) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const jobId = str(detail, type.idKey);
  const state = str(detail, "state") ?? str(detail, "status");
  const resourceArn = str(detail, "resourceArn");
  const vault = str(detail, "backupVaultName") ?? str(detail, "destinationBackupVaultArn");

  return createNotification(context, {
    ...defaults,
    service: "backup",
    kind: type.path === "backup" ? "job-state-change" : slug(event.detailType),
    title: `${type.label} ${state ?? "changed state"}: ${str(detail, "resourceType") ?? "resource"} ${
      resourceName(resourceArn) ?? ""
    }`.trim(),
    severity: stateSeverity("backup", state),
    state,
    sourceLabel: "AWS Backup",
    resources: resourceArn === undefined ? defaults.resources : [resourceArn, ...defaults.resources],
    fields: fieldList(
      ["Job", jobId],
      ["State", state],
      ["Resource", resourceArn],
      ["Resource type", str(detail, "resourceType")],
      ["Vault", vault],
      ["Percent done", num(detail, "percentDone")],
      ["Retries", num(detail, "retryCount")],
    ),
    // AWS's own examples wrap statusMessage in literal quotes.
    reason: str(detail, "statusMessage")?.replace(/^"(.*)"$/s, "$1"),
    threadKey: jobId,
    consoleUrl:
      jobId === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/backup/home", {
            region: defaults.region,
            fragment: `/jobs/${type.path}/details/${enc(jobId)}`,
          }),
  });
}

function resourceName(arn: string | undefined): string | undefined {
  const parsed = parseArn(arn);
  if (parsed === undefined) return arn;
  const segments = parsed.resource.split(/[/:]/);
  return segments[segments.length - 1];
}

/**
 * Vault notifications are sentences ("An AWS Backup job was completed successfully. Recovery point
 * ARN: … Resource ARN : … BackupJob ID : …") with the facts repeated as SNS message attributes.
 */
export function formatBackupText(text: string, context: FormatContext): Notification {
  const attributes = context.envelope.MessageAttributes ?? {};
  const attribute = (name: string): string | undefined => attributes[name]?.Value;
  const jobId = attribute("Id") ?? match(text, /(?:BackupJob|CopyJob|RestoreJob) ID\s*:\s*([\w-]+)/i);
  const resourceArn = match(text, /Resource ARN\s*:\s*(arn:[^\s]+?)\.?(?:\s|$)/i);
  const recoveryPoint = match(text, /Recovery point ARN\s*:\s*(arn:[^\s]+?)\.?(?:\s|$)/i);
  const state = attribute("State");
  const eventType = attribute("EventType");
  const region = parseArn(resourceArn)?.region || context.topic.region;
  const partition = partitionOf([resourceArn], region, context.topic.partition);
  const firstSentence = text.trim().split(/(?<=\.)\s/)[0];

  return createNotification(context, {
    service: "backup",
    kind: "backup-notification",
    title:
      context.envelope.Subject && context.envelope.Subject !== "Notification from AWS Backup"
        ? context.envelope.Subject
        : state !== undefined
          ? `Backup job ${state}${resourceArn === undefined ? "" : ` · ${resourceName(resourceArn) ?? resourceArn}`}`
          : firstSentence.length <= 150
            ? firstSentence
            : "AWS Backup notification",
    severity: stateSeverity("backup", state) ?? serviceTextSeverity(text),
    state,
    sourceLabel: "AWS Backup",
    account: attribute("AccountId") ?? context.topic.account,
    region,
    partition,
    resources: [resourceArn, recoveryPoint].filter((r): r is string => r !== undefined),
    fields: fieldList(
      ["Event", eventType],
      ["State", state],
      ["Job", jobId],
      ["Resource", resourceArn],
      ["Recovery point", recoveryPoint],
      ["Started", at(toIsoTime(attribute("StartTime")), attribute("StartTime"))],
    ),
    reason: text,
    threadKey: jobId,
    consoleUrl:
      jobId === undefined
        ? undefined
        : consoleUrl(partition, "/backup/home", { region, fragment: `/jobs/backup/details/${enc(jobId)}` }),
  });
}

function match(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1];
}
