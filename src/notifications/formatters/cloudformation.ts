import { consoleUrl, parseArn, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { obj, str } from "../json";
import { cloudFormationSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/** CloudFormation stack events: the `Key='value'` text of stack notifications, and EventBridge events. */

/** Failures and rollbacks are high; finished work is ok; work in progress is info. */
/** `Key='value'` lines; a value may span lines (ResourceProperties is JSON). */
export function parseKeyValueText(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const pattern = /^(\w+)='([\s\S]*?)'$/gm;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) values.set(m[1], m[2]);
  return values;
}

export function formatCloudFormationText(text: string, context: FormatContext): Notification {
  const values = parseKeyValueText(text);
  const stackId = values.get("StackId");
  const stackName = values.get("StackName") ?? parseArn(stackId)?.resource.split("/")[1];
  const logical = values.get("LogicalResourceId");
  const status = values.get("ResourceStatus");
  const type = values.get("ResourceType");
  const isStack = type === "AWS::CloudFormation::Stack" && logical === stackName;
  const arn = parseArn(stackId);
  const region = arn?.region || context.topic.region;
  const partition = partitionOf([stackId], region, context.topic.partition);
  const token = values.get("ClientRequestToken");
  const reason = values.get("ResourceStatusReason")?.trim();

  return createNotification(context, {
    service: "cloudformation",
    kind: "stack-event",
    title: isStack
      ? `Stack ${stackName ?? "?"} ${status ?? "event"}`
      : `Stack ${stackName ?? "?"}: ${logical ?? "resource"} ${status ?? "event"}`,
    severity: cloudFormationSeverity(status),
    state: status,
    sourceLabel: "CloudFormation",
    account: arn?.account || context.topic.account,
    region,
    partition,
    resources: [stackId, values.get("PhysicalResourceId")].filter(
      (r, i, all): r is string => r !== undefined && r !== "" && all.indexOf(r) === i,
    ),
    fields: fieldList(
      ["Stack", stackName],
      ["Resource", isStack ? undefined : logical],
      ["Type", type],
      ["Status", status],
      ["Physical id", isStack ? undefined : values.get("PhysicalResourceId")],
      ["Principal", values.get("PrincipalId")],
      ["Request token", token],
    ),
    reason: reason === "" || reason === "null" ? undefined : reason,
    timestamp: toIsoTime(values.get("Timestamp")) ?? toIsoTime(context.envelope.Timestamp),
    // One thread per stack operation: the client request token ties its events together.
    threadKey:
      stackId === undefined
        ? undefined
        : token === undefined || token === "null"
          ? stackId
          : `${stackId}#${token}`,
    consoleUrl:
      stackId === undefined
        ? undefined
        : consoleUrl(partition, "/cloudformation/home", {
            region,
            fragment: `/stacks/events?stackId=${encodeURIComponent(stackId)}`,
          }),
  });
}

export function formatCloudFormationEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  const stack = event.detailType === "CloudFormation Stack Status Change";
  if (!stack && event.detailType !== "CloudFormation Resource Status Change") return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const stackId = str(detail, "stack-id") ?? event.resources[0];
  const stackName = parseArn(stackId)?.resource.split("/")[1];
  const statusDetails = obj(detail, "status-details");
  const statusValue = str(statusDetails, "status") ?? str(detail, "status");
  const logical = str(detail, "logical-resource-id");
  return createNotification(context, {
    ...defaults,
    service: "cloudformation",
    kind: slug(event.detailType.replace(/^CloudFormation /, "")),
    title: stack
      ? `Stack ${stackName ?? "?"} ${statusValue ?? "status change"}`
      : `Stack ${stackName ?? "?"}: ${logical ?? "resource"} ${statusValue ?? "status change"}`,
    severity: cloudFormationSeverity(statusValue),
    state: statusValue,
    sourceLabel: "CloudFormation",
    fields: fieldList(
      ["Stack", stackName],
      ["Resource", logical],
      ["Type", str(detail, "resource-type")],
      ["Status", statusValue],
      ["Physical id", str(detail, "physical-resource-id")],
    ),
    reason: str(statusDetails, "status-reason"),
    threadKey: stackId,
    consoleUrl:
      stackId === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/cloudformation/home", {
            region: defaults.region,
            fragment: `/stacks/events?stackId=${encodeURIComponent(stackId)}`,
          }),
  });
}
