import { arnResourceName, parseArn } from "./aws";
import { isSafeLinkUrl } from "./link-url";
import { cutAtWord, oneLine, safeSlice } from "./text";
import type { Notification, Severity } from "./types";

/** Words and symbols both renderers use, so Slack and webhook rooms read the same. */

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
  ok: "OK",
};

/** Slack emoji short names; webhooks get the Unicode characters below. */
export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ":rotating_light:",
  high: ":red_circle:",
  medium: ":large_orange_circle:",
  low: ":large_yellow_circle:",
  info: ":large_blue_circle:",
  ok: ":large_green_circle:",
};

export const SEVERITY_UNICODE: Record<Severity, string> = {
  critical: "🚨",
  high: "🔴",
  medium: "🟠",
  low: "🟡",
  info: "🔵",
  ok: "🟢",
};

export const CONSOLE_BUTTON_LABEL = "View in AWS console";

/** The most buttons a message shows: the console link and up to four links the message carried. */
export const MAX_LINK_BUTTONS = 5;

export { isSafeLinkUrl } from "./link-url";

/** The console link first, then the message's own links that pass the check, without repeats. */
export function linkButtons(notification: Notification): { label: string; url: string; console: boolean }[] {
  const out: { label: string; url: string; console: boolean }[] = [];
  if (isSafeLinkUrl(notification.consoleUrl))
    out.push({ label: CONSOLE_BUTTON_LABEL, url: notification.consoleUrl, console: true });
  for (const link of notification.links ?? []) {
    if (out.length >= MAX_LINK_BUTTONS) break;
    if (!isSafeLinkUrl(link.url) || out.some((b) => b.url === link.url)) continue;
    out.push({ label: cutAtWord(oneLine(link.label), 70) || "Open link", url: link.url, console: false });
  }
  return out;
}

const OWN_EMOJI = /^(:[a-z0-9_+-]{1,40}:|\p{Extended_Pictographic})/u;

/** Headers are read on a phone lock screen: one line, well inside Slack's 150. */
export const HEADER_MAX_CHARS = 100;

/** State first, then the title: `ALARM · web-fleet-cpu-high`; "Build x FAILED" stays as it is. */
export function titleLine(notification: Notification): string {
  const { state } = notification;
  // A header shows 100 characters; a 20 KB title need not be reflowed for them.
  const title = oneLine(safeSlice(notification.title, 400));
  if (state === undefined || saysState(title, state)) return title;
  const shown = oneLine(state);
  // Lower-case states (`open`, `ongoing`) lead a header capitalised.
  const lead = shown === shown.toLowerCase() ? shown.charAt(0).toUpperCase() + shown.slice(1) : shown;
  return title === "" ? lead : `${lead} · ${title}`;
}

/** Whether `title` has `state` as a word of its own (`inj-alarm` does not say ALARM). */
function saysState(title: string, state: string): boolean {
  const word = state.trim().toLowerCase();
  if (word === "") return true;
  const text = title.toLowerCase();
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text.charAt(at - 1);
    const after = text.charAt(at + word.length);
    if (!/[\w-]/.test(before) && !/[\w-]/.test(after)) return true;
  }
  return false;
}

/**
 * The one-line header every rendering starts with, and the Slack push preview: the severity emoji
 * when the severity is known, the state, the resource and a short qualifier, cut at a word.
 */
export function headerLine(notification: Notification): string {
  const line = titleLine(notification) || "Notification";
  // A title that opens with its publisher's own emoji (`:rotating_light: Payments…`) gets no second one.
  const emoji =
    notification.severity === undefined || OWN_EMOJI.test(line)
      ? ""
      : `${SEVERITY_UNICODE[notification.severity]} `;
  return `${emoji}${cutAtWord(line, HEADER_MAX_CHARS - emoji.length)}`;
}

/**
 * What the line under the header adds: the transition (`OK → ALARM`, the header has the state),
 * the severity when known, and the source. Returned as parts for each renderer to join and style.
 */
export function statusParts(notification: Notification): { transition?: string; parts: string[] } {
  const { state, previousState, severity } = notification;
  const transition =
    state !== undefined && previousState !== undefined && previousState !== state
      ? `${cutAtWord(oneLine(previousState), 60)} → ${cutAtWord(oneLine(state), 100)}`
      : undefined;
  const parts: string[] = [];
  if (severity !== undefined) parts.push(`${SEVERITY_LABEL[severity]} severity`);
  parts.push(cutAtWord(oneLine(notification.sourceLabel), 100));
  return { transition, parts };
}

/**
 * Resources not already visible in the title, fields, reason or lists: the ones worth listing. The
 * message's own resource (its thread key, or an ARN whose name the title already says) is not.
 */
export function unmentionedResources(
  notification: Notification,
  limit: number,
): { items: string[]; more: number } {
  if (notification.resources.length === 0) return { items: [], more: 0 };
  // Joined only when a resource is not the message's own (an alarm's ARN usually is).
  let haystack: string | undefined;
  const shownElsewhere = (resource: string): boolean => {
    haystack ??= [
      notification.title,
      notification.reason ?? "",
      ...notification.fields.map((field) => field.value),
      ...notification.lists.flatMap((list) => list.items),
    ].join("\n");
    return haystack.includes(resource);
  };
  const missing = notification.resources.filter((resource) => {
    if (resource === notification.threadKey || shownElsewhere(resource)) return false;
    // `stack/orders-service-prod/91d4…` is the stack the title names; `analyzer/x` the Analyzer field.
    const arn = parseArn(resource);
    if (arn === undefined) return true;
    const name = arnResourceName(resource);
    if (name !== undefined && name.length >= 4 && notification.fields.some((f) => f.value.includes(name))) {
      return false;
    }
    return !arn.resource.split(/[/:]/).some((part) => part.length >= 4 && notification.title.includes(part));
  });
  return { items: missing.slice(0, limit), more: Math.max(0, missing.length - limit) };
}

/**
 * The reason, unless the header or the description already says it word for word: the same
 * sentence two or three times is noise on a phone.
 */
export function shownReason(
  notification: Notification,
  header: string = headerLine(notification),
): string | undefined {
  const { reason } = notification;
  if (reason === undefined) return undefined;
  const text = oneLine(reason);
  if (text === "") return undefined;
  // The header as shown: a reason cut off there must still be shown in full.
  if (header.includes(text)) return undefined;
  if (notification.description !== undefined && oneLine(notification.description.text) === text)
    return undefined;
  return reason;
}

/** The resources a rendering lists before "+N more". */
export const RESOURCES_SHOWN = 5;

/** What every renderer shows of a notification besides its own text: worked out once per notification. */
export interface Presentation {
  header: string;
  status: { transition?: string; parts: string[] };
  reason: string | undefined;
  resources: { items: string[]; more: number };
  links: { label: string; url: string; console: boolean }[];
}

/**
 * The header, status, reason, resources and links of a notification. A caller that renders one
 * notification several ways (Slack and a webhook) passes the same Presentation to each renderer;
 * renderers treat it as read-only.
 */
export function presentationOf(notification: Notification): Presentation {
  const header = headerLine(notification);
  return {
    header,
    status: statusParts(notification),
    reason: shownReason(notification, header),
    resources: unmentionedResources(notification, RESOURCES_SHOWN),
    links: linkButtons(notification),
  };
}
