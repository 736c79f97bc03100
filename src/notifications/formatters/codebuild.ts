import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, str, strings } from "../json";
import { stateSeverity } from "../severity";
import { formatSeconds } from "../time";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** CodeBuild build state and build phase changes. */

export function formatCodeBuildEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  const phaseChange = event.detailType === "CodeBuild Build Phase Change";
  if (event.detailType !== "CodeBuild Build State Change" && !phaseChange) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const project = str(detail, "project-name") ?? "CodeBuild project";
  const buildId = str(detail, "build-id");
  const info = obj(detail, "additional-information");
  const status = phaseChange ? str(detail, "completed-phase-status") : str(detail, "build-status");
  const failed = failedPhase(info);
  const logs = obj(info, "logs");
  const buildUuid = buildId?.split(":").pop();
  const duration = objects(info, "phases").reduce(
    (sum, phase) => sum + (num(phase, "duration-in-seconds") ?? 0),
    0,
  );

  return createNotification(context, {
    ...defaults,
    service: "codebuild",
    kind: phaseChange ? "build-phase-change" : "build-state-change",
    title: phaseChange
      ? `Build ${project}: phase ${str(detail, "completed-phase") ?? "?"} ${status ?? ""}`.trim()
      : `Build ${project} ${status ?? "changed state"}`,
    severity: stateSeverity("codebuild", status),
    state: status,
    sourceLabel: "CodeBuild",
    fields: fieldList(
      ["Project", project],
      ["Status", status],
      ["Build number", num(info, "build-number")],
      ["Failed phase", failed?.phase],
      ["Current phase", str(detail, "current-phase")],
      ["Initiator", str(info, "initiator")],
      ["Source version", str(info, "source-version")],
      ["Duration", duration > 0 ? formatSeconds(duration) : undefined],
      ["Log group", str(logs, "group-name")],
    ),
    reason: failed?.context,
    threadKey: buildId,
    consoleUrl:
      buildUuid === undefined || defaults.account === undefined
        ? consoleUrl(defaults.partition, `/codesuite/codebuild/projects/${enc(project)}/history`, {
            region: defaults.region,
          })
        : consoleUrl(
            defaults.partition,
            `/codesuite/codebuild/${enc(defaults.account)}/projects/${enc(project)}/build/${enc(`${project}:${buildUuid}`)}/`,
            { region: defaults.region },
          ),
  });
}

/** The first phase that did not succeed, with its context ("COMMAND_EXECUTION_ERROR: …"). */
function failedPhase(info: JsonObject | undefined): { phase: string; context?: string } | undefined {
  for (const phase of objects(info, "phases")) {
    const status = str(phase, "phase-status");
    if (status === undefined || status === "SUCCEEDED") continue;
    const context = strings(phase, "phase-context")
      .filter((line) => line.trim() !== ":" && line.trim() !== "")
      .join("\n");
    return {
      phase: `${str(phase, "phase-type") ?? "?"} (${status})`,
      context: context === "" ? undefined : context,
    };
  }
  return undefined;
}
