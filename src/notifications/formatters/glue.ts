import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, num, str } from "../json";
import { isAwsLinkUrl } from "../link-url";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/** AWS Glue job and crawler state changes (`Glue Job State Change`, `Glue Job Run Status`, `Glue Crawler State Change`). */

export function formatGlueEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  switch (event.detailType) {
    case "Glue Job State Change":
    case "Glue Job Run Status":
      return job(event, context);
    case "Glue Crawler State Change":
      return crawler(event, context);
    default:
      return undefined;
  }
}

/** A message that only repeats the state (`Job run succeeded`, `Crawler Failed`) says nothing more. */
function ownMessage(message: string | undefined, state: string | undefined): string | undefined {
  if (message === undefined || message === "N/A") return undefined;
  const words = message.toLowerCase();
  if (state !== undefined && words.length <= 40 && words.includes(state.toLowerCase())) return undefined;
  return message;
}

function job(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const name = str(detail, "jobName");
  const state = str(detail, "state");
  const runId = str(detail, "jobRunId");
  const runStatus = event.detailType === "Glue Job Run Status";
  return createNotification(context, {
    ...defaults,
    service: "glue",
    kind: runStatus ? "job-run-status" : "job-state-change",
    title: `Glue job ${name ?? ""} ${state ?? "state change"}${runStatus ? " (delayed)" : ""}`
      .replace(/\s+/g, " ")
      .trim(),
    severity: stateSeverity("glue", state),
    state,
    sourceLabel: "AWS Glue",
    fields: fieldList(["Job", name], ["Run", runId], ["Started", at(toIsoTime(str(detail, "startedOn")))]),
    reason: ownMessage(str(detail, "message"), state),
    threadKey: runId,
    consoleUrl:
      name === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/gluestudio/home", {
            region: defaults.region,
            fragment: `/editor/job/${enc(name)}/runs`,
          }),
  });
}

function counts(detail: JsonObject, kind: "tables" | "partitions"): string | undefined {
  const parts = (["Created", "Updated", "Deleted"] as const)
    .map((verb) => [verb.toLowerCase(), num(detail, `${kind}${verb}`)] as const)
    .filter(([, n]) => n !== undefined && n > 0)
    .map(([verb, n]) => `${n} ${verb}`);
  return parts.length === 0 ? undefined : parts.join(", ");
}

function crawler(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const name = str(detail, "crawlerName");
  const state = str(detail, "state");
  const logs = str(detail, "cloudWatchLogLink");
  const warning = str(detail, "warningMessage");
  return createNotification(context, {
    ...defaults,
    service: "glue",
    kind: "crawler-state-change",
    title: `Glue crawler ${name ?? ""} ${state ?? "state change"}`.replace(/\s+/g, " ").trim(),
    severity: stateSeverity("glue", state),
    state,
    sourceLabel: "AWS Glue",
    fields: fieldList(
      ["Crawler", name],
      ["Tables", counts(detail, "tables")],
      ["Partitions", counts(detail, "partitions")],
      [
        "Running time",
        num(detail, "runningTime (sec)") === undefined ? undefined : `${num(detail, "runningTime (sec)")} s`,
      ],
      ["Started", at(toIsoTime(str(detail, "startTime")))],
      ["Completed", at(toIsoTime(str(detail, "completionDate")))],
      ["Warning", warning === "N/A" ? undefined : warning],
    ),
    reason: str(detail, "errorMessage") ?? ownMessage(str(detail, "message"), state),
    consoleUrl:
      name === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/glue/home", {
            region: defaults.region,
            fragment: `/v2/data-catalog/crawlers/view/${enc(name)}`,
          }),
    links: isAwsLinkUrl(logs) ? [{ label: "Crawler logs", url: logs }] : [],
  });
}
