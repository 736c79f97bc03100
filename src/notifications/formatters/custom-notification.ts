import { z } from "zod";
import { type JsonObject, obj, scalarText, str, strings } from "../json";
import { isSafeLinkUrl, linkHost } from "../link-url";
import { HEADER_MAX_CHARS } from "../presentation";
import { labelSeverity } from "../severity";
import { firstLine } from "../text";
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

/** `<https://…|text>` → text; `*bold*`, `_italic_`, `~strike~` and `code` marks dropped. */
function plainMarkdown(line: string): string {
  return line
    .replace(/<(?:https?:\/\/|mailto:)[^|>\s]*\|([^>]*)>/g, "$1")
    .replace(/(^|[\s(])[*_~`]+(?=\S)|(?<=\S)[*_~`]+(?=$|[\s).,!?:;])/g, "$1")
    .trim();
}

/**
 * The header of a custom notification that has no title: its description's first line, read as
 * plain text. `whole` when that line is all the description says, as text, in a header's length: the
 * body then leaves it out instead of saying it twice.
 */
function descriptionSummary(description: string): { line: string; whole: boolean } | undefined {
  const first = firstLine(description);
  const line = plainMarkdown(first);
  if (line === "") return undefined;
  const whole =
    first === description.trim() && line.length <= HEADER_MAX_CHARS - 2 && !/<[^>]*>|https?:\/\//.test(first);
  return { line, whole };
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

  return createNotification(context, {
    service: "custom",
    kind: parsed.success ? "custom-notification" : "invalid-custom",
    title,
    severity: customSeverity(payload),
    sourceLabel: "Custom notification",
    resources: related.filter((resource) => !/^https?:\/\//i.test(resource)),
    links: related.filter(isSafeLinkUrl).map(linkOf),
    description:
      description === undefined || summary?.whole === true
        ? undefined
        : { text: description, format: "markdown" },
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
}
