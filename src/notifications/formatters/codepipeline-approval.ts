import { consoleUrl, enc, isRegionCode, partitionOf } from "../aws";
import { type JsonObject, obj, str } from "../json";
import { isAwsLinkUrl, isSafeLinkUrl } from "../link-url";
import { stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification, NotificationLink } from "../types";
import { summaryText } from "./codepipeline";
import { at, createNotification, type FormatContext, fieldList } from "./common";

/**
 * CodePipeline manual approval notifications: the JSON a Manual approval action publishes to its
 * topic (`{region, consoleLink, approval: {pipelineName, stageName, actionName, token, expires,
 * externalEntityLink, approvalReviewLink, customData}}`, CodePipeline User Guide).
 */

export const APPROVAL_STATE = "Approval needed";

function approvalLinks(approval: JsonObject): NotificationLink[] {
  const links: NotificationLink[] = [];
  // The review page is CodePipeline's own: shown only when it is an AWS console URL.
  const review = str(approval, "approvalReviewLink");
  if (isAwsLinkUrl(review)) links.push({ label: "Review", url: review });
  // What the pipeline's author asks reviewers to look at (a staging site, a change set…).
  const external = str(approval, "externalEntityLink");
  if (isSafeLinkUrl(external)) links.push({ label: "Open the URL for review", url: external });
  return links;
}

export function formatCodePipelineApproval(payload: JsonObject, context: FormatContext): Notification {
  const approval = obj(payload, "approval") ?? {};
  const pipeline = str(approval, "pipelineName") ?? "pipeline";
  const stage = str(approval, "stageName");
  const action = str(approval, "actionName");
  const ownRegion = str(payload, "region");
  const region = isRegionCode(ownRegion) ? ownRegion : context.topic.region;
  const partition = partitionOf([], region, context.topic.partition);
  const expires = str(approval, "expires");
  const customData = summaryText(str(approval, "customData"));
  const token = str(approval, "token");

  return createNotification(context, {
    service: "codepipeline",
    kind: "manual-approval",
    title: `${pipeline}${action === undefined ? "" : ` · ${action}`}`,
    severity: stateSeverity("codepipeline", APPROVAL_STATE),
    state: APPROVAL_STATE,
    sourceLabel: "CodePipeline manual approval",
    region,
    partition,
    fields: fieldList(
      ["Pipeline", pipeline],
      ["Stage", stage],
      ["Action", action],
      ["Expires", at(toIsoTime(expires), expires)],
    ),
    description: customData === undefined ? undefined : { text: customData, format: "plain" },
    threadKey: token === undefined ? undefined : `codepipeline-approval:${token}`,
    consoleUrl: consoleUrl(partition, `/codesuite/codepipeline/pipelines/${enc(pipeline)}/view`, { region }),
    links: approvalLinks(approval),
  });
}
