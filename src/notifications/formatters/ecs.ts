import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, str } from "../json";
import { formatDuration, toIsoTime } from "../time";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** ECS task and container instance state changes, service actions and service deployment state changes. */

export function formatEcsEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  switch (event.detailType) {
    case "ECS Task State Change":
      return taskStateChange(event, context);
    case "ECS Container Instance State Change":
      return containerInstanceStateChange(event, context);
    case "ECS Service Action":
    case "ECS Deployment State Change":
      return serviceEvent(event, context);
    default:
      return undefined;
  }
}

/** A task that stopped because a container failed is high; a planned stop (scale-in, deploy) is info. */
export function taskSeverity(detail: JsonObject): Severity | undefined {
  const last = str(detail, "lastStatus");
  if (last !== "STOPPED") return "info";
  const stopCode = str(detail, "stopCode");
  const failedContainer = objects(detail, "containers").some((c) => {
    const exit = num(c, "exitCode");
    return (exit !== undefined && exit !== 0) || /error|killed|oom/i.test(str(c, "reason") ?? "");
  });
  if (stopCode === "TaskFailedToStart" || failedContainer) return "high";
  if (stopCode === "EssentialContainerExited") return "medium";
  if (stopCode === "SpotInterruption" || stopCode === "TerminationNotice") return "medium";
  return "info";
}

function taskStateChange(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const taskArn = str(detail, "taskArn") ?? event.resources[0];
  const cluster = arnResourceName(str(detail, "clusterArn"));
  const taskId = arnResourceName(taskArn);
  const taskDefinition = arnResourceName(str(detail, "taskDefinitionArn"));
  const group = str(detail, "group");
  const last = str(detail, "lastStatus");
  const containers = objects(detail, "containers").map(describeContainer);
  const ran = formatDuration(toIsoTime(str(detail, "startedAt")), toIsoTime(str(detail, "stoppedAt")));
  const who = group?.replace(/^service:/, "service ") ?? taskDefinition ?? "task";

  return createNotification(context, {
    ...defaults,
    service: "ecs",
    kind: "task-state-change",
    title: `ECS task ${last ?? "changed state"}: ${who}${cluster === undefined ? "" : ` in ${cluster}`}`,
    severity: taskSeverity(detail),
    state: last,
    sourceLabel: "Amazon ECS",
    fields: fieldList(
      ["Cluster", cluster],
      ["Task", taskId],
      ["Task definition", taskDefinition],
      ["Group", group],
      ["Status", `${last ?? "?"} (desired ${str(detail, "desiredStatus") ?? "?"})`],
      ["Stop code", str(detail, "stopCode")],
      ["Launch type", str(detail, "launchType")],
      ["Ran for", ran],
    ),
    reason: str(detail, "stoppedReason"),
    lists: containers.length === 0 ? [] : [{ title: "Containers", ...limitItems(containers, 10) }],
    threadKey: taskArn,
    consoleUrl:
      cluster === undefined || taskId === undefined
        ? undefined
        : consoleUrl(defaults.partition, `/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}`, {
            region: defaults.region,
          }),
  });
}

function describeContainer(container: JsonObject): string {
  const exit = num(container, "exitCode");
  return [
    str(container, "name") ?? "(container)",
    str(container, "lastStatus"),
    exit === undefined ? undefined : `exit ${exit}`,
    str(container, "reason"),
  ]
    .filter((part) => part !== undefined)
    .join(" · ");
}

/**
 * A container instance registered, draining or deregistered, or its agent (dis)connected. No
 * severity: draining and deregistering are how scale-in and patching work.
 */
function containerInstanceStateChange(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const cluster = arnResourceName(str(detail, "clusterArn"));
  const instanceArn = str(detail, "containerInstanceArn") ?? event.resources[0];
  const ec2Instance = str(detail, "ec2InstanceId");
  const status = str(detail, "status");
  const agent =
    detail.agentConnected === true
      ? "connected"
      : detail.agentConnected === false
        ? "disconnected"
        : undefined;
  const version = obj(detail, "versionInfo");
  return createNotification(context, {
    ...defaults,
    service: "ecs",
    kind: "container-instance-state-change",
    severity: undefined,
    title:
      `ECS container instance ${ec2Instance ?? arnResourceName(instanceArn) ?? ""} ${status ?? "changed state"}${
        cluster === undefined ? "" : ` in ${cluster}`
      }`.replace(/\s+/g, " "),
    state: status,
    sourceLabel: "Amazon ECS",
    fields: fieldList(
      ["Cluster", cluster],
      ["EC2 instance", ec2Instance],
      ["Status", status],
      ["Status reason", str(detail, "statusReason")],
      ["Agent", agent],
      ["Agent version", str(version, "agentVersion")],
      ["Running tasks", num(detail, "runningTasksCount")],
      ["Pending tasks", num(detail, "pendingTasksCount")],
    ),
    threadKey: instanceArn,
    consoleUrl:
      cluster === undefined
        ? undefined
        : consoleUrl(defaults.partition, `/ecs/v2/clusters/${enc(cluster)}/infrastructure`, {
            region: defaults.region,
          }),
  });
}

function serviceEvent(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const eventName = str(detail, "eventName");
  const eventType = str(detail, "eventType");
  const serviceArn = event.resources[0];
  const serviceName = arnResourceName(serviceArn);
  const cluster = arnResourceName(str(detail, "clusterArn"));
  const deployment = event.detailType === "ECS Deployment State Change";
  const severity: Severity | undefined =
    eventType === "ERROR" || /FAILED/.test(eventName ?? "")
      ? "high"
      : eventType === "WARN"
        ? "medium"
        : /COMPLETED/.test(eventName ?? "")
          ? "ok"
          : "info";
  return createNotification(context, {
    ...defaults,
    service: "ecs",
    kind: deployment ? "deployment-state-change" : "service-action",
    title: `ECS ${serviceName === undefined ? "service" : `service ${serviceName}`}: ${eventName ?? event.detailType}`,
    severity,
    state: eventName,
    sourceLabel: "Amazon ECS",
    fields: fieldList(
      ["Service", serviceName],
      ["Cluster", cluster],
      ["Event", eventName],
      ["Type", eventType],
      ["Deployment", str(detail, "deploymentId")],
      ["Capacity provider", str(detail, "capacityProviderArns")],
    ),
    reason: str(detail, "reason"),
    threadKey: str(detail, "deploymentId") ?? serviceArn,
  });
}
