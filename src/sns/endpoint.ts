/**
 * POST /sns/events, the Amazon SNS HTTP(S) endpoint. Thin: read the raw body, refuse raw delivery,
 * parse, check the topic is ours (cheap checks first: nothing unknown costs a certificate download),
 * verify, hand over to the subscription service or the ingest, and map the outcome onto the
 * status codes of CONTRACT.md. SNS treats every 4xx as delivered (PROTOCOLS.md §1.4), so 4xx is only
 * for messages that must never be retried; anything that might succeed later answers 503.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ChatbotError, ErrorCode, isChatbotError } from "../errors";
import type { Metrics } from "../http/metrics";
import { BodyRejected, readUtf8Body } from "../http/raw-body";
import type { Logger } from "../logger";
import { hasRawDeliveryHeader, isRawDeliveryBody, parseSnsEnvelope, type SnsEnvelope } from "./envelope";
import type { NotificationIngest } from "./ingest";
import { SnsApiError } from "./sns-api-errors";
import { SnsMetrics } from "./sns-metrics";
import { SNS_ENDPOINT_PATH, type SubscriptionService } from "./subscriptions";
import type { SnsMessageVerifier } from "./verify-signature";
import type { WantedTopics } from "./wanted-topics";

/** SNS's limit for HTTP endpoints (PROTOCOLS.md §1.5). */
export const MAX_SNS_BODY_BYTES = 256 * 1024;

export interface SnsEndpointDeps {
  verifier: Pick<SnsMessageVerifier, "verify">;
  ingest: Pick<NotificationIngest, "ingest">;
  subscriptions: Pick<SubscriptionService, "handleConfirmation" | "handleUnsubscribeConfirmation">;
  /** Asked before the signature is verified, so an unknown topic never costs a certificate download. */
  topics: Pick<WantedTopics, "wantedFromMemory" | "isWanted">;
  metrics: Metrics;
  logger: Logger;
}

/** What a refusal's log line says about the request (never its body). */
interface RequestContext {
  messageId?: string;
  topicArn?: string;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

interface Answer {
  status: number;
  error?: string;
  reason: string;
}

const TOO_LARGE_REASON = `body is over SNS's ${MAX_SNS_BODY_BYTES} bytes`;
const RAW_DELIVERY_REASON =
  "raw message delivery must be disabled on the SNS subscription: a raw message carries no signature to verify";

/**
 * Whether a request is for the SNS endpoint: `POST /sns/events`, with or without a trailing slash
 * or a query string, matched as Express would (case-insensitive).
 */
export function isSnsEndpointRequest(request: IncomingMessage): boolean {
  if (request.method !== "POST" || request.url === undefined) return false;
  const query = request.url.indexOf("?");
  let path = query === -1 ? request.url : request.url.slice(0, query);
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  return path.length === SNS_ENDPOINT_PATH.length && path.toLowerCase() === SNS_ENDPOINT_PATH;
}

/**
 * The endpoint as a plain Node request handler. It is served ahead of Express (app.ts): this is the
 * hot path, and a router, body-parser and response helpers cost more than the work itself.
 */
export function createSnsEndpoint(deps: SnsEndpointDeps): RequestHandler {
  const logger = deps.logger.child({ component: "sns-endpoint" });
  const metrics = new SnsMetrics(deps.metrics);

  const send = (res: ServerResponse, answer: Answer, type = "unknown", about: RequestContext = {}) => {
    if (answer.status === 200 && type === "Notification") {
      metrics.accepted(answer.reason === "duplicate" ? "duplicate" : "stored");
    } else {
      metrics.answered(type, answer.status);
    }
    if (answer.status !== 200) {
      // One line per refused request, whatever the reason: what SNS was told and why. Never the body.
      metrics.refused(answer.error ?? "unknown");
      logger.info(
        { status: answer.status, error: answer.error, reason: answer.reason, type, ...about },
        "refused an SNS request",
      );
    }
    const json = JSON.stringify({ ok: answer.status === 200, error: answer.error, reason: answer.reason });
    if (res.headersSent || res.destroyed) return;
    res
      .writeHead(answer.status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(json),
      })
      .end(json);
  };
  const refuseRawDelivery = (req: IncomingMessage, res: ServerResponse) => {
    const topicArn = req.headers["x-amz-sns-topic-arn"];
    send(res, { status: 415, error: ErrorCode.SnsRawDelivery, reason: RAW_DELIVERY_REASON }, "unknown", {
      topicArn: typeof topicArn === "string" ? topicArn : undefined,
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let body: string;
    try {
      body = await readUtf8Body(req, MAX_SNS_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyRejected)) throw error;
      // The contract's wording for SNS's own limit; the reader's reason for anything else.
      if (error.status === 413) {
        send(res, { status: 413, error: ErrorCode.SnsBodyTooLarge, reason: TOO_LARGE_REASON });
      } else {
        send(res, { status: error.status, error: ErrorCode.SnsBodyMalformed, reason: error.message });
      }
      return;
    }
    if (hasRawDeliveryHeader(req.headers)) {
      refuseRawDelivery(req, res);
      return;
    }
    let envelope: SnsEnvelope;
    try {
      envelope = parseSnsEnvelope(body);
    } catch (error) {
      // Not an envelope: a raw-delivery body (415) unless it is an envelope with broken fields (400).
      if (isRawDeliveryBody(req.headers, body)) refuseRawDelivery(req, res);
      else send(res, answerFor(error, logger));
      return;
    }
    try {
      const topic = envelope.TopicArn;
      if (!(deps.topics.wantedFromMemory(topic) ?? (await deps.topics.isWanted(topic)))) {
        throw new ChatbotError(ErrorCode.SnsTopicNotWanted, "no configuration wants this topic");
      }
      await deps.verifier.verify(envelope);
      send(res, await handle(envelope, deps), envelope.Type);
    } catch (error) {
      send(res, answerFor(error, logger, envelope), envelope.Type, {
        messageId: envelope.MessageId,
        topicArn: envelope.TopicArn,
      });
    }
  };

  return (req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "the SNS endpoint failed unexpectedly");
      send(res, answerFor(error, logger));
    });
  };
}

