/**
 * The delivery side as the rest of the app sees it (DeliveryControl), and its composition: the
 * Slack target with its rate limiter, the processor, the worker, the parent updater, and a sweep
 * that lets deliveries held for a disabled workspace flow again once it is usable.
 */
import type { Database } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import type { Metrics } from "../http/metrics";
import type { Logger } from "../logger";
import { CompletionWriter } from "../outbox/completions";
import { activeConfigurationsWithHeld, holdStrandedDeliveries, releaseHeldDeliveries } from "../outbox/hold";
import { deliveryStatusOf } from "../outbox/inspect";
import type { WorkspaceTokens } from "../slack/workspace-tokens";
import { WebhookSender } from "../webhooks";
import { activateConfiguration, findConfigurationState, reactivatableByInvite } from "./configuration-state";
import type { DeliveryControl, DeliveryStatus, DigestLineRequest } from "./delivery-control";
import { DeliveryMetrics } from "./delivery-metrics";
import { DeliveryProcessor } from "./delivery-processor";
import type { PostedListener } from "./delivery-types";
import { DigestDelivery } from "./digests";
import { FailureRecorder } from "./failure-recorder";
import type { NoiseSnapshot } from "./noise-snapshot";
import { acknowledgementsAt } from "./notification-actions";
import { ParentUpdater } from "./parent-updates";
import { SlackRateLimiter } from "./rate-limiter";
import type { DeliverySettings } from "./settings";
import { PostgresRateStore } from "./shared-rate";
import { SharedSlackRateLimiter } from "./shared-rate-limiter";
import { SlackDelivery } from "./slack-delivery";
import { SlackTarget } from "./targets/slack";
import { WebhookDeliveryTarget } from "./targets/webhook";
import { DeliveryWorker } from "./worker";
import { WorkspaceRecovery } from "./workspace-recovery";
import { type TokenMode, WorkspaceStatus } from "./workspace-status";

export interface DeliveryServiceDeps {
  db: Database;
  settings: DeliverySettings;
  slackApiUrl: string;
  tokens: WorkspaceTokens;
  /** "single" with SLACK_BOT_TOKEN, "oauth" with installations. */
  tokenMode: TokenMode;
  metrics: Metrics;
  logger: Logger;
  /** Decrypts webhook URLs; without it webhook configurations are not delivered by this process. */
  secrets?: SecretBox;
  /** Lease owner id (default: host, pid and a random suffix). */
  owner?: string;
  /** Longest wait in stop() (default: the Slack timeout + 5 s). */
  stopTimeoutMs?: number;
  /** Mentions and mutes of the channels (issue 13), in memory. */
  noise?: NoiseSnapshot;
}

/** How often held deliveries of re-enabled workspaces are looked for (and installations reloaded). */
const SWEEP_EVERY_POLLS = 10;

export class DeliveryService implements DeliveryControl {
  readonly worker: DeliveryWorker;
  readonly limiter: SlackRateLimiter;
  readonly #workspaces: WorkspaceStatus;
  readonly #parents: ParentUpdater;
  readonly #recovery: WorkspaceRecovery;
  readonly #digests: DigestDelivery;
  readonly #logger: Logger;
  readonly #postedListeners: PostedListener[] = [];
  #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;

