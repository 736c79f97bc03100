import { escapeMrkdwn } from "./mrkdwn";
import { type Presentation, presentationOf } from "./presentation";
import { renderSlackMessage, type SlackMessage } from "./render-slack";
import {
  renderTeamsWebhook,
  TEAMS_MAX_PAYLOAD_BYTES,
  type TeamsWebhookPayload,
} from "./render-webhook-teams";
import { utf8Length } from "./text";
import type { Notification } from "./types";
import { fitParts, preCut, textParts } from "./webhook-text";

/**
 * Notification → incoming-webhook payloads, one entry per provider in WEBHOOK_RENDERERS:
 * - `chime`: Amazon Chime `{"Content": "/md …"}`, ≤ 4096 bytes of Content (PROTOCOLS §3);
 * - `slack-incoming`: a Slack incoming webhook, `{text, blocks}` as chat.postMessage gets them;
 * - `teams`: a Microsoft Teams Workflows / connector message carrying one Adaptive Card 1.4, ≤ 28 KB;
 * - `mattermost`: Mattermost and Rocket.Chat (Slack-compatible) `{text}` in Markdown, ≤ 4000 characters
 *   (Rocket.Chat's default Message_MaxAllowedSize is 5000, Mattermost's post limit 16383).
 * All providers start from the same ordered text parts, and every cut shows "… (truncated)".
 */

export interface ChimeWebhookPayload {
  /** Markdown (the `/md ` prefix switches it on), at most CHIME_MAX_CONTENT_BYTES of UTF-8. */
  Content: string;
}

/** Slack incoming webhooks take what chat.postMessage takes, minus the channel. */
export type SlackIncomingWebhookPayload = SlackMessage | { text: string };

export interface MattermostWebhookPayload {
  /** Markdown, at most MATTERMOST_MAX_TEXT_BYTES of UTF-8 (so at most as many characters). */
  text: string;
}

export type { TeamsWebhookPayload } from "./render-webhook-teams";
export { type TextPart, textParts } from "./webhook-text";

/** Payload type per provider; add an entry here and in WEBHOOK_RENDERERS for a new one. */
export interface WebhookPayloads {
  chime: ChimeWebhookPayload;
  "slack-incoming": SlackIncomingWebhookPayload;
  teams: TeamsWebhookPayload;
  mattermost: MattermostWebhookPayload;
}

export type WebhookProvider = keyof WebhookPayloads;

export const WEBHOOK_PROVIDERS: readonly WebhookProvider[] = [
  "chime",
  "slack-incoming",
  "teams",
  "mattermost",
];

export function isWebhookProvider(value: string): value is WebhookProvider {
  return (WEBHOOK_PROVIDERS as readonly string[]).includes(value);
}

export const CHIME_MAX_CONTENT_BYTES = 4096;
/** Far below Slack's 40 000-character `text` limit; the blocks stay within Slack's own limits. */
export const SLACK_INCOMING_MAX_PAYLOAD_BYTES = 40_000;
export const MATTERMOST_MAX_TEXT_BYTES = 4000;

/**
 * The default size budget of each provider, in the unit that provider limits: Chime the Content's
 * bytes, Mattermost the text's bytes, Slack and Teams the whole JSON body's bytes.
 */
export const WEBHOOK_MAX_BYTES: Readonly<Record<WebhookProvider, number>> = {
  chime: CHIME_MAX_CONTENT_BYTES,
  "slack-incoming": SLACK_INCOMING_MAX_PAYLOAD_BYTES,
  teams: TEAMS_MAX_PAYLOAD_BYTES,
  mattermost: MATTERMOST_MAX_TEXT_BYTES,
};

/** The smallest budget a renderer is given: room for the title, status, context and link. */
const WEBHOOK_MIN_BYTES: Readonly<Record<WebhookProvider, number>> = {
  chime: 512,
  "slack-incoming": 512,
  // The card's JSON skeleton and two capped TextBlocks alone take a couple of KB.
  teams: 4096,
  mattermost: 512,
};

export interface WebhookRenderOptions {
  /**
   * A smaller budget than WEBHOOK_MAX_BYTES[provider] (same unit), e.g. after the service answered
   * 413; larger values are capped at the default, smaller ones raised to a per-provider floor.
   */
  maxBytes?: number;
  /** The notification's presentation when the caller already worked it out (renderNotification). */
  shown?: Presentation;
}

