import { z } from "zod";
import { type JsonObject, obj, scalarText, str, strings } from "../json";
import { isSafeLinkUrl, linkHost } from "../link-url";
import { headerLine } from "../presentation";
import { labelSeverity } from "../severity";
import { firstLine, safeSlice } from "../text";
import type { Notification, NotificationLink, Severity } from "../types";
import { createNotification, type FormatContext, fieldList, limitItems } from "./common";

/**
 * AWS Chatbot custom notifications (`{"version": "1.0", "source": "custom", "content": {…}}`). AWS
 * Chatbot silently drops an invalid one; here it is still shown, with a line saying what is wrong.
 */

const customNotificationSchema = z.object({
  version: z.literal("1.0"),
  source: z.literal("custom"),
  id: z.string().optional(),
  content: z.object({
    textType: z.literal("client-markdown").optional(),
    title: z.string().optional(),
    description: z.string(),
    nextSteps: z.array(z.string()).optional(),
    keywords: z.array(z.string()).optional(),
  }),
  metadata: z
    .object({
      threadId: z.string().optional(),
      summary: z.string().optional(),
      eventType: z.string().optional(),
      relatedResources: z.array(z.string()).optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
      enableCustomActions: z.boolean().optional(),
    })
    .optional(),
});

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): string {
  const path = issue.path.map(String).join(".") || "message";
  switch (issue.code) {
    case "invalid_type":
      return /received undefined/.test(issue.message)
        ? `\`${path}\` is missing (a ${issue.expected} is required)`
        : `\`${path}\` must be ${issue.expected === "array" ? "a list" : `a ${issue.expected}`}`;
    case "invalid_value":
      return `\`${path}\` must be ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}`;
    default:
      return `\`${path}\`: ${issue.message}`;
  }
}

/**
 * Severity a publisher can express: `metadata.additionalContext.priority` or `.severity` (AWS's
 * own example uses `priority`), or a SEVn/Pn keyword; otherwise none.
 */
export function customSeverity(payload: JsonObject): Severity | undefined {
  const additional = obj(obj(payload, "metadata"), "additionalContext");
  for (const key of Object.keys(additional ?? {})) {
    if (!/^(priority|severity)$/i.test(key)) continue;
    const declared = labelSeverity(str(additional, key));
    if (declared !== undefined) return declared;
  }
  for (const keyword of strings(obj(payload, "content"), "keywords")) {
    const fromKeyword = labelSeverity(keyword);
    if (fromKeyword !== undefined && /^(sev|p)-?\d$/i.test(keyword.trim())) return fromKeyword;
  }
  return undefined;
}

/**
 * How much of a description's first line a header is made from: it shows at most 100 characters,
 * and the regexes below then never see more than this, whatever the message holds.
 */
const SUMMARY_SOURCE_CHARS = 300;

/**
 * `<https://…|text>` → text, and `*bold*`, `_italic_`, `~strike~`, `code` → the words they mark:
 * only a pair of the same mark around words, so `__init__.py` or `~5 min` stay as written. The line
 * is at most SUMMARY_SOURCE_CHARS long, which bounds the lazy search for a closing mark.
 */
function plainMarkdown(line: string): string {
  return line
    .replace(/<(?:https?:\/\/|mailto:)[^|<>\s]*\|([^<>]*)>/g, "$1")
    .replace(/(^|[\s(])([*_~`])(?=[^\s*_~`])(.*?[^\s])\2(?=$|[\s).,!?:;'"])/g, "$1$3")
    .trim();
}

/**
 * The header of a custom notification that has no title: its description's first line, read as
 * plain text. `alone` when that line is the whole description, plain text already (no marks, links
 * or URLs): if the header then shows it uncut, the body leaves it out instead of saying it twice.
 */
function descriptionSummary(description: string): { line: string; alone: boolean } | undefined {
  const first = firstLine(description);
  const source = safeSlice(first, SUMMARY_SOURCE_CHARS);
  const line = plainMarkdown(source);
  if (line === "") return undefined;
  const alone = source === description.trim() && line === source && !/https?:\/\//.test(source);
  return { line, alone };
}

/** A related-resource URL that passes the link check, as a button: "Open runbooks.example.com". */
function linkOf(url: string): NotificationLink {
  return { label: `Open ${linkHost(url)}`, url };
}

export function formatCustomNotification(payload: JsonObject, context: FormatContext): Notification {
  const parsed = customNotificationSchema.safeParse(payload);
  // Read through the careful accessors either way, so an invalid message still shows all it has.
  const content = obj(payload, "content");
  const metadata = obj(payload, "metadata");
  const description = str(content, "description");
  const additional = obj(metadata, "additionalContext") ?? {};
  const issues = parsed.success ? [] : parsed.error.issues.slice(0, 5).map(describeIssue);
  const named = str(content, "title") ?? context.envelope.Subject ?? str(metadata, "summary");
  const summary =
    named === undefined && description !== undefined ? descriptionSummary(description) : undefined;
  const title = named ?? summary?.line ?? "Custom notification";
  const nextSteps = strings(content, "nextSteps");
  const related = strings(metadata, "relatedResources");

  const notification = createNotification(context, {
    service: "custom",
    kind: parsed.success ? "custom-notification" : "invalid-custom",
    title,
    severity: customSeverity(payload),
    sourceLabel: "Custom notification",
    resources: related.filter((resource) => !/^https?:\/\//i.test(resource)),
    links: related.filter(isSafeLinkUrl).map(linkOf),
    description: description === undefined ? undefined : { text: description, format: "markdown" },
    fields: fieldList(
      ["Event type", str(metadata, "eventType")],
      ...Object.keys(additional)
        .slice(0, 10)
        .map((key): [string, string | undefined] => [key, scalarText(additional[key])]),
    ),
    lists:
      nextSteps.length === 0
        ? []
        : [{ title: "Next steps", format: "markdown", ...limitItems(nextSteps, 10) }],
    notes:
      issues.length === 0
        ? []
        : [
            `Invalid custom notification: ${issues.join("; ")}. AWS Chatbot would not deliver it; it is shown as received.`,
          ],
    keywords: strings(content, "keywords"),
    summary: str(metadata, "summary"),
    threadKey: str(metadata, "threadId"),
  });
  // Said once: a one-line description the header shows whole (after its severity emoji) is not
  // repeated below it.
  if (summary?.alone === true && headerLine(notification).endsWith(summary.line)) {
    notification.description = undefined;
  }
  return notification;
}