  constructor(private readonly deps: DeliveryServiceDeps) {
    const { settings } = deps;
    this.#logger = deps.logger;
    const metrics = new DeliveryMetrics(deps.metrics);
    metrics.exposeQueue(deps.db, deps.logger);
    const lanes = {
      post: { channel: settings.channelRate, workspace: settings.workspaceRate },
      update: { workspace: settings.updateRate },
    };
    // SQLite is one process by design; on PostgreSQL every replica paces from the shared buckets.
    this.limiter =
      deps.db.sqlite === undefined
        ? new SharedSlackRateLimiter(lanes, new PostgresRateStore(deps.db.prisma), deps.logger)
        : new SlackRateLimiter(lanes);
    const target = new SlackTarget({
      apiUrl: deps.slackApiUrl,
      tokens: deps.tokens,
      limiter: this.limiter,
      timeoutMs: settings.slackTimeoutMs,
      logger: deps.logger.child({ component: "slack-target" }),
      metrics,
    });
    this.#workspaces = new WorkspaceStatus(deps.db.prisma, deps.tokenMode);
    this.#parents = new ParentUpdater(target, deps.logger.child({ component: "thread-parents" }), metrics);
    const prisma = deps.db.prisma;
    const completions = new CompletionWriter(deps.db);
    const recovery = new WorkspaceRecovery({
      prisma,
      logger: deps.logger,
      wake: () => this.worker.wake(),
    });
    this.#recovery = recovery;
    const failures = new FailureRecorder({
      prisma,
      workspaces: this.#workspaces,
      settings,
      metrics,
      recovery,
    });
    const slack = new SlackDelivery({
      db: deps.db,
      completions,
      target,
      parents: this.#parents,
      failures,
      settings,
      metrics,
      logger: deps.logger,
      recovery,
      noise: deps.noise,
      acknowledgements: (configurationId, ts) => acknowledgementsAt(deps.db, configurationId, ts),
      onPosted: async (posted) => {
        for (const listener of this.#postedListeners) await listener(posted);
      },
    });
    const webhooks =
      deps.secrets === undefined
        ? undefined
        : new WebhookDeliveryTarget({
            prisma,
            secrets: deps.secrets,
            sender: new WebhookSender({ logger: deps.logger }),
          });
    const processor = new DeliveryProcessor({
      prisma,
      completions,
      slack,
      webhooks,
      failures,
      workspaces: this.#workspaces,
      metrics,
      logger: deps.logger,
      noise: deps.noise,
    });
    this.#digests = new DigestDelivery({
      db: deps.db,
      completions,
      target,
      limiter: this.limiter,
      webhooks,
      failures,
      workspaces: this.#workspaces,
      settings,
      metrics,
      logger: deps.logger.child({ component: "digests" }),
      recovery,
      noise: deps.noise,
    });
    this.worker = new DeliveryWorker({
      db: deps.db,
      processor,
      digests: this.#digests,
      logger: deps.logger,
      leaseMs: settings.leaseMs,
      pollMs: settings.pollMs,
      kinds: processor.kinds,
      owner: deps.owner,
    });
  }

  async start(): Promise<void> {
    await this.#workspaces.refresh();
    this.worker.start();
    this.#sweepTimer = setInterval(
      () => void this.#sweep(),
      this.deps.settings.pollMs * SWEEP_EVERY_POLLS,
    ).unref();
    this.#logger.info({ owner: this.worker.owner }, "delivery worker started");
  }

  /**
   * Stops claiming, lets in-flight posts finish (each is bounded by DELIVERY_SLACK_TIMEOUT_MS),
   * hands back the rest. Gives up waiting after `stopTimeoutMs` so a shutdown never hangs on a stuck
   * database call; whatever was still in hand is then left to its lease.
   */
  async stop(): Promise<void> {
    clearInterval(this.#sweepTimer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      timer = setTimeout(
        () => resolve("timeout"),
        this.deps.stopTimeoutMs ?? this.deps.settings.slackTimeoutMs + 5_000,
      );
    });
    const stopped = (async () => {
      await this.#sweeping;
      await this.worker.stop();
      await this.#parents.stop();
      // A post's success may have started a resume of its workspace's waiting deliveries.
      await this.#recovery.drain();
      return "stopped" as const;
    })();
    const outcome = await Promise.race([stopped, deadline]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      this.#logger.warn(
        { inFlight: this.worker.inFlight },
        "delivery did not stop in time; deliveries still in hand are left to their leases",
      );
    }
  }

  /** Runs `listener` after each notification is posted and recorded (e.g. to attach a chart). */
  onPosted(listener: PostedListener): void {
    this.#postedListeners.push(listener);
  }

  wake(configurationIds?: ReadonlySet<string>): void {
    this.worker.wake(configurationIds);
  }

  async releaseHeld(configurationId: string): Promise<number> {
    const prisma = this.deps.db.prisma;
    const result = await prisma.$transaction(async (tx) => {
      const configuration = await findConfigurationState(tx, configurationId);
      if (configuration === null) return { released: 0, activated: false, previous: null };
      let state = configuration.state;
      const activated = reactivatableByInvite(configuration.state, configuration.stateReason);
      if (activated) {
        await activateConfiguration(tx, configurationId);
        state = "active";
      }
      if (state !== "active") return { released: 0, activated, previous: configuration };
      const { count } = await releaseHeldDeliveries(tx, configurationId);
      return { released: count, activated, previous: configuration };
    });
    if (result.activated) {
      this.#logger.info(
        {
          configurationId,
          from: result.previous?.state,
          reason: "the bot joined the channel",
          released: result.released,
        },
        "configuration active again",
      );
    }
    if (result.released > 0) this.wake();
    return result.released;
  }

  expandDigestLine(request: DigestLineRequest): Promise<boolean> {
    return this.#digests.expand(request);
  }

  statusOf(configurationId: string): Promise<DeliveryStatus> {
    return deliveryStatusOf(this.deps.db.prisma, configurationId);
  }

  #sweep(): Promise<void> {
    this.#sweeping ??= this.#holdStranded()
      .then(() => this.#releaseUsableWorkspaces())
      .catch((error: unknown) => this.#logger.warn({ err: error }, "delivery sweep failed"))
      .finally(() => {
        this.#sweeping = undefined;
      });
    return this.#sweeping;
  }

  /** Pending deliveries of paused configurations that no worker has: held, as if stored after the pause. */
  async #holdStranded(): Promise<void> {
    const { count } = await holdStrandedDeliveries(this.deps.db.prisma, new Date());
    if (count > 0) this.#logger.info({ held: count }, "deliveries of a paused configuration held");
  }

  /** Held deliveries of ACTIVE configurations wait only for their workspace; release them once it is usable. */
  async #releaseUsableWorkspaces(): Promise<void> {
    await this.#workspaces.refresh();
    const prisma = this.deps.db.prisma;
    let released = 0;
    for (const configuration of await activeConfigurationsWithHeld(prisma)) {
      if (!this.#workspaces.usable(configuration)) continue;
      released += (await releaseHeldDeliveries(prisma, configuration.id)).count;
    }
    if (released > 0) {
      this.#logger.info({ released }, "workspace usable again: held deliveries released");
      this.wake();
    }
  }
}
