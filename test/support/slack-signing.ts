/**
 * Signed Slack requests for end-to-end tests: the v0 signature (HMAC-SHA256 of
 * `v0:{timestamp}:{raw body}`, hex) and helpers that POST slash commands, events, interactions and
 * url_verification to a running server exactly as Slack sends them — or with a bad, stale or
 * missing signature.
 */
import { createHmac } from "node:crypto";
import type { SlashCommand } from "@slack/bolt";
import { eventCallback, SLACK_IDS, slashCommandPayload } from "./slack-payloads";

/** Slack refuses requests older than this (Bolt checks the same window). */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** "v0=<hex>" for a raw body at a timestamp (seconds). */
export function computeSlackSignature(
  signingSecret: string,
  timestampSeconds: number,
  rawBody: string,
): string {
  const hmac = createHmac("sha256", signingSecret);
  hmac.update(`v0:${timestampSeconds}:${rawBody}`);
  return `v0=${hmac.digest("hex")}`;
}

export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): SlackSignatureHeaders {
  return {
    "x-slack-signature": computeSlackSignature(signingSecret, timestampSeconds, rawBody),
    "x-slack-request-timestamp": String(timestampSeconds),
  };
}

/**
 * How to sign: "valid" (default); "bad" (signed with another secret); "stale" (valid HMAC, timestamp
 * older than 5 minutes); "missing" (no signature headers at all).
 */
export type SignatureMode = "valid" | "bad" | "stale" | "missing";

export interface SlackPostOptions {
  signature?: SignatureMode;
  /** Overrides the timestamp (seconds) that is signed and sent. */
  timestampSeconds?: number;
  /** Request path on the server; default "/slack/events". */
  path?: string;
  /** Events API retry headers (X-Slack-Retry-Num / X-Slack-Retry-Reason). */
  retryNum?: number;
  retryReason?: string;
  headers?: Record<string, string>;
  /** Abort the request after this long; default 10000 ms. */
  timeoutMs?: number;
}

export interface SlackPostResult {
  status: number;
  headers: Record<string, string>;
  /** Raw response text. */
  body: string;
  /** The body parsed as JSON (throws when it is not JSON). */
  json<T = unknown>(): T;
}

function signatureHeaders(
  secret: string,
  rawBody: string,
  options: SlackPostOptions,
): Record<string, string> {
  const mode = options.signature ?? "valid";
  if (mode === "missing") return {};
  const now = Math.floor(Date.now() / 1000);
  const timestamp =
    options.timestampSeconds ?? (mode === "stale" ? now - SIGNATURE_WINDOW_SECONDS - 60 : now);
  const signingSecret = mode === "bad" ? `${secret}-not-the-secret` : secret;
  return { ...signSlackRequest(signingSecret, rawBody, timestamp) };
}

/** POSTs a raw body, signed per `options`, to `baseUrl` + path; never throws on HTTP status. */
export async function postSignedSlackRequest(
  baseUrl: string,
  signingSecret: string,
  rawBody: string,
  contentType: string,
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const headers: Record<string, string> = {
    "content-type": contentType,
    "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    ...signatureHeaders(signingSecret, rawBody, options),
    ...(options.retryNum === undefined ? {} : { "x-slack-retry-num": String(options.retryNum) }),
    ...(options.retryReason === undefined ? {} : { "x-slack-retry-reason": options.retryReason }),
    ...options.headers,
  };
  const response = await fetch(new URL(options.path ?? "/slack/events", baseUrl), {
    method: "POST",
    headers,
    body: rawBody,
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs ?? 10000),
  });
  const body = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body,
    json<T>(): T {
      try {
        return JSON.parse(body) as T;
      } catch {
        throw new Error(`response body is not JSON (HTTP ${response.status}): ${body.slice(0, 200)}`);
      }
    },
  };
}

function formEncode(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) params.append(key, value);
  return params.toString();
}

/**
 * A slash command, form-encoded as Slack sends it. Unset fields come from slashCommandPayload()
 * (command "/aws", SLACK_IDS team/user/channel); pass `response_url: fake.responseUrl()` to observe
 * replies.
 */
export function postSlashCommand(
  baseUrl: string,
  signingSecret: string,
  fields: Partial<SlashCommand> = {},
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const body = formEncode(slashCommandPayload(fields));
  return postSignedSlackRequest(baseUrl, signingSecret, body, "application/x-www-form-urlencoded", options);
}

/**
 * An Events API request. Pass an `event_callback` envelope, or a bare event (`{type: "app_uninstalled"}`)
 * to have it wrapped with eventCallback() defaults.
 */
export function postEvent(
  baseUrl: string,
  signingSecret: string,
  envelopeOrEvent: { type: string },
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const envelope =
    envelopeOrEvent.type === "event_callback" ? envelopeOrEvent : eventCallback(envelopeOrEvent);
  return postSignedSlackRequest(
    baseUrl,
    signingSecret,
    JSON.stringify(envelope),
    "application/json",
    options,
  );
}

/** An interaction (block_actions, view_submission, …): form field `payload` holding the JSON. */
export function postInteraction(
  baseUrl: string,
  signingSecret: string,
  payload: { type: string },
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const body = formEncode({ payload: JSON.stringify(payload) });
  return postSignedSlackRequest(baseUrl, signingSecret, body, "application/x-www-form-urlencoded", options);
}

/** The url_verification handshake; a correct app answers with the challenge. */
export function postUrlVerification(
  baseUrl: string,
  signingSecret: string,
  challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
  options: SlackPostOptions = {},
): Promise<SlackPostResult> {
  const body = JSON.stringify({ token: SLACK_IDS.verificationToken, challenge, type: "url_verification" });
  return postSignedSlackRequest(baseUrl, signingSecret, body, "application/json", options);
}
