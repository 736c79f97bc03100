import {
  CONSOLE_BUTTON_LABEL,
  SEVERITY_LABEL,
  SEVERITY_UNICODE,
  titleLine,
  unmentionedResources,
} from "./presentation";
import { oneLine, TRUNCATION_MARKER, truncateBytes, truncateChars, utf8Length } from "./text";
import { formatUtc } from "./time";
import type { Notification } from "./types";

/**
 * Notification → incoming-webhook payloads. Only Amazon Chime exists today (PROTOCOLS §3); each
 * provider is one entry in WEBHOOK_RENDERERS, so Slack incoming webhooks, Teams or Mattermost can be
 * added without touching the others. All providers start from the same ordered text parts.
 */

export interface ChimeWebhookPayload {
  /** Markdown (the `/md ` prefix switches it on), at most CHIME_MAX_CONTENT_BYTES of UTF-8. */
  Content: string;
}

/** Payload type per provider; add an entry here and in WEBHOOK_RENDERERS for a new one. */
export interface WebhookPayloads {
  chime: ChimeWebhookPayload;
}

export type WebhookProvider = keyof WebhookPayloads;

export const CHIME_MAX_CONTENT_BYTES = 4096;

const WEBHOOK_RENDERERS: { [P in WebhookProvider]: (notification: Notification) => WebhookPayloads[P] } = {
  chime: renderChimeWebhook,
};

export function renderWebhookMessage(notification: Notification): ChimeWebhookPayload;
export function renderWebhookMessage<P extends WebhookProvider>(
  notification: Notification,
  provider: P,
): WebhookPayloads[P];
export function renderWebhookMessage(
  notification: Notification,
  provider: WebhookProvider = "chime",
): WebhookPayloads[WebhookProvider] {
  return WEBHOOK_RENDERERS[provider](notification);
}

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
): TextPart[] {
  const { bold } = markdown;
  const parts: TextPart[] = [];
  const emoji = SEVERITY_UNICODE[notification.severity];
  parts.push({
    text: bold(`${emoji} ${truncateChars(oneLine(titleLine(notification)), 200)}`),
    essential: true,
  });
  const status = [
    notification.state === undefined
      ? undefined
      : `${truncateChars(oneLine(notification.state), 100)}${
          notification.previousState !== undefined && notification.previousState !== notification.state
            ? ` (was ${truncateChars(oneLine(notification.previousState), 60)})`
            : ""
        }`,
    `${SEVERITY_LABEL[notification.severity]} severity`,
    truncateChars(notification.sourceLabel, 100),
  ].filter((p) => p !== undefined);
  parts.push({ text: status.join(" · "), essential: true });
  if (notification.summary !== undefined && notification.summary !== notification.title) {
    parts.push({ text: `_${oneLine(truncateChars(notification.summary, 500))}_` });
  }
  if (notification.description !== undefined) parts.push({ text: notification.description.text });
  for (const note of notification.notes) parts.push({ text: `⚠️ ${note}` });
  if (notification.fields.length > 0) {
    parts.push({
      text: notification.fields
        .map((field) => `${bold(`${oneLine(field.label)}:`)} ${truncateChars(field.value, 600)}`)
        .join("\n"),
    });
  }
  if (notification.reason !== undefined) parts.push({ text: `${bold("Reason:")} ${notification.reason}` });
  for (const list of notification.lists) {
    if (list.items.length === 0) continue;
    const items = list.items.map((item) => `- ${truncateChars(item, 400)}`);
    if (list.more !== undefined && list.more > 0) items.push(`- +${list.more} more`);
    parts.push({ text: `${bold(`${list.title}:`)}\n${items.join("\n")}` });
  }
  if (notification.details !== undefined && notification.details !== "") {
    parts.push({ text: `\`\`\`\n${notification.details}\n\`\`\`` });
  }
  const resources = unmentionedResources(notification, 5);
  if (resources.items.length > 0) {
    const more = resources.more > 0 ? `\n- +${resources.more} more` : "";
    parts.push({ text: `${bold("Resources:")}\n${resources.items.map((r) => `- ${r}`).join("\n")}${more}` });
  }
  if (notification.keywords.length > 0) {
    parts.push({ text: `Keywords: ${notification.keywords.slice(0, 20).join(", ")}` });
  }
  const context = [
    notification.account === undefined ? undefined : `Account ${truncateChars(notification.account, 64)}`,
    notification.region === undefined ? undefined : truncateChars(notification.region, 32),
    notification.timestamp === undefined ? undefined : formatUtc(notification.timestamp),
  ].filter((p) => p !== undefined);
  if (context.length > 0) parts.push({ text: context.join(" · "), essential: true });
  // A long console URL is dropped rather than cut: a cut URL is a broken link.
  if (notification.consoleUrl !== undefined && notification.consoleUrl.length <= 1500) {
    parts.push({ text: `${CONSOLE_BUTTON_LABEL}: ${notification.consoleUrl}`, essential: true });
  }
  return parts;
}

/**
 * Chime turns `@All` / `@Present` into room-wide mentions; a zero-width space after the `@` keeps
 * message text from paging a whole room.
 */
export function neutralizeChimeMentions(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(/@(all|present)\b/gi, "@\u200b$1");
}

const CHIME_PREFIX = "/md ";

export function renderChimeWebhook(notification: Notification): ChimeWebhookPayload {
  const parts = textParts(notification, { bold: (text) => `**${text}**` }).map((part) => ({
    ...part,
    // Nothing past 4 KB can be shown; cutting first keeps a 256 KB message cheap.
    text: neutralizeChimeMentions(
      part.text.length > CHIME_MAX_CONTENT_BYTES ? part.text.slice(0, CHIME_MAX_CONTENT_BYTES) : part.text,
    ),
  }));
  return { Content: CHIME_PREFIX + fitParts(parts, CHIME_MAX_CONTENT_BYTES - utf8Length(CHIME_PREFIX)) };
}

const SEPARATOR = "\n\n";
const ESSENTIAL_PART_BYTES = 600;

/**
 * Joins parts within `maxBytes`: essential parts first (each capped), the rest in order while they
 * fit; the first that does not fit is cut with the marker and later ones are left out.
 */
function fitParts(parts: TextPart[], maxBytes: number): string {
  const sized = parts.map((part) => {
    const text = part.essential === true ? truncateBytes(part.text, ESSENTIAL_PART_BYTES) : part.text;
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
