/**
 * One POST of a JSON payload to an incoming-webhook URL, and what its answer means for the caller:
 * - `ok` — 2xx;
 * - `rate_limited` — 429: wait `retryAfterMs` (Retry-After when given, else at least 1 s) and retry;
 * - `too_large` — 413: render under a smaller budget and retry once;
 * - `gone` — 404 / 403 / 410: the webhook was deleted or regenerated (Chime answers 404 for a
 *   regenerated URL, 403 for an invalid one); disable the configuration with `reason`;
 * - `retryable` — 5xx, network errors, timeouts: back off and retry;
 * - `rejected` — any other 4xx and every 3xx (redirects are never followed: a webhook that redirects
 *   is not the webhook that was configured); permanent for this message.
 * The URL is never logged or put into a reason, and a quoted answer has the URL's path, query and
 * tokens redacted (an error page may echo them); answers are read up to a small cap.
 */
import http from "node:http";
import https from "node:https";
import { ChatbotError, ErrorCode } from "../errors";
import { redactWebhookSecrets } from "./webhook-url";

export type WebhookPostOutcome =
  | { kind: "ok"; status: number }
  | { kind: "rate_limited"; status: 429; retryAfterMs: number; reason: string }
  | { kind: "too_large"; status: 413; reason: string }
  | { kind: "gone"; status: number; reason: string }
  | { kind: "retryable"; status?: number; reason: string }
  | { kind: "rejected"; status: number; reason: string };

export interface WebhookPostOptions {
  /** Whole request, connect to last byte of the answer. Default 10 000 ms. */
  timeoutMs?: number;
  /** Bytes of the answer kept (the rest is discarded). Default 16 KiB. */
  maxResponseBytes?: number;
  signal?: AbortSignal;
  /** Clock for Retry-After dates. */
  now?: () => number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024;
export const MIN_RETRY_AFTER_MS = 1_000;
const MAX_RETRY_AFTER_MS = 15 * 60 * 1000;
const REASON_BODY_CHARS = 200;
const USER_AGENT = "aws-chatbot (self-hosted)";

/** Retry-After as seconds or an HTTP date; never below 1 s, never above 15 min. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number {
  let ms = MIN_RETRY_AFTER_MS;
  if (header !== undefined && header.trim() !== "") {
    const value = header.trim();
    if (/^\d+(\.\d+)?$/.test(value)) ms = Number(value) * 1000;
    else {
      const at = Date.parse(value);
      if (!Number.isNaN(at)) ms = at - now;
    }
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(MIN_RETRY_AFTER_MS, Math.ceil(ms)));
}

function bodyHint(body: string, webhookUrl: string | undefined): string {
  // An answer may echo the URL it was posted to, or its path or token: never let one into a reason.
  const echoed = webhookUrl === undefined ? body : redactWebhookSecrets(body, webhookUrl);
  const text = echoed
    .replace(/https?:\/\/\S+/gi, "[url]")
    .replace(/\s+/g, " ")
    .trim();
  if (text === "") return "";
  return `: ${text.length > REASON_BODY_CHARS ? `${text.slice(0, REASON_BODY_CHARS)}…` : text}`;
}

/**
 * The outcome of an HTTP answer. `webhookUrl` (the URL posted to) is redacted from the quoted body
 * before the body is cut short, so no prefix of a secret survives either.
 */
export function classifyWebhookAnswer(
  status: number,
  headers: { retryAfter?: string; location?: string },
  body: string,
  now: number = Date.now(),
  webhookUrl?: string,
): WebhookPostOutcome {
  if (status >= 200 && status < 300) return { kind: "ok", status };
  const hint = bodyHint(body, webhookUrl);
  if (status === 429) {
    const wait = retryAfterMs(headers.retryAfter, now);
    return {
      kind: "rate_limited",
      status,
      retryAfterMs: wait,
      reason: `throttled (429); retry in ${wait} ms`,
    };
  }
  if (status === 413) return { kind: "too_large", status, reason: `the message is too large (413)${hint}` };
  if (status === 403 || status === 404 || status === 410) {
    return {
      kind: "gone",
      status,
      reason: `the webhook answered ${status}: it was deleted, regenerated or is invalid; add it again with its new URL`,
    };
  }
  if (status >= 500)
    return { kind: "retryable", status, reason: `the chat service answered ${status}${hint}` };
  if (status >= 300 && status < 400) {
    return {
      kind: "rejected",
      status,
      reason: `the webhook answered ${status} (a redirect${headers.location ? " elsewhere" : ""}); redirects are not followed`,
    };
  }
  return { kind: "rejected", status, reason: `the webhook refused the message (${status})${hint}` };
}

/** POSTs `payload` (JSON-encoded unless already a string) and classifies the answer. Never throws for HTTP or network failures. */
export function postWebhook(
  url: string,
  payload: unknown,
  options: WebhookPostOptions = {},
): Promise<WebhookPostOutcome> {
  const body = Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload), "utf8");
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const now = options.now ?? Date.now;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new ChatbotError(ErrorCode.InvalidArgument, "the stored webhook URL is not a URL"));
  }
  const transport = target.protocol === "https:" ? https : target.protocol === "http:" ? http : undefined;
  if (transport === undefined) {
    return Promise.reject(new ChatbotError(ErrorCode.InvalidArgument, "webhook URLs must be http(s)"));
  }
  return new Promise<WebhookPostOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: WebhookPostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const request = transport.request(target, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "content-length": body.length,
        "user-agent": USER_AGENT,
        accept: "*/*",
      },
      // A fresh connection per post: webhooks are rare and per-host limits are the service's.
      agent: false,
    });
    const timer = setTimeout(() => {
      finish({ kind: "retryable", reason: `no answer within ${timeoutMs} ms` });
      request.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish({ kind: "retryable", reason: "the post was stopped (shutting down)" });
      request.destroy();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const status = response.statusCode ?? 0;
        const header = (name: string) => {
          const value = response.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        finish(
          classifyWebhookAnswer(
            status,
            { retryAfter: header("retry-after"), location: header("location") },
            Buffer.concat(chunks).toString("utf8"),
            now(),
            url,
          ),
        );
      };
      response.on("data", (chunk: Buffer) => {
        const part = chunk.subarray(0, cap - kept);
        chunks.push(part);
        kept += part.length;
        // Enough to classify: stop reading (and downloading) the rest.
        if (kept >= cap) {
          done();
          response.destroy();
        }
      });
      response.on("end", done);
      response.on("error", () => finish({ kind: "retryable", reason: "the answer was cut off" }));
      response.on("close", done);
    });
    request.on("error", (error: NodeJS.ErrnoException) => {
      finish({ kind: "retryable", reason: `network error: ${error.code ?? error.message}` });
    });
    request.end(body);
  });
}
