/**
 * Incoming-webhook rooms (Amazon Chime, Teams, Slack incoming webhooks, Mattermost…): the URL is
 * decrypted per post, the payload rendered for the provider and paced at 1 request/s per webhook
 * by webhooks/ (WebhookSender); its answer is translated into the worker's failure vocabulary:
 *
 * | webhook answered              | failure       | effect                                        |
 * |-------------------------------|---------------|-----------------------------------------------|
 * | 429                           | rate_limited  | retried after Retry-After, not an attempt      |
 * | 5xx, network error, timeout   | transient     | backoff, then dead letter                      |
 * | 404 / 403 / 410 (gone)        | channel       | configuration disabled (reason), held          |
 * | 413 twice, other 4xx, 3xx     | message       | dead letter                                    |
 * | URL does not decrypt          | channel       | configuration disabled (reason), held          |
 */
import type { PrismaClient } from "../../db/database";
import type { SecretBox } from "../../db/secret-box";
import { ErrorCode, isChatbotError } from "../../errors";
import type { Notification } from "../../notifications";
import { loadWebhookTarget, type WebhookSender } from "../../webhooks";
import type { DeliveryFailure } from "../slack-errors";

export type WebhookResult = { posted: true } | { posted: false; failure: DeliveryFailure };

const UNDECRYPTABLE =
  "the webhook URL does not decrypt (ENCRYPTION_KEY changed?); remove the configuration and add the webhook again";

export class WebhookDeliveryTarget {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      secrets: SecretBox;
      sender: Pick<WebhookSender, "send">;
    },
  ) {}

  /** Throws DeliveryAborted when `signal` aborts while waiting for the webhook's turn. */
  async post(
    configurationId: string,
    notification: Notification,
    signal: AbortSignal,
  ): Promise<WebhookResult> {
    let target: Awaited<ReturnType<typeof loadWebhookTarget>>;
    try {
      target = await loadWebhookTarget(this.deps.prisma, this.deps.secrets, configurationId);
    } catch (error) {
      if (!isChatbotError(error, ErrorCode.EncryptionFailed)) throw error;
      return {
        posted: false,
        failure: {
          kind: "channel",
          error: "webhook_url_undecryptable",
          state: "disabled",
          reason: UNDECRYPTABLE,
        },
      };
    }
    if (target === null) {
      return { posted: false, failure: { kind: "message", error: "not a webhook configuration" } };
    }
    const outcome = await this.deps.sender.send(target, notification, signal);
    switch (outcome.kind) {
      case "ok":
        return { posted: true };
      case "rate_limited":
        return {
          posted: false,
          failure: {
            kind: "rate_limited",
            error: "webhook_rate_limited",
            retryAfterMs: outcome.retryAfterMs,
          },
        };
      case "retryable":
        return {
          posted: false,
          failure: {
            kind: "transient",
            error: `webhook_${outcome.status ?? "unreachable"}: ${outcome.reason}`,
          },
        };
      case "gone":
        return {
          posted: false,
          failure: {
            kind: "channel",
            error: `webhook_${outcome.status}`,
            state: "disabled",
            reason: outcome.reason,
          },
        };
      case "too_large":
      case "rejected":
        return {
          posted: false,
          failure: { kind: "message", error: `webhook_${outcome.status}: ${outcome.reason}` },
        };
    }
  }
}