async function handle(envelope: SnsEnvelope, deps: SnsEndpointDeps): Promise<Answer> {
  switch (envelope.Type) {
    case "Notification": {
      const result = await deps.ingest.ingest({
        snsMessageId: envelope.MessageId,
        topicArn: envelope.TopicArn,
        subject: envelope.Subject,
        message: envelope.Message,
        snsTimestamp: envelope.Timestamp,
      });
      if (result.outcome === "unwanted") {
        throw new ChatbotError(ErrorCode.SnsTopicNotWanted, "no configuration wants this topic");
      }
      return { status: 200, reason: result.outcome };
    }
    case "SubscriptionConfirmation":
      await deps.subscriptions.handleConfirmation(envelope);
      return { status: 200, reason: "confirmation handled" };
    case "UnsubscribeConfirmation":
      await deps.subscriptions.handleUnsubscribeConfirmation(envelope);
      return { status: 200, reason: "unsubscribe recorded" };
  }
}

function answerFor(error: unknown, logger: Logger, envelope?: SnsEnvelope): Answer {
  if (error instanceof SnsApiError) {
    return { status: 503, error: error.code, reason: "AWS could not be reached to confirm; retry later" };
  }
  if (isChatbotError(error)) {
    switch (error.code) {
      case ErrorCode.SnsBodyMalformed:
        return { status: 400, error: error.code, reason: error.message };
      case ErrorCode.SnsSignatureInvalid:
      case ErrorCode.SnsCertificateUrlRejected:
        return { status: 403, error: error.code, reason: "signature verification failed" };
      case ErrorCode.SnsTopicNotWanted:
        return { status: 403, error: error.code, reason: "no configuration wants this topic" };
      case ErrorCode.SnsCertificateFetchFailed:
        // The URL passed the SNS-host check; the download failing is AWS's or the network's moment.
        return {
          status: 503,
          error: error.code,
          reason: "the signing certificate could not be fetched; retry later",
        };
    }
  }
  logger.error({ err: error, messageId: envelope?.MessageId }, "storing an SNS message failed");
  return {
    status: 503,
    error: ErrorCode.DatabaseUnavailable,
    reason: "the message could not be stored; retry later",
  };
}
