/**
 * After a Slack outage, the first post that succeeds in a workspace is the signal that Slack is back:
 * every delivery of that workspace waiting out a backoff becomes due at once, so channels resume
 * within a poll of the recovery instead of one by one as their backoffs (up to 5 min) run out.
 *
 * Cheap when nothing failed: a success costs a query only for a workspace this process saw fail
 * since its last reset, or for a delivery that had failed before (a retry that went through, which
 * also covers failures another replica recorded).
 */
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import { resumeWaitingDeliveries } from "../outbox/hold";

export interface WorkspaceRecoveryDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** Claims at once (the resumed deliveries are due now). */
  wake: () => void;
  now?: () => number;
}

export class WorkspaceRecovery {
  /** Workspaces (team ids) with a failed post since their last reset. */
  readonly #troubled = new Set<string>();
  readonly #resuming = new Map<string, Promise<void>>();

  constructor(private readonly deps: WorkspaceRecoveryDeps) {}

  /** A post in the workspace failed transiently or was rate-limited. */
  failed(teamId: string): void {
    this.#troubled.add(teamId);
  }

  /** A post in the workspace went through; `attempts` it had failed before this one. */
  succeeded(teamId: string, failedBefore: number): Promise<void> {
    if (!this.#troubled.has(teamId) && failedBefore === 0) return Promise.resolve();
    this.#troubled.delete(teamId);
    let resuming = this.#resuming.get(teamId);
    if (resuming === undefined) {
      resuming = this.#resume(teamId).finally(() => this.#resuming.delete(teamId));
      this.#resuming.set(teamId, resuming);
    }
    return resuming;
  }

  /** Resolves once no resume is running (shutdown: they use the database). */
  async drain(): Promise<void> {
    while (this.#resuming.size > 0) await Promise.allSettled([...this.#resuming.values()]);
  }

  async #resume(teamId: string): Promise<void> {
    try {
      const now = new Date(this.deps.now?.() ?? Date.now());
      const { count } = await resumeWaitingDeliveries(this.deps.prisma, teamId, now);
      if (count === 0) return;
      this.deps.logger.info(
        { teamId, resumed: count },
        "Slack answered again: waiting deliveries resume now",
      );
      this.deps.wake();
    } catch (error) {
      // Their backoffs still bring them; this only makes it sooner.
      this.deps.logger.warn({ err: error, teamId }, "could not resume waiting deliveries");
    }
  }
}
