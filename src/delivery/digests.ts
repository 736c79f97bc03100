/**
 * Storm digests. When more deliveries wait for a channel than its rate lets out in a few seconds
 * (`digestThreshold`), the worker hands them here together: they become lines of ONE digest message
 * per channel, posted once and then updated in place (chat.update, Tier 3 lane) as more arrive.
 * A new digest starts when the open one is full (render-digest.ts: lines, blocks, text), after
 * `digestQuietMs` without additions, or when the workspace's update budget would make the new lines
 * wait longer than `digestUpdateWaitMs` (a new post shows them sooner).
 *
 * Nothing is dropped and nothing is posted twice beyond at-least-once: each delivery is assigned to
 * its digest (Delivery.digestId) before the digest is posted or updated with it, and marked posted
 * (postedTs = the digest's ts) after; a delivery that comes back assigned (crash, retry, shutdown)
 * goes into the same digest again. Alarm lines move the alarm's thread to the digest: its next
 * change replies in the digest's thread (README, "Storm digests").
 * Webhook rooms cannot edit a post: each webhook digest is one text post of the waiting lines.
 */
import type { Database } from "../db/database";
import { newRowId } from "../db/row-id";
import { ErrorCode, isChatbotError } from "../errors";
import type { Logger } from "../logger";
import {
  addDigestLine,
  type DigestLine,
  digestFits,
  digestLineOf,
  type Notification,
  webhookDigestFits,
} from "../notifications";
import { markPosted } from "../outbox/complete";
import type { CompletionWriter } from "../outbox/completions";
import { assignToDigest, loadDigest } from "../outbox/digest-rows";
import { holdConfigurationDeliveries } from "../outbox/hold";
import type { LoadedDelivery } from "../outbox/leases";
import type { DigestLineRequest } from "./delivery-control";
import type { DeliveryMetrics } from "./delivery-metrics";
import type { Outcome } from "./delivery-types";
import { expandDigestLine, type OpenDigest, sendDigest, viewOf } from "./digest-messages";
import type { FailureRecorder } from "./failure-recorder";
import { notificationOf } from "./message-render";
import { type MuteSource, mutedDelivery } from "./mute-check";
import type { SlackRateLimiter } from "./rate-limiter";
import type { DeliverySettings } from "./settings";
import { type DeliveryFailure, SlackDeliveryError } from "./slack-errors";
import type { SlackTarget } from "./targets/slack";
import type { WebhookDeliveryTarget } from "./targets/webhook";
import { eventTime } from "./threads";
import type { WorkspaceRecovery } from "./workspace-recovery";
import type { WorkspaceStatus } from "./workspace-status";

export interface DigestDeliveryDeps {
  db: Database;
  completions: Pick<CompletionWriter, "write">;
  target: Pick<SlackTarget, "post" | "update">;
  limiter: Pick<SlackRateLimiter, "estimatedWaitMs">;
  webhooks?: Pick<WebhookDeliveryTarget, "post">;
  failures: FailureRecorder;
  workspaces: Pick<WorkspaceStatus, "disabledReason">;
  settings: Pick<DeliverySettings, "digestThreshold" | "digestQuietMs" | "digestUpdateWaitMs">;
  metrics: DeliveryMetrics;
  logger: Logger;
  recovery?: Pick<WorkspaceRecovery, "succeeded">;
  /** Active mutes (issue 13): a muted notification becomes no digest line. */
  noise?: MuteSource;
  now?: () => number;
}

/** A delivery with its rendered line. */
interface Entry {
  delivery: LoadedDelivery;
  notification: Notification;
  line: DigestLine;
}

export class DigestDelivery {
  /** The digest each configuration adds to, while it is open. */
  readonly #open = new Map<string, OpenDigest>();
  #sweptAt = 0;

  constructor(private readonly deps: DigestDeliveryDeps) {}

  /** More than this many waiting in a channel: digest them (0: never). */
  get threshold(): number {
    return this.deps.settings.digestThreshold;
  }

  /** "Show one in full" (digest-messages.ts). */
  expand(request: DigestLineRequest): Promise<boolean> {
    return expandDigestLine(this.deps, request);
  }

