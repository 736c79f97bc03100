/**
 * chat.postMessage / chat.update with the bot token of the configuration's workspace. Our own
 * WebClient never waits on a 429 itself (`rejectRateLimitedCalls`, no retries): @slack/web-api
 * would pause its whole queue, every workspace included. We pause only the workspace that was
 * limited (rate-limiter.ts) and post again when Retry-After has passed; every other failure is
 * classified (slack-errors.ts) for the worker to act on.
 */
import { WebClient } from "@slack/web-api";
import { boltLoggerFrom, type Logger } from "../../logger";
import type { WorkspaceTokens } from "../../slack/workspace-tokens";
import type { DeliveryMetrics } from "../delivery-metrics";
import type { PostedMessage } from "../notification-controls";
import { abortedError, type Lane, type SlackRateLimiter } from "../rate-limiter";
import { classifySlackError, SlackDeliveryError } from "../slack-errors";
import type { WorkspaceRef } from "../workspace-status";

export interface SlackTargetOptions {
  apiUrl: string;
  tokens: WorkspaceTokens;
  limiter: SlackRateLimiter;
  timeoutMs: number;
  logger: Logger;
  metrics: DeliveryMetrics;
}

export interface SlackPost {
  workspace: WorkspaceRef;
  channelId: string;
  message: PostedMessage;
  threadTs?: string;
}

/** Rotating tokens are refreshed two hours before they expire, so a minute of caching is safe. */
const TOKEN_CACHE_MS = 60_000;

export class SlackTarget {
  readonly #client: WebClient;
  readonly #tokens = new Map<string, { token: string; until: number }>();

  constructor(private readonly options: SlackTargetOptions) {
    this.#client = new WebClient(undefined, {
      slackApiUrl: options.apiUrl,
      logger: boltLoggerFrom(options.logger),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: options.timeoutMs,
      // The rate limiter decides how many posts are on their way; this queue must not add a limit.
      maxRequestConcurrency: 10_000,
    });
  }

  /** Posts and returns the message's ts; throws SlackDeliveryError (or DeliveryAborted on shutdown). */
  async post(post: SlackPost, signal?: AbortSignal): Promise<{ ts: string }> {
    const result = await this.#call(
      "post",
      post.workspace,
      post.channelId,
      "chat.postMessage",
      {
        channel: post.channelId,
        text: post.message.text,
        blocks: post.message.blocks,
        ...(post.threadTs === undefined ? {} : { thread_ts: post.threadTs }),
        unfurl_links: false,
        unfurl_media: false,
      },
      signal,
    );
    const ts = typeof result.ts === "string" ? result.ts : undefined;
    if (ts === undefined)
      throw new SlackDeliveryError({ kind: "transient", error: "no ts in chat.postMessage answer" });
    return { ts };
  }

  /** chat.update, paced in its own lane (Tier 3) so it never delays posts. */
  async update(
    target: { workspace: WorkspaceRef; channelId: string; ts: string; message: PostedMessage },
    signal?: AbortSignal,
  ): Promise<void> {
    await this.#call(
      "update",
      target.workspace,
      target.channelId,
      "chat.update",
      { channel: target.channelId, ts: target.ts, text: target.message.text, blocks: target.message.blocks },
      signal,
    );
  }

  async #call(
    lane: Lane,
    workspace: WorkspaceRef,
    channelId: string,
    method: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    for (;;) {
      if (signal?.aborted) throw abortedError();
      const token = await this.#token(workspace);
      await this.options.limiter.acquire(lane, workspace.teamId, channelId, signal);
      try {
        const result: Record<string, unknown> = {
          ...(await this.#client.apiCall(method, { ...args, token })),
        };
        this.options.metrics.slackCall(method, "ok");
        return result;
      } catch (error) {
        const failure = classifySlackError(error);
        // "request_error: <detail>" → "request_error": a label must not take unbounded values.
        this.options.metrics.slackCall(method, failure.error.split(":")[0]);
        if (failure.kind === "rate_limited") {
          this.options.metrics.rateLimited("slack");
          this.options.limiter.pauseWorkspace(lane, workspace.teamId, failure.retryAfterMs);
          this.options.logger.warn(
            { teamId: workspace.teamId, channelId, method, retryAfterMs: failure.retryAfterMs },
            "Slack rate-limited the workspace; pausing it for Retry-After",
          );
          continue;
        }
        if (failure.kind === "workspace") this.#tokens.delete(workspace.teamId);
        throw new SlackDeliveryError(failure);
      }
    }
  }

  async #token(workspace: WorkspaceRef): Promise<string> {
    const cached = this.#tokens.get(workspace.teamId);
    const now = Date.now();
    if (cached !== undefined && cached.until > now) return cached.token;
    try {
      const token = await this.options.tokens.botTokenFor(workspace);
      this.#tokens.set(workspace.teamId, { token, until: now + TOKEN_CACHE_MS });
      return token;
    } catch (error) {
      throw new SlackDeliveryError(classifySlackError(error));
    }
  }
}
