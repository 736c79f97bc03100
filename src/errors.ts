/**
 * The one error vocabulary of the app: every error we raise on purpose is a ChatbotError with a
 * stable `code`. User-facing text (`message`) says what was wrong and what to do instead.
 */
export enum ErrorCode {
  ConfigInvalid = "config_invalid",
  EncryptionFailed = "encryption_failed",
  DatabaseUnavailable = "database_unavailable",
  MigrationFailed = "migration_failed",
  InstallationNotFound = "installation_not_found",
  SnsBodyMalformed = "sns_body_malformed",
  SnsBodyTooLarge = "sns_body_too_large",
  SnsRawDelivery = "sns_raw_delivery",
  SnsSignatureInvalid = "sns_signature_invalid",
  SnsCertificateUrlRejected = "sns_certificate_url_rejected",
  SnsCertificateFetchFailed = "sns_certificate_fetch_failed",
  SnsTopicNotWanted = "sns_topic_not_wanted",
  SnsApiFailed = "sns_api_failed",
  NotSnsMessage = "not_sns_message",
  InvalidArgument = "invalid_argument",
  NotFound = "not_found",
  Forbidden = "forbidden",
  Conflict = "conflict",
  SlackApiFailed = "slack_api_failed",
  WebhookFailed = "webhook_failed",
  /** A delivery step was stopped before it finished (shutdown); the delivery is released, not failed. */
  DeliveryAborted = "delivery_aborted",
}

export class ChatbotError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ChatbotError";
    this.code = code;
  }
}

export function isChatbotError(error: unknown, code?: ErrorCode): error is ChatbotError {
  return error instanceof ChatbotError && (code === undefined || error.code === code);
}