  /** Every delivery of `batch` is of one configuration, oldest first. */
  async deliver(batch: LoadedDelivery[], signal: AbortSignal): Promise<Outcome> {
    this.#forgetQuiet();
    const { configuration } = batch[0];
    const log = this.deps.logger.child({ configurationId: configuration.id, digest: true });
    const waiting: LoadedDelivery[] = [];
    for (const delivery of batch) {
      // Already in Slack (its digest was posted, the record was not): record it, never post it again.
      if (delivery.postedTs !== null)
        await markPosted(this.deps.db.prisma, delivery.id, delivery.postedTs, delivery.attempts);
      else waiting.push(delivery);
    }
    if (waiting.length === 0) return "posted";
    const refused = await this.#refused(waiting, log);
    if (refused !== undefined) return refused;
    const entries: Entry[] = [];
    for (const delivery of waiting) {
      const entry = await this.#entry(delivery, log);
      if (entry !== undefined) entries.push(entry);
    }
    const resumed = new Map<string, Entry[]>();
    for (const entry of entries) {
      const id = entry.delivery.digestId;
      if (id !== null) resumed.set(id, [...(resumed.get(id) ?? []), entry]);
    }
    for (const [id, group] of resumed) {
      const outcome = await this.#resume(id, group, signal, log);
      if (outcome !== "posted") return outcome;
    }
    let rest = entries.filter((entry) => entry.delivery.digestId === null);
    while (rest.length > 0) {
      const digest = this.#openFor(configuration);
      const taken = this.#fill(digest, rest, configuration.kind);
      if (taken === 0) {
        this.#open.delete(configuration.id);
        continue;
      }
      const outcome = await this.#publish(digest, rest.slice(0, taken), signal, log);
      if (outcome !== "posted") return outcome;
      rest = rest.slice(taken);
    }
    return "posted";
  }

