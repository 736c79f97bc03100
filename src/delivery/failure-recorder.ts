/**
 * What a failed post leaves behind, per kind of failure (slack-errors.ts, targets/webhook.ts):
 * a retry later (rate limit: not an attempt; transient: backoff, bounded), a dead letter, or the
 * configuration / workspace changing state with its reason and its deliveries held. Every state
 * change is logged with its reason.
 */
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import { markDead, recordFailedAttempt, reschedule } from "../outbox/fail";
import { holdConfigurationDeliveries } from "../outbox/hold";
import type { LoadedDelivery } from "../outbox/leases";
import { nextStep } from "./backoff";
import { setConfigurationState } from "./configuration-state";
import type { DeliveryMetrics } from "./delivery-metrics";
import type { Outcome } from "./delivery-types";
import type { DeliverySettings } from "./settings";
import type { DeliveryFailure } from "./slack-errors";
import type { WorkspaceRecovery } from "./workspace-recovery";
import type { WorkspaceRef, WorkspaceStatus } from "./workspace-status";

export interface FailureRecorderDeps {
  prisma: PrismaClient;
  workspaces: WorkspaceStatus;
  settings: Pick<DeliverySettings, "maxAgeMs" | "maxAttempts" | "backoffBaseMs" | "backoffMaxMs">;
  metrics: DeliveryMetrics;
  /** Told of Slack workspaces failing, so their next success resumes what waits. */
  recovery?: Pick<WorkspaceRecovery, "failed">;
  /** The clock (tests move it). */
  now?: () => number;
}

export class FailureRecorder {
  constructor(private readonly deps: FailureRecorderDeps) {}

  /** `attempts` counts the attempt that just failed. */
  async record(
    delivery: LoadedDelivery,
    attempts: number,
    failure: DeliveryFailure,
    target: string,
    log: Logger,
  ): Promise<Outcome> {
    const prisma = this.deps.prisma;
    const now = this.deps.now?.() ?? Date.now();
    this.deps.metrics.failed(target, failure);
    if (target === "slack" && (failure.kind === "rate_limited" || failure.kind === "transient"))
      this.deps.recovery?.failed(delivery.configuration.teamId);
    switch (failure.kind) {
      case "rate_limited": {
        // Not the message's fault: the attempt does not count, and no Retry-After ever gives up.
        const at = new Date(now + failure.retryAfterMs);
        await reschedule(prisma, delivery.id, { attempts: delivery.attempts, at, error: failure.error });
        this.deps.metrics.rateLimited(target);
        log.info({ error: failure.error, retryAt: at }, "rate-limited; posting again after Retry-After");
        return "retry";
      }
      case "transient": {
        const { maxAgeMs, maxAttempts, backoffBaseMs, backoffMaxMs } = this.deps.settings;
        const step = nextStep(
          attempts,
          delivery.createdAt.getTime(),
          { maxAgeMs, maxAttempts, baseMs: backoffBaseMs, maxMs: backoffMaxMs },
          now,
        );
        if (step.kind === "retry") {
          await reschedule(prisma, delivery.id, { attempts, at: step.at, error: failure.error });
          log.info({ error: failure.error, attempts, retryAt: step.at }, "post failed; retrying later");
          return "retry";
        }
        return this.#dead(delivery, attempts, failure.error, target, log, "failing for DELIVERY_MAX_AGE");
      }
      case "message":
        return this.#dead(delivery, attempts, failure.error, target, log, "the message itself was refused");
      case "channel": {
        const configurationId = delivery.configuration.id;
        await prisma.$transaction([
          setConfigurationState(prisma, configurationId, failure.state, failure.reason),
          recordFailedAttempt(prisma, delivery.id, { attempts, error: failure.error }),
          holdConfigurationDeliveries(prisma, configurationId),
        ]);
        this.deps.metrics.held("channel");
        log.warn(
          { channelId: delivery.configuration.channelId, state: failure.state, reason: failure.reason },
          "configuration state changed; its deliveries are held",
        );
        return "held";
      }
      case "workspace": {
        const workspace: WorkspaceRef = {
          teamId: delivery.configuration.teamId,
          enterpriseId: delivery.configuration.enterpriseId,
        };
        await this.deps.workspaces.disable(workspace, failure.reason);
        log.warn(
          { teamId: workspace.teamId, reason: failure.reason },
          "workspace disabled; its deliveries are held",
        );
        await this.holdForWorkspace(delivery, attempts, failure.error);
        return "held";
      }
    }
  }

  /** The workspace cannot be posted to: this delivery and the rest of its configuration wait. */
  async holdForWorkspace(delivery: LoadedDelivery, attempts: number, error: string): Promise<void> {
    const prisma = this.deps.prisma;
    await prisma.$transaction([
      recordFailedAttempt(prisma, delivery.id, { attempts, error }),
      holdConfigurationDeliveries(prisma, delivery.configuration.id),
    ]);
    this.deps.metrics.held("workspace");
  }

  async dead(
    delivery: LoadedDelivery,
    attempts: number,
    error: string,
    target: string,
    log: Logger,
  ): Promise<Outcome> {
    return this.#dead(delivery, attempts, error, target, log, "it cannot be delivered");
  }

  async #dead(
    delivery: LoadedDelivery,
    attempts: number,
    error: string,
    target: string,
    log: Logger,
    why: string,
  ): Promise<Outcome> {
    await markDead(this.deps.prisma, delivery.id, { attempts, error });
    this.deps.metrics.deadLettered(target);
    log.warn({ error, attempts }, `dead letter: ${why}`);
    return "dead";
  }
}
