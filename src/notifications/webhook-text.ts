import {
  headerLine,
  linkButtons,
  type Presentation,
  presentationOf,
  RESOURCES_SHOWN,
  statusParts,
  unmentionedResources,
} from "./presentation";
import { shortcodesToEmoji, slackLinksToMarkdown } from "./slack-syntax";
import { oneLine, TRUNCATION_MARKER, truncateBytes, truncateChars, utf8Length } from "./text";
import { formatUtc } from "./time";
import type { Notification } from "./types";

/**
 * The provider-neutral text of a notification that every webhook renderer starts from, and the
 * fitting of text parts into a byte budget with a visible "… (truncated)".
 */

/** One piece of the text rendering; `essential` parts are always kept (each is short). */
export interface TextPart {
  text: string;
  essential?: boolean;
}

/**
 * The provider-neutral text rendering, in display order: title, status, body, fields, reason,
 * lists, details, resources, context, link. Values are raw; a provider escapes as its syntax needs.
 */
export function textParts(
  notification: Notification,
  markdown: { bold: (text: string) => string },
  shown: Presentation = presentationOf(notification),
): TextPart[] {
  const { bold } = markdown;
  const parts: TextPart[] = [];
  // Shortcodes only where a publisher writes free text; field values and JSON are left alone.
  parts.push({ text: bold(shortcodesToEmoji(shown.header)), essential: true });
  parts.push({ text: joinStatus(shown.status), essential: true });
  if (notification.summary !== undefined && notification.summary !== notification.title) {
    parts.push({ text: `_${shortcodesToEmoji(oneLine(truncateChars(notification.summary, 500)))}_` });
  }
  const { description } = notification;
  if (description !== undefined) {
    parts.push({
      text:
        description.format === "markdown"
          ? shortcodesToEmoji(slackLinksToMarkdown(description.text))
          : description.text,
    });
  }
  for (const note of notification.notes) parts.push({ text: `⚠️ ${note}` });
  if (notification.fields.length > 0) {
    parts.push({
      text: notification.fields
        .map((field) => `${bold(`${oneLine(field.label)}:`)} ${truncateChars(field.value, 600)}`)
        .join("\n"),
    });
  }
  const { reason } = shown;
  if (reason !== undefined) parts.push({ text: `${bold("Reason:")} ${reason}` });
  for (const list of notification.lists) {
    if (list.items.length === 0) continue;
    const items =
      list.format === "markdown"
        ? list.items.map((item) => shortcodesToEmoji(slackLinksToMarkdown(item)))
        : list.items;
    parts.push({ text: `${bold(`${list.title}:`)}\n${listItems(items, list.more).join("\n")}` });
  }
  if (notification.details !== undefined && notification.details !== "") {
    parts.push({ text: `\`\`\`\n${notification.details}\n\`\`\`` });
  }
  const resources = joinResources(shown.resources);
  if (resources !== undefined) parts.push({ text: `${bold("Resources:")}\n${resources}` });
  if (notification.keywords.length > 0) parts.push({ text: keywordLine(notification) });
  const context = contextLine(notification);
  if (context !== undefined) parts.push({ text: context, essential: true });
  for (const link of shown.links.filter(fitsWebhook)) {
    // The console link always fits; a message's own links give way to the budget like the body.
    parts.push({ text: `${link.label}: ${link.url}`, essential: link.console });
  }
  return parts;
}

/** The header line, as Slack shows it: severity emoji, state, resource, qualifier. */
export const headline = headerLine;

/** `OK → ALARM · High severity · CloudWatch alarm`. */
export function statusLine(notification: Notification): string {
  return joinStatus(statusParts(notification));
}

function joinStatus({ transition, parts }: Presentation["status"]): string {
  return (transition === undefined ? parts : [transition, ...parts]).join(" · ");
}

