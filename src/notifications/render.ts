import { classify } from "./classify";
import { formatClassification } from "./format";
import { presentationOf } from "./presentation";
import { renderSlackMessage, type SlackMessage } from "./render-slack";
import { type ChimeWebhookPayload, renderWebhookMessage } from "./render-webhook";
import type { SnsNotificationEnvelope } from "./types";

export interface RenderedNotification {
  slack: SlackMessage;
  webhook: ChimeWebhookPayload;
}

/** classify + format + both renderers: exactly what `chatbot render` prints. Never throws. */
export function renderNotification(envelope: SnsNotificationEnvelope): RenderedNotification {
  const notification = formatClassification(classify(envelope), envelope);
  const shown = presentationOf(notification);
  return {
    slack: renderSlackMessage(notification, shown),
    webhook: renderWebhookMessage(notification, "chime", { shown }),
  };
}
