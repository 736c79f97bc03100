import { consoleUrl, enc, parseArn } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, str, strings } from "../json";
import type { Notification } from "../types";
import { createNotification, eventDefaults, type FormatContext, fieldList } from "./common";

/**
 * CodeCommit pull-request, reference (branch / tag) and comment events. Routine development
 * activity: no severity. `notificationBody` repeats the fields as a sentence with a console URL,
 * so it is not shown.
 */

export function formatCodeCommitEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  switch (event.detailType) {
    case "CodeCommit Pull Request State Change":
    case "CodeCommit PullRequest State Change":
      return pullRequest(event, context);
    case "CodeCommit Repository State Change":
      return reference(event, context);
    case "CodeCommit Comment on Pull Request":
    case "CodeCommit Comment on Commit":
      return comment(event, context);
    default:
      return undefined;
  }
}

/** `arn:aws:sts::1:assumed-role/Admin/user` → `Admin/user`; `arn:aws:iam::1:user/dev` → `dev`. */
function who(arn: string | undefined): string | undefined {
  const parsed = parseArn(arn);
  if (parsed === undefined) return arn;
  return parsed.resource.replace(/^(assumed-role|user|role|federated-user)\//, "");
}

function repositoryOf(detail: JsonObject): string | undefined {
  return str(detail, "repositoryName") ?? strings(detail, "repositoryNames")[0];
}

function repoUrl(event: EventBridgeEvent, context: FormatContext, repo: string | undefined, path: string) {
  if (repo === undefined) return undefined;
  const { partition, region } = eventDefaults(event, context);
  return consoleUrl(partition, `/codesuite/codecommit/repositories/${enc(repo)}${path}`, { region });
}

/** pullRequestCreated → Opened; a merge → Merged; a status change → its status. */
function pullRequestState(detail: JsonObject): string | undefined {
  const merged = str(detail, "isMerged")?.toLowerCase() === "true";
  const event = str(detail, "event");
  if (merged) return "Merged";
  if (event === "pullRequestCreated") return "Opened";
  if (event === "pullRequestSourceBranchUpdated") return "Updated";
  if (event === "pullRequestApprovalStateChanged") return str(detail, "approvalStatus") ?? "Approval changed";
  return str(detail, "pullRequestStatus");
}

function pullRequest(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const repo = repositoryOf(detail);
  const id = str(detail, "pullRequestId");
  const title = str(detail, "title");
  const source = str(detail, "sourceReference");
  const destination = str(detail, "destinationReference");
  const description = str(detail, "description");
  return createNotification(context, {
    ...eventDefaults(event, context),
    service: "codecommit",
    kind: "pull-request-state-change",
    title: `Pull request${id === undefined ? "" : ` #${id}`}${title === undefined ? "" : ` ${title}`}${repo === undefined ? "" : ` · ${repo}`}`,
    severity: undefined,
    state: pullRequestState(detail),
    sourceLabel: "CodeCommit",
    description: description === undefined ? undefined : { text: description, format: "plain" },
    fields: fieldList(
      ["Repository", repo],
      ["Branches", source === undefined || destination === undefined ? source : `${source} → ${destination}`],
      ["Status", str(detail, "pullRequestStatus")],
      ["Author", who(str(detail, "author"))],
      ["By", who(str(detail, "callerUserArn"))],
      ["Merge", str(detail, "mergeOption")],
    ),
    threadKey: repo === undefined || id === undefined ? undefined : `codecommit:${repo}:pr:${id}`,
    consoleUrl: repoUrl(
      event,
      context,
      repo,
      id === undefined ? "/pull-requests" : `/pull-requests/${enc(id)}`,
    ),
  });
}

const REFERENCE_VERB: Record<string, string> = {
  referenceCreated: "created",
  referenceUpdated: "updated",
  referenceDeleted: "deleted",
};

function reference(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const repo = repositoryOf(detail);
  const kind = str(detail, "referenceType") ?? "reference";
  const name = str(detail, "referenceName");
  const change = str(detail, "event") ?? "";
  const verb = REFERENCE_VERB[change];
  const commit = str(detail, "commitId");
  const title =
    verb === undefined
      ? `${change === "unreferencedMergeCommitCreated" ? "Merge commit created" : "Repository changed"}${repo === undefined ? "" : ` · ${repo}`}`
      : `${kind.charAt(0).toUpperCase()}${kind.slice(1)} ${name ?? ""} ${verb}${repo === undefined ? "" : ` · ${repo}`}`;
  return createNotification(context, {
    ...eventDefaults(event, context),
    service: "codecommit",
    kind: "reference-change",
    title: title.replace(/\s+/g, " "),
    severity: undefined,
    sourceLabel: "CodeCommit",
    fields: fieldList(
      ["Repository", repo],
      ["Reference", str(detail, "referenceFullName") ?? name],
      ["Commit", commit],
      ["Previous commit", str(detail, "oldCommitId")],
      ["Merge", str(detail, "mergeOption")],
    ),
    consoleUrl: repoUrl(
      event,
      context,
      repo,
      commit !== undefined && verb !== "deleted" ? `/commit/${enc(commit)}` : "/browse",
    ),
  });
}

function comment(event: EventBridgeEvent, context: FormatContext): Notification {
  const detail = event.detail;
  const repo = repositoryOf(detail);
  const id = str(detail, "pullRequestId");
  const onPullRequest = event.detailType.endsWith("Pull Request");
  const updated = /Updated$/.test(str(detail, "event") ?? "");
  const commit = str(detail, "afterCommitId");
  const target = onPullRequest ? `pull request${id === undefined ? "" : ` #${id}`}` : "commit";
  return createNotification(context, {
    ...eventDefaults(event, context),
    service: "codecommit",
    kind: onPullRequest ? "comment-on-pull-request" : "comment-on-commit",
    title: `Comment ${updated ? "updated" : "added"} on ${target}${repo === undefined ? "" : ` · ${repo}`}`,
    severity: undefined,
    sourceLabel: "CodeCommit",
    fields: fieldList(
      ["Repository", repo],
      ["By", who(str(detail, "callerUserArn"))],
      ["Pull request", id],
      ["Commit", commit],
    ),
    threadKey:
      onPullRequest && repo !== undefined && id !== undefined ? `codecommit:${repo}:pr:${id}` : undefined,
    consoleUrl: repoUrl(
      event,
      context,
      repo,
      onPullRequest && id !== undefined
        ? `/pull-requests/${enc(id)}/activity`
        : commit === undefined
          ? "/browse"
          : `/commit/${enc(commit)}`,
    ),
  });
}
