import { arnResourceName, consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { isObject, parseJson, str } from "../json";
import { stateSeverity } from "../severity";
import { formatDuration, toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** Step Functions execution status changes. */

export function formatStepFunctionsEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "Step Functions Execution Status Change") return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const executionArn = str(detail, "executionArn");
  const stateMachine = arnResourceName(str(detail, "stateMachineArn"));
  const name = str(detail, "name") ?? arnResourceName(executionArn);
  const status = str(detail, "status");
  const start = toIsoTime(detail.startDate);
  const stop = toIsoTime(detail.stopDate);

  return createNotification(context, {
    ...defaults,
    service: "stepfunctions",
    kind: "execution-status-change",
    title: `${stateMachine ?? "State machine"} execution ${name ?? ""} ${status ?? "changed status"}`.replace(
      /\s+/g,
      " ",
    ),
    severity: stateSeverity("stepfunctions", status),
    state: status,
    sourceLabel: "Step Functions",
    fields: fieldList(
      ["State machine", stateMachine],
      ["Execution", name],
      ["Status", status],
      ["Error", str(detail, "error")],
      ["Started", at(start)],
      ["Duration", formatDuration(start, stop)],
      ["Redrives", str(detail, "redriveCount")],
    ),
    reason: describeCause(str(detail, "cause")),
    threadKey: executionArn,
    consoleUrl:
      executionArn === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/states/home", {
            region: defaults.region,
            fragment: `/v2/executions/details/${enc(executionArn)}`,
          }),
  });
}

/** Lambda task failures put a JSON error object in `cause`; show its message first. */
function describeCause(cause: string | undefined): string | undefined {
  if (cause === undefined) return undefined;
  const parsed = parseJson(cause);
  if (!isObject(parsed)) return cause;
  const message = str(parsed, "errorMessage");
  const type = str(parsed, "errorType");
  if (message === undefined) return cause;
  return type === undefined ? message : `${type}: ${message}`;
}
