/**
 * Express middleware in front of Bolt's ExpressReceiver on the Slack endpoint (HTTP mode): refuses a
 * request outside the 5-minute window in either direction, and a replay of a request already taken.
 * It reads the raw body once and leaves it in `req.rawBody`, where Bolt's own verification reads it.
 *
 * Slack retries an Events API request it thinks failed (X-Slack-Retry-Num) with the same signature:
 * - the request was taken (in flight or answered 2xx): the retry gets 200 and `X-Slack-No-Retry: 1`
 *   without running the listeners again, so nothing happens twice and Slack shows no failure;
 * - our answer was 5xx or never written: the signature is released, so the retry runs normally.
 * A replay WITHOUT the retry header is an attacker's (or a proxy's) and gets 401.
 *
 * When the database does not answer within the store's timeout, the request gets 503 with an error
 * log line: a signed request is not acted on unless we know it is not a replay, and Slack retries
 * events (the late write is undone, so that retry is processed).
 */
import type { IncomingMessage } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { BodyRejected, readUtf8Body } from "../../http/raw-body";
import type { Logger } from "../../logger";
import { type ReplayClaim, ReplayStoreUnavailable } from "./request-replays";
import { verifySlackRequest } from "./verify-request";

/** Bolt's own limit for Slack request bodies (HTTPModuleFunctions.defaultBodyLimit). */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export interface ReplayStore {
  claim(signature: string, expiresAt: Date): Promise<ReplayClaim>;
  release(signature: string): Promise<void>;
}

export interface SlackRequestGuardDeps {
  signingSecret: string;
  replays: ReplayStore;
  logger: Logger;
  now?: () => number;
}

/** Bolt reads `req.rawBody` when present instead of the (already consumed) stream. */
type WithRawBody = IncomingMessage & { rawBody?: string };

function header(request: Request, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function slackRequestGuard({
  signingSecret,
  replays,
  logger,
  now = Date.now,
}: SlackRequestGuardDeps): RequestHandler {
  return async (request: Request, response: Response, next: NextFunction) => {
    let rawBody: string;
    try {
      rawBody = await readUtf8Body(request, BODY_LIMIT_BYTES);
    } catch (error) {
      const status = error instanceof BodyRejected ? error.status : 400;
      logger.warn({ status, reason: (error as Error).message }, "Slack request refused: unreadable body");
      response.status(status).end();
      return;
    }
    const verdict = verifySlackRequest({
      signingSecret,
      rawBody,
      signature: header(request, "x-slack-signature"),
      timestamp: header(request, "x-slack-request-timestamp"),
      nowMs: now(),
    });
    if (!verdict.ok) {
      logger.warn({ reason: verdict.reason }, "Slack request refused: not verified");
      response.status(401).end();
      return;
    }
    const retryNum = header(request, "x-slack-retry-num");
    let claim: ReplayClaim;
    try {
      claim = await replays.claim(verdict.signature, verdict.expiresAt);
    } catch (error) {
      const reason = error instanceof ReplayStoreUnavailable ? error.message : String(error);
      logger.error(
        { err: error instanceof ReplayStoreUnavailable ? error.cause : error, reason },
        "Slack request refused with 503: the replay check could not reach the database",
      );
      response.status(503).end();
      return;
    }
    if (claim === "seen") {
      if (retryNum !== undefined) {
        logger.info(
          { retryNum, retryReason: header(request, "x-slack-retry-reason") },
          "Slack retried a request already taken; answered 200 without running it again",
        );
        response.status(200).set("X-Slack-No-Retry", "1").end();
        return;
      }
      logger.warn("Slack request refused: a replay of a request already taken");
      response.status(401).end();
      return;
    }
    // A request we could not answer well is released, so Slack's retry of it is processed.
    response.once("close", () => {
      if (!response.writableFinished || response.statusCode >= 500) void replays.release(verdict.signature);
    });
    (request as WithRawBody).rawBody = rawBody;
    next();
  };
}