  /** The checks every post makes (configuration active, workspace usable, a channel to post to). */
  async #refused(waiting: LoadedDelivery[], log: Logger): Promise<Outcome | undefined> {
    const { configuration } = waiting[0];
    if (configuration.state !== "active") {
      await holdConfigurationDeliveries(this.deps.db.prisma, configuration.id);
      return "held";
    }
    if (configuration.kind === "webhook" && this.deps.webhooks !== undefined) return undefined;
    if (configuration.kind !== "slack" || configuration.channelId === null) {
      for (const delivery of waiting)
        await this.deps.failures.dead(
          delivery,
          delivery.attempts,
          `no target for a ${configuration.kind} configuration`,
          configuration.kind,
          log,
        );
      return "dead";
    }
    const disabled = this.deps.workspaces.disabledReason(configuration);
    if (disabled === undefined) return undefined;
    await this.deps.failures.holdForWorkspace(waiting[0], waiting[0].attempts, disabled);
    return "held";
  }

  async #entry(delivery: LoadedDelivery, log: Logger): Promise<Entry | undefined> {
    let notification: Notification;
    try {
      notification = notificationOf(delivery.message);
    } catch (error) {
      log.error({ err: error, deliveryId: delivery.id }, "rendering failed");
      await this.deps.failures.dead(
        delivery,
        delivery.attempts,
        `render failed: ${String(error)}`,
        delivery.configuration.kind,
        log,
      );
      return undefined;
    }
    if (await mutedDelivery(this.deps.noise, this.deps.db.prisma, delivery, notification, log))
      return undefined;
    const at = eventTime(notification, delivery.message.snsTimestamp, delivery.createdAt);
    return { delivery, notification, line: digestLineOf(notification, delivery.id, at) };
  }

  /** Finished digests are forgotten (memory stays bounded by the channels storming right now). */
  #forgetQuiet(): void {
    const now = this.#now();
    if (now - this.#sweptAt < this.deps.settings.digestQuietMs) return;
    this.#sweptAt = now;
    for (const [id, digest] of this.#open) {
      if (now - digest.lastAddedAt > this.deps.settings.digestQuietMs) this.#open.delete(id);
    }
  }

  #now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** The configuration's open digest, unless it went quiet or updating it would wait too long. */
  #openFor(configuration: LoadedDelivery["configuration"]): OpenDigest {
    const now = this.#now();
    const open = this.#open.get(configuration.id);
    const usable =
      open !== undefined &&
      configuration.kind === "slack" &&
      now - open.lastAddedAt <= this.deps.settings.digestQuietMs &&
      (open.ts === null ||
        this.deps.limiter.estimatedWaitMs("update", configuration.teamId) <=
          this.deps.settings.digestUpdateWaitMs);
    if (usable) return open;
    const digest: OpenDigest = {
      id: newRowId(now),
      stored: false,
      ts: null,
      lines: [],
      members: new Set(),
      firstAt: new Date(now),
      lastAt: new Date(now),
      lastAddedAt: now,
    };
    this.#open.set(configuration.id, digest);
    return digest;
  }

  /** Adds entries while the digest stays within its limits; returns how many it took. */
  #fill(digest: OpenDigest, entries: Entry[], kind: string): number {
    const fits = kind === "webhook" ? webhookDigestFits : digestFits;
    let taken = 0;
    for (const entry of entries) {
      const before = digest.lines.slice();
      addDigestLine(digest.lines, entry.line);
      digest.members.add(entry.delivery.id);
      if (!fits(viewOf(digest)) && digest.members.size > 1) {
        digest.lines = before;
        digest.members.delete(entry.delivery.id);
        break;
      }
      taken++;
      const received = entry.delivery.createdAt.getTime();
      if (received < digest.firstAt.getTime()) digest.firstAt = entry.delivery.createdAt;
      if (received > digest.lastAt.getTime()) digest.lastAt = entry.delivery.createdAt;
    }
    if (taken > 0) digest.lastAddedAt = this.#now();
    return taken;
  }

  /** Deliveries that came back assigned to a digest: into that digest again (updated, or posted if it never was). */
  async #resume(id: string, group: Entry[], signal: AbortSignal, log: Logger): Promise<Outcome> {
    const configurationId = group[0].delivery.configurationId;
    let digest = this.#open.get(configurationId);
    if (digest?.id !== id) {
      const row = await loadDigest(this.deps.db.prisma, id);
      digest = {
        id,
        stored: row !== null,
        ts: row?.ts ?? null,
        lines: [],
        members: new Set(),
        firstAt: row?.createdAt ?? new Date(this.#now()),
        lastAt: new Date(this.#now()),
        lastAddedAt: this.#now(),
      };
      for (const delivery of row?.deliveries ?? []) {
        const entry = await this.#entry(delivery, log);
        if (entry !== undefined) addMember(digest, entry);
      }
    }
    for (const entry of group) if (!digest.members.has(entry.delivery.id)) addMember(digest, entry);
    return this.#publish(digest, group, signal, log);
  }

  /** Assigns, posts or updates, then records: the order that keeps the guarantee. */
  async #publish(digest: OpenDigest, entries: Entry[], signal: AbortSignal, log: Logger): Promise<Outcome> {
    const { configuration } = entries[0].delivery;
    const unassigned = entries.filter((entry) => entry.delivery.digestId !== digest.id);
    if (!digest.stored || unassigned.length > 0) {
      await assignToDigest(
        this.deps.db.prisma,
        { id: digest.id, configurationId: configuration.id, create: !digest.stored },
        unassigned.map((entry) => entry.delivery.id),
      );
      digest.stored = true;
      for (const entry of unassigned) entry.delivery.digestId = digest.id;
    }
    let failure: DeliveryFailure | undefined;
    try {
      failure = await sendDigest(this.deps, digest, configuration, signal);
      // A webhook post cannot be edited: the next lines go in a new post.
      if (failure === undefined && configuration.kind === "webhook") this.#open.delete(configuration.id);
    } catch (error) {
      if (isChatbotError(error, ErrorCode.DeliveryAborted)) return "released";
      failure =
        error instanceof SlackDeliveryError
          ? error.failure
          : { kind: "transient", error: `unexpected: ${String(error)}` };
    }
    if (failure !== undefined) {
      // The rest of this digest's batch is retried or held with it; it stays assigned, so it comes back here.
      this.#open.delete(configuration.id);
      let outcome: Outcome = "retry";
      for (const entry of entries) {
        outcome = await this.deps.failures.record(
          entry.delivery,
          entry.delivery.attempts + 1,
          failure,
          configuration.kind,
          log,
        );
      }
      return outcome;
    }
    await this.#record(digest, entries, log);
    return "posted";
  }

  async #record(digest: OpenDigest, entries: Entry[], log: Logger): Promise<void> {
    const ts = digest.ts ?? "";
    const { configuration } = entries[0].delivery;
    const target = configuration.kind;
    await Promise.all(
      entries.map((entry) => {
        const { threadKey, state } = entry.notification;
        return this.deps.completions.write({
          posted: { id: entry.delivery.id, postedTs: ts, attempts: entry.delivery.attempts + 1 },
          // The alarm's thread moves to the digest: its next change replies under the digest.
          thread:
            target !== "slack" || threadKey === undefined || threadKey === ""
              ? undefined
              : {
                  configurationId: configuration.id,
                  threadKey,
                  parentTs: ts,
                  lastState: state ?? null,
                  lastStateAt: entry.line.at,
                },
        });
      }),
    );
    const now = this.#now();
    for (const entry of entries) {
      const latencyMs = now - entry.delivery.createdAt.getTime();
      this.deps.metrics.delivered(target, "digest", latencyMs);
      log.info(
        {
          messageId: entry.delivery.message.snsMessageId,
          channelId: configuration.channelId,
          ts,
          digestId: digest.id,
          latencyMs,
        },
        "notification delivered in a digest",
      );
    }
    if (target === "slack")
      void this.deps.recovery?.succeeded(
        configuration.teamId,
        Math.max(...entries.map((e) => e.delivery.attempts)),
      );
  }
}

function addMember(digest: OpenDigest, entry: Entry): void {
  addDigestLine(digest.lines, entry.line);
  digest.members.add(entry.delivery.id);
}
