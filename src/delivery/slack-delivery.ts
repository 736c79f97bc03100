/**
 * A delivery to a Slack channel: its thread (threads.ts), the post through the Slack target, the
 * record (group-committed), the parent's update and the posted-notification listeners.
 */
import type { Database } from "../db/database";
import { ErrorCode, isChatbotError } from "../errors";
import type { Logger } from "../logger";
import { type Notification, renderSlackMessage, type SlackMessage } from "../notifications";
import type { Completion, CompletionWriter } from "../outbox/completions";
import type { LoadedDelivery } from "../outbox/leases";
import { findParentMessage } from "../outbox/posted-lookups";
import type { DeliveryMetrics } from "./delivery-metrics";
import type { Outcome, PostedListener, PostedNotification } from "./delivery-types";
import type { FailureRecorder } from "./failure-recorder";
import { LruCache } from "./lru-cache";
import { notificationOf } from "./message-render";
import type { NoiseSnapshot } from "./noise-snapshot";
import { type Acknowledger, decorate } from "./notification-controls";
import type { ParentUpdater } from "./parent-updates";
import type { DeliverySettings } from "./settings";
import { type DeliveryFailure, SlackDeliveryError } from "./slack-errors";
import type { SlackTarget } from "./targets/slack";
import {
  eventTime,
  findThread,
  nextThreadState,
  parentWithCurrentState,
  planThread,
  type ThreadPlan,
} from "./threads";
import type { WorkspaceRecovery } from "./workspace-recovery";
import type { WorkspaceRef } from "./workspace-status";

export interface SlackDeliveryDeps {
  db: Database;
  completions: Pick<CompletionWriter, "write">;
  target: Pick<SlackTarget, "post">;
  parents: Pick<ParentUpdater, "schedule">;
  failures: FailureRecorder;
  settings: Pick<DeliverySettings, "newThreadAfterMs">;
  metrics: DeliveryMetrics;
  logger: Logger;
  /** Told of every success, so a workspace recovering from an outage resumes at once. */
  recovery?: Pick<WorkspaceRecovery, "succeeded">;
  onPosted?: PostedListener;
  /** Mentions of top-level messages (issue 13); none without it. */
  noise?: Pick<NoiseSnapshot, "mentionsFor">;
  /** Who acknowledged a posted message, so a parent's update keeps the line. */
  acknowledgements?: (configurationId: string, ts: string) => Promise<Acknowledger[]>;
}

/** A thread parent as first posted: its rendering and whom it mentioned. */
interface PostedParent {
  base: SlackMessage;
  mentions: string[];
}

/** Parents rendered when they were posted, so updating one needs no query (bounded: ~3 KB each). */
const PARENT_CACHE_ENTRIES = 2_000;
/** Posts whose record failed (the database was away), remembered until it succeeds (~200 B each). */
const UNRECORDED_ENTRIES = 10_000;

export class SlackDelivery {
  readonly #parents = new LruCache<string, PostedParent>(PARENT_CACHE_ENTRIES);
  /**
   * Posted but not recorded, by delivery id: when the database failed right after a post, the
   * delivery comes back to this process after its lease and is recorded, not posted a second time.
   */
  readonly #unrecorded = new LruCache<string, Completion>(UNRECORDED_ENTRIES);

  constructor(private readonly deps: SlackDeliveryDeps) {}

