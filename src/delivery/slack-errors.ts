/**
 * What a failed Slack call means for the delivery. The whole decision table of the worker is here:
 *
 * | Slack said                                                  | kind        | effect                               |
 * |-------------------------------------------------------------|-------------|--------------------------------------|
 * | HTTP 429 (Retry-After), `ratelimited`                        | rate_limited| workspace paused, same post retried  |
 * | HTTP 5xx / other non-200, network error, timeout,            | transient   | backoff, then dead letter            |
 * | `internal_error`, `fatal_error`, `service_unavailable`, …    |             |                                      |
 * | `not_in_channel`, `channel_not_found`                        | channel     | configuration awaiting_invite, held  |
 * | `is_archived`                                                | channel     | configuration disabled, held         |
 * | `invalid_auth`, `token_revoked`, `account_inactive`,         | workspace   | workspace disabled, its deliveries   |
 * | `not_authed`, `missing_scope`, `invalid_refresh_token`, …    |             | held until it is enabled again       |
 * | anything else about the message (`invalid_blocks`, …)        | message     | dead letter at once                  |
 */
import {
  type WebAPICallError,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from "@slack/web-api";
import { ARCHIVED_CHANNEL_REASON } from "../configurations/configuration-store";
import { ChatbotError, ErrorCode, isChatbotError } from "../errors";

export type DeliveryFailure =
  | { kind: "rate_limited"; error: string; retryAfterMs: number }
  | { kind: "transient"; error: string }
  | { kind: "channel"; error: string; state: "awaiting_invite" | "disabled"; reason: string }
  | { kind: "workspace"; error: string; reason: string }
  | { kind: "message"; error: string };

/** A 429 without a usable Retry-After (Slack always sends one; be patient if it did not). */
export const DEFAULT_RETRY_AFTER_MS = 30_000;

const TRANSIENT_ERRORS = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "timeout",
  "team_added_to_org",
  // A rotating token that expired between our refresh check and the call: the next attempt refreshes.
  "token_expired",
]);

const WORKSPACE_ERRORS: Record<string, string> = {
  invalid_auth: "Slack no longer accepts the bot token (invalid_auth); reinstall the app",
  not_authed: "Slack received no bot token (not_authed); reinstall the app",
  token_revoked: "the bot token was revoked (token_revoked); reinstall the app",
  account_inactive: "the bot user or workspace is deactivated (account_inactive); reinstall the app",
  missing_scope: "the app lacks the chat:write scope (missing_scope); reinstall the app to grant it",
  not_allowed_token_type: "the token is not a bot token (not_allowed_token_type); reinstall the app",
  invalid_refresh_token: "the refresh token was rejected (invalid_refresh_token); reinstall the app",
  ekm_access_denied: "the workspace's Enterprise Key Management denied access (ekm_access_denied)",
  team_access_not_granted: "the org-wide install was not granted to this workspace (team_access_not_granted)",
  installation_not_found: "the app is not installed in this workspace; install it with Add to Slack",
};

const CHANNEL_ERRORS: Record<string, { state: "awaiting_invite" | "disabled"; reason: string }> = {
  not_in_channel: {
    state: "awaiting_invite",
    reason: "the bot is not a member of the channel (not_in_channel); invite it with /invite @AWS",
  },
  channel_not_found: {
    state: "awaiting_invite",
    reason:
      "Slack cannot find the channel (channel_not_found): it is private and the bot was not invited, or it was deleted; invite the bot with /invite @AWS",
  },
  is_archived: { state: "disabled", reason: ARCHIVED_CHANNEL_REASON },
};

/** True for a reason this module recorded on a configuration it disabled (so an invite re-enables it). */
export function isDeliveryDisabledReason(reason: string | null): boolean {
  return reason !== null && reason === CHANNEL_ERRORS.is_archived.reason;
}

function platformFailure(error: string): DeliveryFailure {
  if (error === "ratelimited" || error === "rate_limited") {
    return { kind: "rate_limited", error, retryAfterMs: DEFAULT_RETRY_AFTER_MS };
  }
  const channel = CHANNEL_ERRORS[error];
  if (channel !== undefined) return { kind: "channel", error, ...channel };
  const workspace = WORKSPACE_ERRORS[error];
  if (workspace !== undefined) return { kind: "workspace", error, reason: workspace };
  if (TRANSIENT_ERRORS.has(error)) return { kind: "transient", error };
  return { kind: "message", error };
}

function isWebApiError(error: unknown): error is WebAPICallError {
  return (
    error instanceof WebAPIPlatformError ||
    error instanceof WebAPIRequestError ||
    error instanceof WebAPIHTTPError ||
    error instanceof WebAPIRateLimitedError
  );
}

/**
 * The first error in the `cause` chain that says something we can act on. An InstallationNotFound
 * wrapping another error (a database failure inside the installation store) is not one of them.
 */
function actionableCause(error: unknown): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (isWebApiError(current)) return current;
    if (isChatbotError(current) && current.code !== ErrorCode.InstallationNotFound) return current;
    if (isChatbotError(current, ErrorCode.InstallationNotFound) && !(current.cause instanceof Error)) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function classifySlackError(error: unknown): DeliveryFailure {
  const cause = actionableCause(error);
  if (cause instanceof WebAPIRateLimitedError) {
    return { kind: "rate_limited", error: "ratelimited", retryAfterMs: cause.retryAfter * 1000 };
  }
  if (cause instanceof WebAPIPlatformError) return platformFailure(cause.data.error);
  if (cause instanceof WebAPIHTTPError) return { kind: "transient", error: `http_${cause.statusCode}` };
  if (cause instanceof WebAPIRequestError) {
    const original = cause.original;
    // The fetch timeout surfaces as a DOMException, which @slack/web-api may re-wrap as text.
    const timedOut =
      original.name === "TimeoutError" ||
      original.name === "AbortError" ||
      /^(TimeoutError|AbortError)\b/.test(original.message);
    return { kind: "transient", error: timedOut ? "timeout" : `request_error: ${original.message}` };
  }
  if (isChatbotError(cause, ErrorCode.InstallationNotFound)) {
    return {
      kind: "workspace",
      error: "installation_not_found",
      reason: WORKSPACE_ERRORS.installation_not_found,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  // @slack/web-api aborts a 429 that carries no Retry-After with a plain Error.
  if (/Retry header did not contain a valid timeout/.test(message)) {
    return { kind: "rate_limited", error: "ratelimited", retryAfterMs: DEFAULT_RETRY_AFTER_MS };
  }
  return { kind: "transient", error: `unexpected: ${message}` };
}

/** Raised by a target when a post failed; the worker acts on `failure`. */
export class SlackDeliveryError extends ChatbotError {
  constructor(readonly failure: DeliveryFailure) {
    super(ErrorCode.SlackApiFailed, `Slack refused the message: ${failure.error}`);
    this.name = "SlackDeliveryError";
  }
}
