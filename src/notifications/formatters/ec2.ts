import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { str } from "../json";
import { stateSeverity } from "../severity";
import type { Notification, Severity } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** EC2 instance state changes, Spot interruption warnings and rebalance recommendations. */

export function formatEc2Event(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  const detail = event.detail;
  const instanceId = str(detail, "instance-id");
  let kind: string;
  let severity: Severity | undefined;
  let title: string;
  switch (event.detailType) {
    case "EC2 Instance State-change Notification": {
      const state = str(detail, "state");
      kind = "instance-state-change";
      severity = stateSeverity("ec2", state);
      title = `EC2 instance ${instanceId ?? ""} is ${state ?? "changing state"}`;
      break;
    }
    case "EC2 Spot Instance Interruption Warning":
      kind = "spot-interruption-warning";
      severity = "medium";
      title = `Spot instance ${instanceId ?? ""} will be interrupted (${str(detail, "instance-action") ?? "?"})`;
      break;
    case "EC2 Instance Rebalance Recommendation":
      kind = "rebalance-recommendation";
      severity = "low";
      title = `Spot instance ${instanceId ?? ""} has a rebalance recommendation`;
      break;
    default:
      return undefined;
  }
  const defaults = eventDefaults(event, context);
  return createNotification(context, {
    ...defaults,
    service: "ec2",
    kind,
    title: title.replace(/\s+/g, " "),
    severity,
    state: str(detail, "state") ?? str(detail, "instance-action"),
    sourceLabel: "Amazon EC2",
    fields: fieldList(
      ["Instance", instanceId],
      ["State", str(detail, "state")],
      ["Action", str(detail, "instance-action")],
      ["Region", defaults.region],
    ),
    threadKey: defaults.resources[0] ?? instanceId,
    consoleUrl:
      instanceId === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/ec2/home", {
            region: defaults.region,
            fragment: `InstanceDetails:instanceId=${enc(instanceId)}`,
          }),
  });
}
