import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { isObject, type JsonObject, num, obj, objects, parseJson, scalarText, str } from "../json";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/**
 * CodePipeline pipeline, stage and action execution state changes, from EventBridge or from a
 * CodeStar Notifications rule (whose processed format adds `additionalAttributes`).
 */

const KINDS: Record<string, string> = {
  "CodePipeline Pipeline Execution State Change": "pipeline-execution-state-change",
  "CodePipeline Stage Execution State Change": "stage-execution-state-change",
  "CodePipeline Action Execution State Change": "action-execution-state-change",
};

/**
 * Source actions report their summary as a JSON string (`{"ProviderType":"GitHub","CommitMessage":
 * "…"}`): shown as `GitHub commit: …`, other keys as `key: value`; plain text stays as it is.
 */
export function summaryText(summary: string | undefined): string | undefined {
  if (summary === undefined || !summary.trimStart().startsWith("{")) return summary;
  const parsed = parseJson(summary);
  if (!isObject(parsed)) return summary;
  const provider = str(parsed, "ProviderType");
  const commit = str(parsed, "CommitMessage");
  const rest = Object.keys(parsed)
    .filter((key) => key !== "ProviderType" && key !== "CommitMessage")
    .map((key) => {
      const value = scalarText(parsed[key]);
      return value === undefined ? undefined : `${key}: ${value}`;
    })
    .filter((part): part is string => part !== undefined);
  const head =
    commit === undefined ? provider : `${provider === undefined ? "" : `${provider} `}commit: ${commit}`;
  return [head, ...rest].filter((part) => part !== undefined && part !== "").join(" · ") || undefined;
}

export function formatCodePipelineEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  const kind = KINDS[event.detailType];
  if (kind === undefined) return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const pipeline = str(detail, "pipeline") ?? arnResourceName(event.resources[0]) ?? "pipeline";
  const executionId = str(detail, "execution-id");
  const state = str(detail, "state");
  const stage = str(detail, "stage");
  const action = str(detail, "action");
  const result = obj(detail, "execution-result");
  const type = obj(detail, "type");
  const started = toIsoTime(str(detail, "start-time"));
  const extra = event.additionalAttributes;
  const failedActions = objects(extra, "failedActions").map(describeFailedAction);

  const subject =
    action !== undefined ? `action ${action}` : stage !== undefined ? `stage ${stage}` : undefined;
  return createNotification(context, {
    ...defaults,
    service: "codepipeline",
    kind,
    title: `Pipeline ${pipeline}${subject === undefined ? "" : ` ${subject}`} ${state ?? "changed state"}`,
    severity: stateSeverity("codepipeline", state),
    state,
    sourceLabel: "CodePipeline",
    fields: fieldList(
      ["Pipeline", pipeline],
      ["Execution", executionId],
      ["Stage", stage],
      ["Action", action],
      [
        "Provider",
        type === undefined
          ? undefined
          : [str(type, "category"), str(type, "provider")].filter(Boolean).join(" · "),
      ],
      ["Failed stage", str(extra, "failedStage")],
      ["Error code", str(result, "error-code")],
      ["External id", str(result, "external-execution-id")],
      ["Started", at(started)],
      ["Attempt", num(detail, "pipeline-execution-attempt")],
    ),
    reason: summaryText(str(result, "external-execution-summary")),
    lists: failedActions.length === 0 ? [] : [{ title: "Failed actions", ...limitItems(failedActions, 5) }],
    threadKey: executionId,
    consoleUrl: consoleUrl(
      defaults.partition,
      executionId === undefined
        ? `/codesuite/codepipeline/pipelines/${enc(pipeline)}/view`
        : `/codesuite/codepipeline/pipelines/${enc(pipeline)}/executions/${enc(executionId)}/timeline`,
      { region: defaults.region },
    ),
  });
}

function describeFailedAction(action: JsonObject): string {
  const name = str(action, "action") ?? "(action)";
  const info = str(action, "additionalInformation");
  return info === undefined ? name : `${name}: ${info}`;
}