  async deliver(
    delivery: LoadedDelivery,
    channelId: string,
    notification: Notification,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Outcome> {
    const { db } = this.deps;
    const configurationId = delivery.configurationId;
    const unrecorded = this.#unrecorded.get(delivery.id);
    if (unrecorded !== undefined) {
      await this.#record(delivery.id, unrecorded);
      log.info({ ts: unrecorded.posted.postedTs }, "posted earlier; recorded now instead of posting again");
      return "posted";
    }
    const workspace: WorkspaceRef = {
      teamId: delivery.configuration.teamId,
      enterpriseId: delivery.configuration.enterpriseId,
    };
    const slack = renderSlackMessage(notification);
    const at = eventTime(notification, delivery.message.snsTimestamp, new Date());
    const thread =
      notification.threadKey === undefined
        ? null
        : await findThread(db, configurationId, notification.threadKey);
    const plan = planThread(notification, thread, at, this.deps.settings.newThreadAfterMs);
    const attempts = delivery.attempts + 1;
    // Replies in a thread never mention; a thread's first message (an alarm's first ALARM) does.
    const mentions =
      plan.kind === "top-level" ? (this.deps.noise?.mentionsFor(configurationId, notification) ?? []) : [];
    const message = decorate(slack, notification, { mentions });
    let ts: string;
    try {
      ({ ts } = await this.deps.target.post(
        { workspace, channelId, message, threadTs: plan.kind === "reply" ? plan.parentTs : undefined },
        signal,
      ));
    } catch (error) {
      if (isChatbotError(error, ErrorCode.DeliveryAborted)) return "released";
      const failure: DeliveryFailure =
        error instanceof SlackDeliveryError
          ? error.failure
          : { kind: "transient", error: `unexpected: ${String(error)}` };
      return this.deps.failures.record(delivery, attempts, failure, "slack", log);
    }

    // The ts is recorded before anything else happens: until it is committed, a crash means a second
    // post once the lease expires (README, "Delivery guarantees").
    const state = nextThreadState(notification, plan.kind === "reply" ? plan.thread : null, at);
    const threadKey = plan.threadKey;
    await this.#record(delivery.id, {
      posted: { id: delivery.id, postedTs: ts, attempts },
      thread:
        threadKey === undefined
          ? undefined
          : { configurationId, threadKey, parentTs: plan.kind === "reply" ? plan.parentTs : ts, ...state },
    });
    const latencyMs = Date.now() - delivery.createdAt.getTime();
    this.deps.metrics.delivered("slack", plan.kind === "reply" ? "reply" : "message", latencyMs);
    log.info(
      { messageId: delivery.message.snsMessageId, channelId, ts, latencyMs },
      "notification delivered",
    );
    void this.deps.recovery?.succeeded(workspace.teamId, delivery.attempts);
    if (plan.kind === "top-level" && threadKey !== undefined)
      this.#parents.set(`${configurationId}:${ts}`, { base: slack, mentions });
    this.#announce({
      configurationId,
      workspace,
      channelId,
      notification,
      ts,
      threadTs: plan.kind === "reply" ? plan.parentTs : threadKey === undefined ? undefined : ts,
    });
    if (
      plan.kind === "reply" &&
      notification.state !== undefined &&
      notification.state !== plan.thread.lastState
    ) {
      await this.#updateParent(plan, configurationId, channelId, workspace, notification, state.lastStateAt);
    }
    return "posted";
  }

  async #record(deliveryId: string, completion: Completion): Promise<void> {
    this.#unrecorded.set(deliveryId, completion);
    await this.deps.completions.write(completion);
    this.#unrecorded.delete(deliveryId);
  }

  #announce(posted: PostedNotification): void {
    const listener = this.deps.onPosted;
    if (listener === undefined) return;
    Promise.resolve()
      .then(() => listener(posted))
      .catch((error: unknown) =>
        this.deps.logger.warn({ err: error, ts: posted.ts }, "a posted-notification listener failed"),
      );
  }

  async #updateParent(
    plan: Extract<ThreadPlan, { kind: "reply" }>,
    configurationId: string,
    channelId: string,
    workspace: WorkspaceRef,
    current: Notification,
    since: Date,
  ): Promise<void> {
    const key = `${configurationId}:${plan.parentTs}`;
    let parent = this.#parents.get(key);
    if (parent === undefined) {
      const row = await findParentMessage(this.deps.db.prisma, configurationId, plan.parentTs);
      if (row === null) return;
      const first = notificationOf(row.message);
      parent = {
        base: renderSlackMessage(first),
        mentions: this.deps.noise?.mentionsFor(configurationId, first) ?? [],
      };
      this.#parents.set(key, parent);
    }
    const acknowledgements = (await this.deps.acknowledgements?.(configurationId, plan.parentTs)) ?? [];
    this.deps.parents.schedule(`${configurationId}:${plan.threadKey}`, {
      workspace,
      channelId,
      ts: plan.parentTs,
      message: decorate(parentWithCurrentState(parent.base, current, since), current, {
        mentions: parent.mentions,
        acknowledgements,
      }),
    });
  }
}
