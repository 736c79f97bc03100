import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { obj, str, strings } from "../json";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** Systems Manager Run Command and Automation status changes. */

export function formatSsmEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  switch (event.detailType) {
    case "EC2 Command Status-change Notification":
    case "EC2 Command Invocation Status-change Notification":
      return command(event, context);
    case "EC2 Automation Execution Status-change Notification":
    case "EC2 Automation Step Status-change Notification":
      return automation(event, context);
    default:
      return undefined;
  }
}

function command(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const invocation = event.detailType.includes("Invocation");
  const commandId = str(detail, "command-id");
  const document = str(detail, "document-name");
  const status = str(detail, "status");
  const instances = event.resources.map((arn) => arnResourceName(arn) ?? arn);
  const commands = strings(obj(detail, "parameters"), "commands");
  const requested = toIsoTime(str(detail, "requested-date-time"));

  return createNotification(context, {
    ...defaults,
    service: "ssm",
    kind: invocation ? "command-invocation-status-change" : "command-status-change",
    title: `Run Command ${document ?? ""} ${status ?? "status change"}`.replace(/\s+/g, " "),
    severity: stateSeverity("ssm-command", status),
    state: status,
    sourceLabel: "Systems Manager Run Command",
    fields: fieldList(
      ["Document", document],
      ["Command", commandId],
      ["Status", status],
      ["Instance", str(detail, "instance-id")],
      ["Targets", instances.length === 0 ? undefined : instances.join(", ")],
      ["Requested", at(requested)],
    ),
    lists: commands.length === 0 ? [] : [{ title: "Commands", ...limitItems(commands, 10) }],
    threadKey: commandId,
    consoleUrl: runCommandUrl(defaults.partition, defaults.region, commandId),
  });
}

/** The Run Command console page of one command. */
export function runCommandUrl(
  partition: Notification["partition"],
  region: string | undefined,
  commandId: string | undefined,
): string | undefined {
  if (commandId === undefined) return undefined;
  return consoleUrl(partition, `/systems-manager/run-command/${enc(commandId)}`, { region });
}

function automation(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const step = event.detailType.includes("Step");
  const executionId = str(detail, "ExecutionId");
  const definition = str(detail, "Definition");
  const status = str(detail, "Status");
  const start = toIsoTime(str(detail, "StartTime"));
  const end = toIsoTime(str(detail, "EndTime"));

  return createNotification(context, {
    ...defaults,
    service: "ssm",
    kind: step ? "automation-step-status-change" : "automation-execution-status-change",
    title: `Automation ${definition ?? ""}${step ? ` step ${str(detail, "StepName") ?? ""}` : ""} ${
      status ?? "status change"
    }`.replace(/\s+/g, " "),
    severity: stateSeverity("ssm-automation", status),
    state: status,
    sourceLabel: "Systems Manager Automation",
    fields: fieldList(
      ["Runbook", definition],
      ["Version", str(detail, "DefinitionVersion")],
      ["Execution", executionId],
      ["Status", status],
      ["Step", str(detail, "StepName")],
      ["Action", str(detail, "Action")],
      ["Executed by", str(detail, "ExecutedBy")],
      ["Started", at(start, str(detail, "StartTime"))],
      ["Ended", at(end, str(detail, "EndTime"))],
    ),
    reason: str(detail, "FailureMessage"),
    threadKey: executionId,
    consoleUrl:
      executionId === undefined
        ? undefined
        : consoleUrl(defaults.partition, `/systems-manager/automation/execution/${enc(executionId)}`, {
            region: defaults.region,
          }),
  });
}
