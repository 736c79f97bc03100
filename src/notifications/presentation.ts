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

/** State and title, e.g. `ALARM: web-fleet-cpu-high`. */
export function titleLine(notification: Notification): string {
  const { state, title } = notification;
  // "Build x FAILED" needs no "FAILED:" in front.
  if (state === undefined || title.toLowerCase().includes(state.toLowerCase())) return title;
  return `${state}: ${title}`;
}

/** The push-notification text: a custom notification's own summary, else state and title. */
export function fallbackLine(notification: Notification): string {
  return notification.summary ?? titleLine(notification);
}

/** Resources not already visible in the title, fields, reason or lists: the ones worth listing. */
export function unmentionedResources(
  notification: Notification,
  limit: number,
): { items: string[]; more: number } {
  const haystack = [
    notification.title,
    notification.reason ?? "",
    ...notification.fields.map((field) => field.value),
    ...notification.lists.flatMap((list) => list.items),
  ].join("\n");
  const missing = notification.resources.filter((resource) => !haystack.includes(resource));
  return { items: missing.slice(0, limit), more: Math.max(0, missing.length - limit) };
}
