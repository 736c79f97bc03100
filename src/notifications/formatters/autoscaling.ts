import { consoleUrl, enc, parseArn, partitionOf } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, obj, str } from "../json";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, slug } from "./common";

/** Auto Scaling group activities, from EventBridge and from the group's own SNS notifications. */

const EVENT_TYPES = new Set([
  "EC2 Instance Launch Successful",
  "EC2 Instance Launch Unsuccessful",
  "EC2 Instance Terminate Successful",
  "EC2 Instance Terminate Unsuccessful",
  "EC2 Instance-launch Lifecycle Action",
  "EC2 Instance-terminate Lifecycle Action",
]);

function activitySeverity(unsuccessful: boolean, statusCode: string | undefined): Severity | undefined {
  return unsuccessful ? "high" : stateSeverity("autoscaling", statusCode);
}

const INSTANCE_REFRESH = /^EC2 Auto Scaling Instance Refresh (.+)$/;

export function formatAutoScalingEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  const refresh = INSTANCE_REFRESH.exec(event.detailType)?.[1];
  if (refresh !== undefined) return instanceRefresh(event, context, refresh);
  if (!EVENT_TYPES.has(event.detailType)) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const group = str(detail, "AutoScalingGroupName");
  const unsuccessful = event.detailType.endsWith("Unsuccessful");
  const lifecycle = event.detailType.includes("Lifecycle");
  const kind = slug(event.detailType.replace(/^EC2 /, ""));
  return createNotification(context, {
    ...defaults,
    service: "autoscaling",
    kind,
    title: activityTitle(
      /terminate/i.test(event.detailType) ? "terminate" : "launch",
      lifecycle ? "lifecycle hook" : unsuccessful ? "FAILED" : "successful",
      group,
      lifecycle ? str(detail, "LifecycleHookName") : str(detail, "EC2InstanceId"),
    ),
    severity: activitySeverity(unsuccessful, str(detail, "StatusCode")),
    // A lifecycle event's "state" would be `autoscaling:EC2_INSTANCE_LAUNCHING`: machine text.
    state: lifecycle ? undefined : (str(detail, "StatusCode") ?? (unsuccessful ? "Failed" : undefined)),
    sourceLabel: "EC2 Auto Scaling",
    fields: activityFields(detail, lifecycle),
    reason: str(detail, "StatusMessage"),
    description: textOf(str(detail, "Cause")),
    threadKey: str(detail, "ActivityId") ?? str(detail, "LifecycleActionToken"),
    consoleUrl: groupUrl(defaults.partition, defaults.region, group),
  });
}

/** `Auto Scaling launch FAILED · render-farm-asg · i-0abc…`. */
function activityTitle(
  action: string,
  outcome: string | undefined,
  group: string | undefined,
  qualifier: string | undefined,
): string {
  return [`Auto Scaling ${action}${outcome === undefined ? "" : ` ${outcome}`}`, group, qualifier]
    .filter((part) => part !== undefined && part !== "")
    .join(" · ");
}

/** `Auto Scaling instance refresh Failed · my-asg`, with the checkpoint when one was reached. */
function instanceRefresh(event: EventBridgeEvent, context: FormatContext, outcome: string): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const group = str(detail, "AutoScalingGroupName");
  const checkpoint = str(detail, "CheckpointPercentage");
  return createNotification(context, {
    ...defaults,
    service: "autoscaling",
    kind: `instance-refresh-${slug(outcome)}`,
    title: activityTitle("instance refresh", outcome, group, undefined),
    severity: stateSeverity("autoscaling-refresh", outcome),
    state: outcome,
    sourceLabel: "EC2 Auto Scaling",
    fields: fieldList(
      ["Group", group],
      ["Instance refresh", str(detail, "InstanceRefreshId")],
      ["Checkpoint", checkpoint === undefined ? undefined : `${checkpoint}%`],
      ["Checkpoint delay", str(detail, "CheckpointDelay")],
    ),
    threadKey: str(detail, "InstanceRefreshId"),
    consoleUrl: groupUrl(defaults.partition, defaults.region, group),
  });
}

function activityFields(detail: JsonObject, lifecycle: boolean) {
  const details = obj(detail, "Details");
  const instance = str(detail, "EC2InstanceId");
  return fieldList(
    ["Group", str(detail, "AutoScalingGroupName")],
    ["Status", str(detail, "StatusCode")],
    ["Instance", instance],
    ["Lifecycle hook", lifecycle ? str(detail, "LifecycleHookName") : undefined],
    ["Transition", lifecycle ? str(detail, "LifecycleTransition") : undefined],
    ["Availability Zone", str(details, "Availability Zone")],
    ["Subnet", str(details, "Subnet ID")],
    ["Activity", str(detail, "ActivityId")],
  );
}

function groupUrl(
  partition: Notification["partition"],
  region: string | undefined,
  group: string | undefined,
) {
  if (group === undefined) return undefined;
  return consoleUrl(partition, "/ec2/home", {
    region,
    fragment: `AutoScalingGroupDetails:id=${enc(group)};view=activity`,
  });
}

/** The JSON an Auto Scaling group publishes to its notification topic (`Event: autoscaling:…`). */
export function formatAutoScalingSns(payload: JsonObject, context: FormatContext): Notification {
  const eventName = str(payload, "Event") ?? "autoscaling:UNKNOWN";
  const group = str(payload, "AutoScalingGroupName");
  const groupArn = str(payload, "AutoScalingGroupARN");
  const arn = parseArn(groupArn);
  const region = arn?.region || context.topic.region;
  const partition = partitionOf([groupArn], region, context.topic.partition);
  const statusCode = str(payload, "StatusCode");
  const error = eventName.endsWith("_ERROR");
  const test = eventName === "autoscaling:TEST_NOTIFICATION";
  const kind = slug(eventName.replace(/^autoscaling:(EC2_)?/, ""));
  const details = obj(payload, "Details");

  return createNotification(context, {
    service: "autoscaling",
    kind,
    title: test
      ? activityTitle("test notification", undefined, group, undefined)
      : activityTitle(
          /TERMINATE/.test(eventName) ? "terminate" : "launch",
          error ? "FAILED" : undefined,
          group,
          str(payload, "EC2InstanceId"),
        ),
    severity: test ? "info" : activitySeverity(error, statusCode),
    // A successful launch reports `InProgress`, which reads as if it were still going: no state.
    state: error ? (statusCode ?? "Failed") : undefined,
    sourceLabel: "EC2 Auto Scaling",
    account: str(payload, "AccountId") ?? arn?.account ?? context.topic.account,
    region,
    partition,
    resources: [groupArn, str(payload, "EC2InstanceId")].filter((r): r is string => r !== undefined),
    fields: fieldList(
      ["Event", eventName],
      ["Group", group],
      ["Instance", str(payload, "EC2InstanceId")],
      ["Status", statusCode],
      ["Progress", str(payload, "Progress")],
      ["Availability Zone", str(details, "Availability Zone")],
      ["Subnet", str(details, "Subnet ID")],
    ),
    reason: str(payload, "StatusMessage"),
    description: textOf(str(payload, "Cause")),
    timestamp: toIsoTime(str(payload, "Time")) ?? toIsoTime(context.envelope.Timestamp),
    threadKey: str(payload, "ActivityId"),
    consoleUrl: groupUrl(partition, region, group),
  });
}

function textOf(text: string | undefined) {
  return text === undefined ? undefined : { text, format: "plain" as const };
}