type Renderer<P extends WebhookProvider> = (
  notification: Notification,
  maxBytes: number,
  shown?: Presentation,
) => WebhookPayloads[P];

const WEBHOOK_RENDERERS: { [P in WebhookProvider]: Renderer<P> } = {
  chime: renderChimeWebhook,
  "slack-incoming": renderSlackIncomingWebhook,
  teams: renderTeamsWebhook,
  mattermost: renderMattermostWebhook,
};

export function renderWebhookMessage(notification: Notification): ChimeWebhookPayload;
export function renderWebhookMessage<P extends WebhookProvider>(
  notification: Notification,
  provider: P,
  options?: WebhookRenderOptions,
): WebhookPayloads[P];
export function renderWebhookMessage(
  notification: Notification,
  provider: WebhookProvider = "chime",
  options: WebhookRenderOptions = {},
): WebhookPayloads[WebhookProvider] {
  const limit = WEBHOOK_MAX_BYTES[provider];
  const maxBytes = Math.max(
    WEBHOOK_MIN_BYTES[provider],
    Math.min(limit, Math.floor(options.maxBytes ?? limit)),
  );
  const render = WEBHOOK_RENDERERS[provider] as Renderer<WebhookProvider>;
  return render(notification, maxBytes, options.shown);
}

/**
 * Chime turns `@All` / `@Present` into room-wide mentions; a zero-width space after the `@` keeps
 * message text from paging a whole room.
 */
export function neutralizeChimeMentions(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(/@(all|present)\b/gi, "@\u200b$1");
}

/** Mattermost (`@all`, `@channel`, `@here`) and Rocket.Chat (`@all`, `@here`) room-wide mentions, defused. */
export function neutralizeMattermostMentions(text: string): string {
  if (!text.includes("@")) return text;
  return text.replace(/@(all|channel|here)\b/gi, "@\u200b$1");
}

const CHIME_PREFIX = "/md ";

export function renderChimeWebhook(
  notification: Notification,
  maxBytes: number = CHIME_MAX_CONTENT_BYTES,
  shown?: Presentation,
): ChimeWebhookPayload {
  const parts = preCut(textParts(notification, { bold: (text) => `**${text}**` }, shown), maxBytes).map(
    (part) => ({
      ...part,
      text: neutralizeChimeMentions(part.text),
    }),
  );
  return { Content: CHIME_PREFIX + fitParts(parts, maxBytes - utf8Length(CHIME_PREFIX)) };
}

export function renderMattermostWebhook(
  notification: Notification,
  maxBytes: number = MATTERMOST_MAX_TEXT_BYTES,
  shown?: Presentation,
): MattermostWebhookPayload {
  const parts = preCut(textParts(notification, { bold: (text) => `**${text}**` }, shown), maxBytes).map(
    (part) => ({
      ...part,
      text: neutralizeMattermostMentions(part.text),
    }),
  );
  return { text: fitParts(parts, maxBytes) };
}

/**
 * Block Kit when it fits the budget (it always does at the default: renderSlackMessage keeps within
 * Slack's limits); otherwise, e.g. after a 413, mrkdwn text alone.
 */
export function renderSlackIncomingWebhook(
  notification: Notification,
  maxBytes: number = SLACK_INCOMING_MAX_PAYLOAD_BYTES,
  shown: Presentation = presentationOf(notification),
): SlackIncomingWebhookPayload {
  const message = renderSlackMessage(notification, shown);
  if (utf8Length(JSON.stringify(message)) <= maxBytes) return message;
  const parts = preCut(textParts(notification, { bold: (text) => `*${text}*` }, shown), maxBytes).map(
    (part) => ({
      ...part,
      text: escapeMrkdwn(part.text),
    }),
  );
  // JSON escaping can grow text (quotes, newlines): keep a margin for it and the envelope.
  let budget = maxBytes - 16;
  for (;;) {
    const payload = { text: fitParts(parts, budget) };
    if (utf8Length(JSON.stringify(payload)) <= maxBytes || budget < 256) return payload;
    budget = Math.floor(budget * 0.9);
  }
}
