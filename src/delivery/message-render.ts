/** A stored SNS message rendered again, exactly as `chatbot render` would (notifications/). */
import {
  formatNotification,
  type Notification,
  renderSlackMessage,
  type SlackMessage,
} from "../notifications";
import type { LoadedDelivery } from "../outbox/leases";

export type MessageRow = LoadedDelivery["message"];

export function notificationOf(message: MessageRow): Notification {
  return formatNotification({
    Type: "Notification",
    MessageId: message.snsMessageId,
    TopicArn: message.topicArn,
    Subject: message.subject ?? undefined,
    Message: message.body,
    Timestamp: message.snsTimestamp,
  });
}

export function slackMessageOf(message: MessageRow): SlackMessage {
  return renderSlackMessage(notificationOf(message));
}
