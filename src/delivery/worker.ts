/**
 * The outbox worker: claims due deliveries (leased), queues them per channel and runs every
 * channel's queue on its own — channels post concurrently, one channel's posts are sequential and
 * in order. It claims at once when woken (ingest stored deliveries) and polls only as a fallback
 * and for scheduled retries. Leases are renewed while deliveries are in hand, so waiting for a
 * rate limit never lets another replica take them; a killed process's leases simply expire.
 *
 * stop(): no more claims; each channel finishes the post it is in the middle of, hands back the
 * rest (leases cleared, so another replica takes them at once) and the worker resolves.
 */
import { randomBytes } from "node:crypto";
import { setMaxListeners } from "node:events";
import os from "node:os";
import type { Database } from "../db/database";
import type { Logger } from "../logger";
import { claimDueDeliveries } from "../outbox/claim";
import { type LoadedDelivery, releaseLeases, renewLeases } from "../outbox/leases";
import type { DeliveryProcessor } from "./delivery-processor";
import type { Outcome } from "./delivery-types";
import type { DigestDelivery } from "./digests";

export interface DeliveryWorkerOptions {
  db: Database;
  processor: Pick<DeliveryProcessor, "process">;
  /** Storm digests: a channel with more than `threshold` waiting posts them as one digest. */
  digests?: Pick<DigestDelivery, "deliver" | "threshold">;
  logger: Logger;
  leaseMs: number;
  pollMs: number;
  /** Configuration kinds with a target. */
  kinds?: string[];
  /** Most deliveries claimed in one query. */
  batchSize?: number;
  /** Most deliveries in hand (queued or posting) at once. */
  maxInFlight?: number;
  /** A channel with this many queued is left out of claims until it drains (fairness, memory). */
  perChannelQueue?: number;
  /** Lease owner id; unique per process by default. */
  owner?: string;
}

const COALESCE_WAKES_MS = 5;

interface InHand {
  readonly delivery: LoadedDelivery;
  claimedAt: number;
}

export class DeliveryWorker {
  readonly owner: string;
  readonly #queues = new Map<string, InHand[]>();
  readonly #runners = new Map<string, Promise<void>>();
  /** Hand-backs of a channel's queue, which go on after its runner has left #runners. */
  readonly #handingBack = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  readonly #batchSize: number;
  readonly #maxInFlight: number;
  readonly #perChannelQueue: number;
  readonly #kinds: string[];
  /** The deliveries queued or being posted, by id. */
  readonly #inHand = new Map<string, InHand>();
  #pumping: Promise<void> | undefined;
  #again = false;
  /** The last claim left channels out or ran out of room: a draining channel should claim again. */
  #claimAgainOnDrain = false;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #pollTimer: NodeJS.Timeout | undefined;
  #renewTimer: NodeJS.Timeout | undefined;
  #renewedAt = 0;
  #renewing: Promise<void> | undefined;
  #stopped: Promise<void> = Promise.resolve();
  #claims = 0;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;
    this.#batchSize = options.batchSize ?? 200;
    this.#maxInFlight = options.maxInFlight ?? 2_000;
    this.#perChannelQueue = options.perChannelQueue ?? 20;
    this.#kinds = options.kinds ?? ["slack"];
    // Every channel waiting for its turn listens to this signal (and stops listening when served).
    setMaxListeners(0, this.#abort.signal);
  }

  /** Claim queries run since start (the cost a wake saves when it is skipped). */
  get claims(): number {
    return this.#claims;
  }

  /** Deliveries claimed and not finished. */
  get inFlight(): number {
    return this.#inHand.size;
  }

