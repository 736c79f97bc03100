/**
 * Delivers one Notification to one webhook configuration: render for its provider, wait for the
 * webhook's turn (1 request/s), post, and on 413 render again under half the budget and post once
 * more. Returns the outcome for the delivery worker to act on (retry later, disable, dead-letter);
 * it never retries 429 / 5xx itself, so one slow webhook never holds a worker. Logs name the
 * configuration id, never the URL.
 */
import type { Logger } from "../logger";
import {
  type Notification,
  renderWebhookMessage,
  WEBHOOK_MAX_BYTES,
  type WebhookProvider,
} from "../notifications";
import { postWebhook, type WebhookPostOutcome } from "./webhook-poster";
import { WebhookRateLimiter } from "./webhook-rate-limiter";

/** Where a webhook configuration posts: what `loadWebhookTarget` returns. */
export interface WebhookTarget {
  configurationId: string;
  /** The decrypted URL. Keep it out of logs and errors. */
  url: string;
  provider: WebhookProvider;
}

export type WebhookDelivery = WebhookPostOutcome & {
  /** HTTP posts made (2 after a 413). */
  attempts: number;
  /** True when the message went out (or was tried) under the smaller budget after a 413. */
  shortened: boolean;
};

export interface WebhookSenderOptions {
  logger: Logger;
  /** Shared by every sender of the process; default a fresh 1 request/s limiter. */
  limiter?: WebhookRateLimiter;
  /** Per post. Default 10 000 ms. */
  timeoutMs?: number;
}

export class WebhookSender {
  readonly limiter: WebhookRateLimiter;
  readonly #logger: Logger;
  readonly #timeoutMs: number | undefined;

  constructor(options: WebhookSenderOptions) {
    this.limiter = options.limiter ?? new WebhookRateLimiter();
    this.#logger = options.logger.child({ component: "webhook-sender" });
    this.#timeoutMs = options.timeoutMs;
  }

  async send(
    target: WebhookTarget,
    notification: Notification,
    signal?: AbortSignal,
  ): Promise<WebhookDelivery> {
    const first = await this.#post(target, renderWebhookMessage(notification, target.provider), signal);
    if (first.kind !== "too_large") return { ...first, attempts: 1, shortened: false };
    const maxBytes = Math.floor(WEBHOOK_MAX_BYTES[target.provider] / 2);
    const second = await this.#post(
      target,
      renderWebhookMessage(notification, target.provider, { maxBytes }),
      signal,
    );
    return { ...second, attempts: 2, shortened: true };
  }

  async #post(target: WebhookTarget, payload: unknown, signal?: AbortSignal): Promise<WebhookPostOutcome> {
    await this.limiter.acquire(target.configurationId, signal);
    const started = Date.now();
    const outcome = await postWebhook(target.url, payload, { timeoutMs: this.#timeoutMs, signal });
    if (outcome.kind === "rate_limited") this.limiter.pause(target.configurationId, outcome.retryAfterMs);
    const entry = {
      configurationId: target.configurationId,
      provider: target.provider,
      kind: outcome.kind,
      status: outcome.status,
      ms: Date.now() - started,
    };
    if (outcome.kind === "ok") this.#logger.debug(entry, "webhook post delivered");
    else this.#logger.warn({ ...entry, reason: outcome.reason }, "webhook post failed");
    return outcome;
  }
}
