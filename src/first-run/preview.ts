/**
 * The setup page's preview: text said to be an SNS message body → what Slack and a webhook room
 * would get, through the same renderers as delivery and `chatbot render`.
 */
import { isChatbotError } from "../errors";
import { parseEnvelope, renderNotification } from "../notifications";
import { blockKitBuilderUrl, slackMessageHtml, unescapeSlack } from "./block-kit-html";
import type { SafeHtml } from "./html";

/** SNS's own limit for one message; a paste above it is not something SNS could deliver. */
export const MAX_PREVIEW_BYTES = 256 * 1024;

export type Preview =
  | { ok: true; fallbackText: string; slackHtml: SafeHtml; blockKitBuilderUrl: string; webhookText: string }
  | { ok: false; error: string };

export function previewOf(text: string): Preview {
  if (text.trim() === "") return { ok: false, error: "Paste an SNS message body (JSON) or pick a sample." };
  if (Buffer.byteLength(text, "utf8") > MAX_PREVIEW_BYTES) {
    return { ok: false, error: "This is larger than 256 KiB, the most Amazon SNS sends in one message." };
  }
  try {
    const rendered = renderNotification(parseEnvelope(text));
    return {
      ok: true,
      // `text` is mrkdwn, escaped as Slack wants; the page escapes for HTML itself.
      fallbackText: unescapeSlack(rendered.slack.text),
      slackHtml: slackMessageHtml(rendered.slack),
      blockKitBuilderUrl: blockKitBuilderUrl(rendered.slack),
      webhookText: rendered.webhook.Content,
    };
  } catch (error) {
    if (isChatbotError(error)) return { ok: false, error: error.message };
    throw error;
  }
}