/** `- item` lines, each capped, with `- +N more` when the list was cut. */
export function listItems(items: string[], more: number | undefined): string[] {
  const lines = items.map((item) => `- ${truncateChars(item, 400)}`);
  if (more !== undefined && more > 0) lines.push(`- +${more} more`);
  return lines;
}

/** Resources not mentioned elsewhere, as `- arn` lines; undefined when there are none. */
export function resourceLines(notification: Notification): string | undefined {
  return joinResources(unmentionedResources(notification, RESOURCES_SHOWN));
}

function joinResources(resources: Presentation["resources"]): string | undefined {
  if (resources.items.length === 0) return undefined;
  const more = resources.more > 0 ? `\n- +${resources.more} more` : "";
  return `${resources.items.map((r) => `- ${r}`).join("\n")}${more}`;
}

export function keywordLine(notification: Notification): string {
  const keywords = notification.keywords.slice(0, 20).map((k) => shortcodesToEmoji(slackLinksToMarkdown(k)));
  return `Keywords: ${keywords.join(", ")}`;
}

/** `Account 123456789012 · us-east-1 · 2026-03-04 17:43 UTC`; undefined when nothing is known. */
export function contextLine(notification: Notification): string | undefined {
  const context = [
    notification.account === undefined ? undefined : `Account ${truncateChars(notification.account, 64)}`,
    notification.region === undefined ? undefined : truncateChars(notification.region, 32),
    notification.timestamp === undefined ? undefined : formatUtc(notification.timestamp),
  ].filter((p) => p !== undefined);
  return context.length > 0 ? context.join(" · ") : undefined;
}

/** The link buttons, minus any so long that it would have to be cut (a cut URL is a broken link). */
export function webhookLinks(notification: Notification): ReturnType<typeof linkButtons> {
  return linkButtons(notification).filter(fitsWebhook);
}

const fitsWebhook = (link: { url: string }): boolean => link.url.length <= 1500;

/** Nothing past the budget can be shown; cutting first keeps a 256 KB message cheap. */
export function preCut(parts: TextPart[], maxBytes: number): TextPart[] {
  return parts.map((part) =>
    part.text.length > maxBytes ? { ...part, text: part.text.slice(0, maxBytes) } : part,
  );
}

const SEPARATOR = "\n\n";
const ESSENTIAL_PART_BYTES = 600;

/**
 * Joins parts within `maxBytes`: essential parts first (each capped), the rest in order while they
 * fit; the first that does not fit is cut with the marker and later ones are left out.
 */
export function fitParts(parts: TextPart[], maxBytes: number): string {
  const essentialCap = Math.min(ESSENTIAL_PART_BYTES, Math.floor(maxBytes / 6));
  const sized = parts.map((part) => {
    const text = part.essential === true ? truncateBytes(part.text, essentialCap) : part.text;
    return { ...part, text, bytes: utf8Length(text) };
  });
  const separatorBytes = utf8Length(SEPARATOR);
  let budget = maxBytes;
  for (const part of sized) if (part.essential === true) budget -= part.bytes + separatorBytes;
  const kept: string[] = [];
  let cut = false;
  for (const part of sized) {
    if (part.essential === true) {
      kept.push(part.text);
      continue;
    }
    if (cut) continue;
    if (part.bytes + separatorBytes <= budget) {
      kept.push(part.text);
      budget -= part.bytes + separatorBytes;
      continue;
    }
    cut = true;
    const room = budget - separatorBytes;
    if (room > 100) kept.push(closeFence(truncateBytes(part.text, room - 4)));
    else if (budget >= utf8Length(TRUNCATION_MARKER) + separatorBytes) kept.push(TRUNCATION_MARKER);
  }
  return kept.join(SEPARATOR);
}

/** A code block cut in the middle must still be closed, or the rest of the message turns to code. */
function closeFence(text: string): string {
  return (text.split("```").length - 1) % 2 === 1 ? `${text}\n\`\`\`` : text;
}
