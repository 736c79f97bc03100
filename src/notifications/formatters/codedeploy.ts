import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { str } from "../json";
import { stateSeverity } from "../severity";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** CodeDeploy deployment and instance state changes. */

export function formatCodeDeployEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  const instance = event.detailType === "CodeDeploy Instance State-change Notification";
  if (event.detailType !== "CodeDeploy Deployment State-change Notification" && !instance) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const application = str(detail, "application");
  const group = str(detail, "deploymentGroup");
  const deploymentId = str(detail, "deploymentId");
  const state = str(detail, "state");
  const instanceId = str(detail, "instanceId");
  const target = [application, group].filter((p) => p !== undefined).join(" / ");

  return createNotification(context, {
    ...defaults,
    service: "codedeploy",
    kind: instance ? "instance-state-change" : "deployment-state-change",
    title: `Deployment ${deploymentId ?? ""}${target === "" ? "" : ` of ${target}`}${
      instance && instanceId !== undefined ? ` on ${instanceId}` : ""
    }: ${state ?? "state change"}`.replace(/\s+/g, " "),
    severity: stateSeverity("codedeploy", state),
    state,
    sourceLabel: "CodeDeploy",
    fields: fieldList(
      ["Application", application],
      ["Deployment group", group],
      ["Deployment", deploymentId],
      ["State", state],
      ["Instance", instanceId],
      ["Instance group", str(detail, "instanceGroupId")],
    ),
    threadKey: deploymentId,
    consoleUrl:
      deploymentId === undefined
        ? undefined
        : consoleUrl(defaults.partition, `/codesuite/codedeploy/deployments/${enc(deploymentId)}`, {
            region: defaults.region,
          }),
  });
}
