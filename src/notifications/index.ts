/** Public surface of notifications/: classify, format, render. Import from here, not from files. */
export {
  type AlarmKind,
  type Category,
  type Classification,
  classify,
  type EventBridgeEvent,
} from "./classify";
export { formatClassification, formatNotification } from "./format";
export { parseEnvelope } from "./parse-envelope";
export { type RenderedNotification, renderNotification } from "./render";
export {
  addDigestLine,
  DIGEST_EXPAND_ACTION_ID,
  type DigestLine,
  type DigestView,
  digestFits,
  digestLineOf,
  digestNotification,
  renderDigestSlack,
  renderDigestText,
  webhookDigestFits,
} from "./render-digest";
export {
  CONSOLE_ACTION_ID,
  LINK_ACTION_ID_PREFIX,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackMessage,
} from "./render-slack";
export {
  CHIME_MAX_CONTENT_BYTES,
  type ChimeWebhookPayload,
  isWebhookProvider,
  MATTERMOST_MAX_TEXT_BYTES,
  type MattermostWebhookPayload,
  renderWebhookMessage,
  SLACK_INCOMING_MAX_PAYLOAD_BYTES,
  type SlackIncomingWebhookPayload,
  type TeamsWebhookPayload,
  WEBHOOK_MAX_BYTES,
  WEBHOOK_PROVIDERS,
  type WebhookPayloads,
  type WebhookProvider,
  type WebhookRenderOptions,
} from "./render-webhook";
export { ADAPTIVE_CARD_CONTENT_TYPE, TEAMS_MAX_PAYLOAD_BYTES } from "./render-webhook-teams";
export type {
  AlarmChartSpec,
  ChartMetric,
  Notification,
  NotificationField,
  NotificationLink,
  NotificationList,
  Partition,
  ServiceId,
  Severity,
  SnsNotificationEnvelope,
} from "./types";
export { SEVERITIES } from "./types";
