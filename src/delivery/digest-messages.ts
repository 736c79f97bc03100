/**
 * The digest's messages: posting or updating one (Slack, or a text post to a webhook room), and
 * showing one of its lines in full in its thread. digests.ts decides what goes in which digest.
 */
import type { Database } from "../db/database";
import type { Logger } from "../logger";
import { type DigestLine, type DigestView, digestNotification, renderDigestSlack } from "../notifications";
import { findDigestedDelivery, recordDigestReposted, recordDigestTs } from "../outbox/digest-rows";
import type { LoadedDelivery } from "../outbox/leases";
import type { DigestLineRequest } from "./delivery-control";
import type { DeliveryMetrics } from "./delivery-metrics";
import { slackMessageOf } from "./message-render";
import { type DeliveryFailure, SlackDeliveryError } from "./slack-errors";
import type { SlackTarget } from "./targets/slack";
import type { WebhookDeliveryTarget } from "./targets/webhook";

export interface DigestMessageDeps {
  db: Database;
  target: Pick<SlackTarget, "post" | "update">;
  webhooks?: Pick<WebhookDeliveryTarget, "post">;
  metrics: DeliveryMetrics;
  logger: Logger;
  now?: () => number;
}

/** A digest this process holds in memory (the rows hold the truth; see loadDigest). */
export interface OpenDigest {
  id: string;
  stored: boolean;
  ts: string | null;
  lines: DigestLine[];
  members: Set<string>;
  firstAt: Date;
  lastAt: Date;
  lastAddedAt: number;
}

export function viewOf(digest: OpenDigest): DigestView {
  return { lines: digest.lines, total: digest.members.size, firstAt: digest.firstAt, lastAt: digest.lastAt };
}

/** Posts or updates the digest; a failure of a webhook comes back as a value. */
export async function sendDigest(
  deps: DigestMessageDeps,
  digest: OpenDigest,
  configuration: LoadedDelivery["configuration"],
  signal: AbortSignal,
): Promise<DeliveryFailure | undefined> {
  const view = viewOf(digest);
  const { prisma } = deps.db;
  if (configuration.kind === "webhook" && deps.webhooks !== undefined) {
    const result = await deps.webhooks.post(configuration.id, digestNotification(view), signal);
    if (!result.posted) return result.failure;
    digest.ts = `webhook:${new Date(deps.now?.() ?? Date.now()).toISOString()}`;
    await recordDigestTs(prisma, digest.id, digest.ts);
    deps.metrics.digest("webhook", "posted");
    return undefined;
  }
  const workspace = { teamId: configuration.teamId, enterpriseId: configuration.enterpriseId };
  const channelId = configuration.channelId ?? "";
  const message = renderDigestSlack(view);
  if (digest.ts === null) {
    const { ts } = await deps.target.post({ workspace, channelId, message }, signal);
    digest.ts = ts;
    // Recorded first: from here on a restart updates this message instead of posting another.
    await recordDigestTs(prisma, digest.id, ts);
    deps.metrics.digest("slack", "posted");
  } else {
    try {
      await deps.target.update({ workspace, channelId, ts: digest.ts, message }, signal);
    } catch (error) {
      if (!digestMessageGone(error)) throw error;
      // Someone deleted the digest in Slack: its lines, old and new, go out again in a new message
      // (turning them into dead letters would lose notifications that were accepted).
      deps.logger.warn(
        { digestId: digest.id, channelId, ts: digest.ts, error: (error as SlackDeliveryError).failure.error },
        "digest message is gone from Slack: posting it again",
      );
      const { ts } = await deps.target.post({ workspace, channelId, message }, signal);
      digest.ts = ts;
      await recordDigestReposted(prisma, digest.id, ts);
      deps.metrics.digest("slack", "posted");
      return undefined;
    }
    deps.metrics.digest("slack", "updated");
  }
  return undefined;
}

/** Slack cannot update the digest's message any more: deleted, or no longer editable. */
const GONE_MESSAGE_ERRORS = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

function digestMessageGone(error: unknown): boolean {
  return error instanceof SlackDeliveryError && GONE_MESSAGE_ERRORS.has(error.failure.error);
}

/**
 * A line shown in full, as a reply in the digest's thread (post lane: paced with the channel's
 * other posts). The delivery must be a line of the digest with that ts, in that channel and
 * workspace — the values come from a Slack request and are checked here, not trusted.
 */
export async function expandDigestLine(
  deps: DigestMessageDeps,
  request: DigestLineRequest,
): Promise<boolean> {
  const delivery = await findDigestedDelivery(deps.db.prisma, request);
  if (delivery === null) return false;
  const { configuration } = delivery;
  await deps.target.post({
    workspace: { teamId: configuration.teamId, enterpriseId: configuration.enterpriseId },
    channelId: request.channelId,
    message: slackMessageOf(delivery.message),
    threadTs: request.digestTs,
  });
  deps.logger.info(
    { deliveryId: delivery.id, configurationId: configuration.id, digestTs: request.digestTs },
    "digest line shown in full",
  );
  return true;
}
