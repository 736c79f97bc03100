/**
 * chat.update of thread parents, off the channels' critical path: posts never wait for an update.
 * Updates are coalesced per thread (only the latest state is worth showing) and sent per workspace
 * within chat.update's own limit. Best effort: a failed or dropped update is logged and counted;
 * the next state change of the alarm updates the parent again.
 */
import { setMaxListeners } from "node:events";
import { ErrorCode, isChatbotError } from "../errors";
import type { Logger } from "../logger";
import type { DeliveryMetrics } from "./delivery-metrics";
import type { PostedMessage } from "./notification-controls";
import { SlackDeliveryError } from "./slack-errors";
import type { SlackTarget } from "./targets/slack";
import type { WorkspaceRef } from "./workspace-status";

export interface ParentUpdate {
  workspace: WorkspaceRef;
  channelId: string;
  ts: string;
  message: PostedMessage;
}

const GONE = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

export class ParentUpdater {
  /** Per workspace: thread key → latest update, in the order threads first asked. */
  readonly #pending = new Map<string, Map<string, ParentUpdate>>();
  readonly #runners = new Map<string, Promise<void>>();
  readonly #abort = new AbortController();

  constructor(
    private readonly target: Pick<SlackTarget, "update">,
    private readonly logger: Logger,
    private readonly metrics: DeliveryMetrics,
  ) {
    setMaxListeners(0, this.#abort.signal);
  }

  schedule(threadKey: string, update: ParentUpdate): void {
    if (this.#abort.signal.aborted) return;
    const team = update.workspace.teamId;
    let queue = this.#pending.get(team);
    if (queue === undefined) {
      queue = new Map();
      this.#pending.set(team, queue);
    }
    queue.delete(threadKey);
    queue.set(threadKey, update);
    if (!this.#runners.has(team)) {
      this.#runners.set(
        team,
        this.#run(team, queue).finally(() => this.#runners.delete(team)),
      );
    }
  }

  /** Updates not sent yet, over all workspaces. */
  backlog(): number {
    let count = 0;
    for (const queue of this.#pending.values()) count += queue.size;
    return count;
  }

  /** Stops sending; what is still queued is dropped (and logged). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([...this.#runners.values()]);
    const dropped = this.backlog();
    this.#pending.clear();
    if (dropped > 0) this.logger.info({ dropped }, "thread parent updates dropped at shutdown");
  }

  async #run(team: string, queue: Map<string, ParentUpdate>): Promise<void> {
    for (;;) {
      const next = queue.entries().next();
      if (next.done === true) {
        this.#pending.delete(team);
        return;
      }
      const [threadKey, update] = next.value;
      queue.delete(threadKey);
      try {
        await this.target.update(update, this.#abort.signal);
      } catch (error) {
        if (isChatbotError(error, ErrorCode.DeliveryAborted)) return;
        this.metrics.parentUpdateFailed();
        const slackError = error instanceof SlackDeliveryError ? error.failure.error : undefined;
        const entry = { error: slackError ?? String(error), channelId: update.channelId, ts: update.ts };
        // Someone deleted the parent: nothing to fix. Anything else is worth a look.
        if (slackError !== undefined && GONE.has(slackError))
          this.logger.info(entry, "thread parent is gone");
        else this.logger.warn(entry, "could not update a thread parent");
      }
    }
  }
}
