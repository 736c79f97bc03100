/**
 * Slack's request signature (`v0=` HMAC-SHA256 of `v0:{timestamp}:{raw body}`) and its 5-minute
 * window, checked in BOTH directions. Bolt's own check refuses only timestamps older than now − 5 min
 * (PROTOCOLS.md §2.3), so a request signed for tomorrow would stay replayable for a day; python-slack-sdk
 * uses |now − ts| > 300, as we do here.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a request's timestamp may be from our clock, either way. */
export const SLACK_REQUEST_WINDOW_SECONDS = 5 * 60;

export interface SlackRequestToVerify {
  signingSecret: string;
  rawBody: string;
  /** X-Slack-Signature */
  signature: string | undefined;
  /** X-Slack-Request-Timestamp (seconds) */
  timestamp: string | undefined;
  nowMs: number;
}

export type SlackRequestVerdict =
  | {
      ok: true;
      /** The verified signature: the replay key. */
      signature: string;
      /** When the request leaves the window; a replay record is useless after this. */
      expiresAt: Date;
    }
  | { ok: false; reason: string };

const SIGNATURE = /^v0=([0-9a-f]{64})$/;
const TIMESTAMP = /^\d{1,12}$/;

export function verifySlackRequest(request: SlackRequestToVerify): SlackRequestVerdict {
  const { signature, timestamp } = request;
  if (signature === undefined || timestamp === undefined) {
    return { ok: false, reason: "the signature headers are missing" };
  }
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: "the request timestamp is not a number" };
  const seconds = Number(timestamp);
  const skew = seconds - Math.floor(request.nowMs / 1000);
  if (Math.abs(skew) > SLACK_REQUEST_WINDOW_SECONDS) {
    return {
      ok: false,
      reason: `the request timestamp is ${Math.abs(skew)} s ${skew > 0 ? "ahead of" : "behind"} our clock (the window is ${SLACK_REQUEST_WINDOW_SECONDS} s)`,
    };
  }
  const match = SIGNATURE.exec(signature);
  if (match === null) return { ok: false, reason: "the signature is not a v0 signature" };
  const expected = createHmac("sha256", request.signingSecret)
    .update(`v0:${timestamp}:${request.rawBody}`)
    .digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], "hex"))) {
    return { ok: false, reason: "the signature does not match" };
  }
  return {
    ok: true,
    signature: match[1],
    expiresAt: new Date((seconds + SLACK_REQUEST_WINDOW_SECONDS) * 1000),
  };
}
