/** Public surface of webhooks/: what the delivery worker, the CLI and App Home use. */
export {
  CLI_TEAM_ID,
  type CreatedWebhookConfiguration,
  createWebhookConfiguration,
  disableWebhookConfiguration,
  type NewWebhookConfiguration,
  type ReleasedTopic,
  type RemovedWebhookConfiguration,
  removeWebhookConfiguration,
  type WebhookConfigurationDeps,
} from "./webhook-configurations";
export { parseWebhookDescription, parseWebhookRoleArn, webhookRoleNameProblem } from "./webhook-fields";
export {
  classifyWebhookAnswer,
  DEFAULT_WEBHOOK_TIMEOUT_MS,
  postWebhook,
  retryAfterMs,
  type WebhookPostOptions,
  type WebhookPostOutcome,
} from "./webhook-poster";
export { PROVIDER_LABELS } from "./webhook-providers";
export {
  findWebhookConfiguration,
  type LoadedWebhookTarget,
  listWebhookConfigurations,
  loadWebhookTarget,
  type WebhookConfigurationView,
  type WebhookTopicView,
  webhookUrlContext,
} from "./webhook-queries";
export { WebhookRateLimiter } from "./webhook-rate-limiter";
export {
  type WebhookDelivery,
  WebhookSender,
  type WebhookSenderOptions,
  type WebhookTarget,
} from "./webhook-sender";
export { parseWebhookUrl, redactWebhookUrl, type WebhookUrl, type WebhookUrlOptions } from "./webhook-url";
