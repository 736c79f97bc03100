/**
 * The durable half of POST /sns/events: stores a verified Notification and one delivery row per
 * configuration that wants its topic, in one transaction, before SNS is answered 200.
 *
 * Group commit: concurrent requests queue here and are written together, one transaction per
 * batch, so ingest is not bounded by one transaction (one fsync) per request.
 */
import { randomUUID } from "node:crypto";
import { findTargetsForTopics } from "../configurations/configuration-store";
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";

export type IngestOutcome = "stored" | "duplicate" | "unwanted";

export interface IncomingNotification {
  snsMessageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  snsTimestamp: string;
}

export interface IngestResult {
  outcome: IngestOutcome;
  /** Deliveries created for this message (0 unless stored). */
  deliveries: number;
}

interface Pending {
  notification: IncomingNotification;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

export interface NotificationIngestOptions {
  /** Most notifications written in one transaction. */
  maxBatch?: number;
  /** Called after a commit that created deliveries, so the delivery worker wakes at once. */
  onDeliveriesStored?: (count: number) => void;
}

/** A replica stored the same MessageId, or a configuration was deleted, between our read and write. */
const RACE_CODES = new Set(["P2002", "P2003"]);

/**
 * The database refused the data of some message, not the request as a whole: PostgreSQL SQLSTATE
 * class 22 (data exception) or 54 (program limit exceeded), or SQLite's equivalents. Retrying the
 * same batch cannot help; committing its messages one by one keeps the others from failing with it.
 */
function isDataError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { originalCode?: unknown }).originalCode;
    if (typeof code === "string") {
      return /^(22|54)[0-9A-Z]{3}$/.test(code) || /^SQLITE_(TOOBIG|MISMATCH|RANGE)/.test(code);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Text both databases can store, the same on each: PostgreSQL's text type refuses NUL (SQLSTATE
 * 22021) and Prisma's query serialisation refuses lone UTF-16 surrogates (a JSON string may carry
 * either). Each becomes U+FFFD; any other text, which is all that SNS sends, passes unchanged.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be found.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storable(text: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, "\uFFFD") : text;
}

function storableNotification(notification: IncomingNotification): IncomingNotification {
  return {
    snsMessageId: storable(notification.snsMessageId),
    topicArn: storable(notification.topicArn),
    subject: notification.subject === undefined ? undefined : storable(notification.subject),
    message: storable(notification.message),
    snsTimestamp: storable(notification.snsTimestamp),
  };
}

export class NotificationIngest {
  readonly #queue: Pending[] = [];
  #draining = false;
  readonly #maxBatch: number;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly options: NotificationIngestOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
  }

  /** Resolves once the notification is committed (or recognised); rejects if storing failed. */
  ingest(notification: IncomingNotification): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.#queue.push({ notification: storableNotification(notification), resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch);
      try {
        this.#settle(batch, await this.#commitWithRetry(batch.map((pending) => pending.notification)));
      } catch (error) {
        if (batch.length > 1 && isDataError(error)) {
          this.logger.warn(
            { err: error, batch: batch.length },
            "a notification's data was refused: storing one by one",
          );
          for (const pending of batch) await this.#commitAlone(pending);
          continue;
        }
        this.logger.error({ err: error, batch: batch.length }, "storing SNS notifications failed");
        for (const pending of batch) pending.reject(error);
      }
    }
    this.#draining = false;
  }

  async #commitAlone(pending: Pending): Promise<void> {
    try {
      this.#settle([pending], await this.#commitWithRetry([pending.notification]));
    } catch (error) {
      this.logger.error(
        { err: error, messageId: pending.notification.snsMessageId },
        "storing an SNS notification failed",
      );
      pending.reject(error);
    }
  }

  #settle(batch: Pending[], results: IngestResult[]): void {
    for (const [i, pending] of batch.entries()) pending.resolve(results[i]);
    const created = results.reduce((sum, result) => sum + result.deliveries, 0);
    if (created > 0) this.options.onDeliveriesStored?.(created);
  }

  /** A write that raced another replica or a configuration change conflicts once; the retry sees it. */
  async #commitWithRetry(batch: IncomingNotification[]): Promise<IngestResult[]> {
    try {
      return await this.#commit(batch);
    } catch (error) {
      if (!RACE_CODES.has((error as { code?: string }).code ?? "")) throw error;
      return this.#commit(batch);
    }
  }

  #commit(batch: IncomingNotification[]): Promise<IngestResult[]> {
    return this.prisma.$transaction(async (tx) => {
      const topicArns = [...new Set(batch.map((n) => n.topicArn))];
      const targets = await findTargetsForTopics(tx, topicArns);
      const existing = await tx.message.findMany({
        where: { snsMessageId: { in: [...new Set(batch.map((n) => n.snsMessageId))] } },
        select: { snsMessageId: true },
      });
      const seen = new Set(existing.map((row) => row.snsMessageId));
      const messages: {
        id: string;
        snsMessageId: string;
        topicArn: string;
        subject: string | null;
        body: string;
        snsTimestamp: string;
      }[] = [];
      const deliveries: { id: string; messageId: string; configurationId: string; status: string }[] = [];
      const results = batch.map((notification): IngestResult => {
        if (seen.has(notification.snsMessageId)) return { outcome: "duplicate", deliveries: 0 };
        const wanting = targets.filter(
          (target) => target.topicArn === notification.topicArn && target.state !== "disabled",
        );
        if (wanting.length === 0) return { outcome: "unwanted", deliveries: 0 };
        seen.add(notification.snsMessageId);
        const messageId = randomUUID();
        messages.push({
          id: messageId,
          snsMessageId: notification.snsMessageId,
          topicArn: notification.topicArn,
          subject: notification.subject ?? null,
          body: notification.message,
          snsTimestamp: notification.snsTimestamp,
        });
        for (const target of wanting) {
          deliveries.push({
            id: randomUUID(),
            messageId,
            configurationId: target.configurationId,
            // A channel waiting for `/invite @AWS` keeps its deliveries until it is connected.
            status: target.state === "awaiting_invite" ? "held" : "pending",
          });
        }
        return { outcome: "stored", deliveries: wanting.length };
      });
      if (messages.length > 0) {
        await tx.message.createMany({ data: messages });
        await tx.delivery.createMany({ data: deliveries });
      }
      return results;
    });
  }
}