  start(): void {
    if (this.#state !== "new") return;
    this.#state = "running";
    this.#pollTimer = setInterval(() => void this.#pump(), this.options.pollMs).unref();
    this.#renewTimer = setInterval(
      () => {
        this.#renewing = this.#renew();
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    ).unref();
    void this.#pump();
  }

  /**
   * Claim now instead of at the next poll. Cheap to call often: wakes coalesce, and a wake for
   * channels whose queues are all full is skipped (a claim leaves those channels out anyway; each
   * claims again as it drains, and the poll serves every other due delivery).
   */
  wake(configurationIds?: ReadonlySet<string>): void {
    if (this.#state !== "running") return;
    if (configurationIds !== undefined && this.#everyQueueFull(configurationIds)) return;
    void this.#pump();
  }

  #everyQueueFull(configurationIds: ReadonlySet<string>): boolean {
    for (const id of configurationIds) {
      if ((this.#queues.get(id)?.length ?? 0) < this.#perChannelQueue) return false;
    }
    return true;
  }

  /** Resolves once the posts in flight are recorded and the rest handed back (idempotent). */
  stop(): Promise<void> {
    if (this.#state === "new") this.#state = "stopped";
    if (this.#state === "running") {
      this.#state = "stopping";
      this.#stopped = this.#drain();
    }
    return this.#stopped;
  }

  async #drain(): Promise<void> {
    clearInterval(this.#pollTimer);
    this.#abort.abort();
    await this.#pumping;
    // Stop resolves only when the database is no longer used: hand-backs and a renewal included.
    while (this.#runners.size > 0 || this.#handingBack.size > 0)
      await Promise.allSettled([...this.#runners.values(), ...this.#handingBack]);
    clearInterval(this.#renewTimer);
    await this.#renewing;
    this.#state = "stopped";
    this.options.logger.info({ owner: this.owner }, "delivery worker stopped");
  }

  #pump(): Promise<void> {
    if (this.#pumping !== undefined) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = this.#claimWhileDue()
      .catch((error: unknown) => this.options.logger.error({ err: error }, "claiming deliveries failed"))
      .finally(() => {
        this.#pumping = undefined;
      });
    return this.#pumping;
  }

  async #claimWhileDue(): Promise<void> {
    for (let first = true; first || this.#again; first = false) {
      // Woken again while claiming (ingest commits come hundreds a second): gather a few ms of
      // new deliveries into the next claim instead of one claim per commit.
      if (!first) await new Promise((resolve) => setTimeout(resolve, COALESCE_WAKES_MS));
      if (this.#state !== "running") return;
      this.#again = false;
      for (;;) {
        if (this.#state !== "running") return;
        const room = this.#maxInFlight - this.#inHand.size;
        const full = [...this.#queues]
          .filter(([, queue]) => queue.length >= this.#perChannelQueue)
          .map(([id]) => id);
        this.#claimAgainOnDrain = room <= 0 || full.length > 0;
        if (room <= 0) return;
        const limit = Math.min(this.#batchSize, room);
        this.#claims++;
        const claimed = await claimDueDeliveries(this.options.db, {
          owner: this.owner,
          limit,
          leaseMs: this.options.leaseMs,
          kinds: this.#kinds,
          excludeConfigurations: full,
        });
        if (claimed.length === 0) break;
        const claimedAt = Date.now();
        for (const delivery of claimed) {
          // Our own lease ran out while it waited (a stalled process) and we claimed it again:
          // it is queued already (queueing it twice would post it twice); it has a fresh lease now.
          const held = this.#inHand.get(delivery.id);
          if (held === undefined) this.#enqueue({ delivery, claimedAt });
          else held.claimedAt = claimedAt;
        }
        if (claimed.length < limit) break;
      }
    }
  }

  #enqueue(item: InHand): void {
    const id = item.delivery.configurationId;
    let queue = this.#queues.get(id);
    if (queue === undefined) {
      queue = [];
      this.#queues.set(id, queue);
    }
    queue.push(item);
    this.#inHand.set(item.delivery.id, item);
    if (!this.#runners.has(id)) this.#runners.set(id, this.#runChannel(id, queue));
  }

  async #runChannel(configurationId: string, queue: InHand[]): Promise<void> {
    // Start on a later tick, so the whole claim is queued before the first post.
    await Promise.resolve();
    try {
      while (queue.length > 0 && this.#state === "running") {
        if (this.#digesting(queue)) {
          const outcome = await this.#digest(queue);
          if (outcome === "posted" || outcome === "dead") continue;
          break;
        }
        const item = queue[0];
        if (!this.#leaseStillOurs(item)) {
          // Stalled past the lease: another replica may own it now. Posting could duplicate it.
          queue.shift();
          this.#inHand.delete(item.delivery.id);
          this.options.logger.warn(
            { deliveryId: item.delivery.id },
            "lease expired before posting; left for a re-claim",
          );
          continue;
        }
        const outcome = await this.#process(item.delivery);
        if (outcome === "released") break;
        queue.shift();
        this.#inHand.delete(item.delivery.id);
        if (outcome === "retry" || outcome === "held") break;
      }
    } finally {
      const rest = queue.splice(0);
      for (const item of rest) this.#inHand.delete(item.delivery.id);
      this.#queues.delete(configurationId);
      this.#runners.delete(configurationId);
      if (rest.length > 0) {
        const handBack = this.#release(rest);
        this.#handingBack.add(handBack);
        await handBack.finally(() => this.#handingBack.delete(handBack));
      }
      if (this.#claimAgainOnDrain && this.#state === "running") void this.#pump();
    }
  }

  /** More waiting than the channel's rate lets out soon, or the head already belongs to a digest. */
  #digesting(queue: InHand[]): boolean {
    const threshold = this.options.digests?.threshold ?? 0;
    return threshold > 0 && (queue.length > threshold || queue[0].delivery.digestId !== null);
  }

  /**
   * Everything queued goes into the channel's digest at once. While the digest is posted or updated
   * (paced), the queue refills: the next round carries all of that in one update.
   */
  async #digest(queue: InHand[]): Promise<Outcome> {
    const batch = queue.splice(0).filter((item) => {
      if (this.#leaseStillOurs(item)) return true;
      this.#inHand.delete(item.delivery.id);
      return false;
    });
    if (batch.length === 0) return "posted";
    if (this.#claimAgainOnDrain && this.#state === "running") void this.#pump();
    let outcome: Outcome;
    try {
      outcome = await (this.options.digests as NonNullable<DeliveryWorkerOptions["digests"]>).deliver(
        batch.map((item) => item.delivery),
        this.#abort.signal,
      );
    } catch (error) {
      this.options.logger.error({ err: error, count: batch.length }, "digest failed unexpectedly");
      outcome = "retry";
    }
    // Shutdown mid-digest: back in the queue, so they are handed back (still assigned to their digest).
    if (outcome === "released") queue.unshift(...batch);
    else for (const item of batch) this.#inHand.delete(item.delivery.id);
    return outcome;
  }

  async #process(delivery: LoadedDelivery): Promise<Outcome> {
    try {
      return await this.options.processor.process(delivery, this.#abort.signal);
    } catch (error) {
      // A database failure while recording: the lease runs out and the delivery is tried again.
      this.options.logger.error({ err: error, deliveryId: delivery.id }, "delivery failed unexpectedly");
      return "retry";
    }
  }

  #leaseStillOurs(item: InHand): boolean {
    const leaseUntil = Math.max(item.claimedAt, this.#renewedAt) + this.options.leaseMs;
    return Date.now() < leaseUntil - Math.min(5_000, this.options.leaseMs / 6);
  }

  async #release(items: InHand[]): Promise<void> {
    try {
      await releaseLeases(
        this.options.db.prisma,
        this.owner,
        items.map((item) => item.delivery.id),
      );
    } catch (error) {
      this.options.logger.warn(
        { err: error, count: items.length },
        "could not release leases; they will expire",
      );
    }
  }

  async #renew(): Promise<void> {
    if (this.#inHand.size === 0) return;
    const startedAt = Date.now();
    try {
      await renewLeases(
        this.options.db.prisma,
        this.owner,
        [...this.#inHand.keys()],
        new Date(startedAt + this.options.leaseMs),
      );
      this.#renewedAt = startedAt;
    } catch (error) {
      this.options.logger.warn({ err: error }, "renewing delivery leases failed");
    }
  }
}
