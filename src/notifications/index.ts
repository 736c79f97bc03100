/** Public surface of notifications/: classify, format, render. Import from here, not from files. */
export {
  type AlarmKind,
  type Category,
  type Classification,
  classify,
  type EventBridgeEvent,
} from "./classify";
export { formatClassification, formatNotification } from "./format";
export { type RenderedNotification, renderNotification } from "./render";
export {
  CONSOLE_ACTION_ID,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from "./render-slack";
export {
  CHIME_MAX_CONTENT_BYTES,
  type ChimeWebhookPayload,
  renderWebhookMessage,
  type WebhookPayloads,
  type WebhookProvider,
} from "./render-webhook";
export type {
  AlarmChartSpec,
  ChartMetric,
  Notification,
  NotificationField,
  NotificationList,
  Partition,
  ServiceId,
  Severity,
  SnsNotificationEnvelope,
} from "./types";
export { SEVERITIES } from "./types";
