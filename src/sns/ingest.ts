/**
 * The durable half of POST /sns/events: stores a verified Notification and one delivery row per
 * configuration that wants its topic, in one transaction, before SNS is answered 200.
 *
 * Group commit: concurrent requests queue here and are written together, one transaction per
 * batch, so ingest is not bounded by one transaction (one fsync) per request.
 */
import { join, sqltag as sql } from "@prisma/client/runtime/client";
import type { TopicAccessPolicy } from "../config";
import { ARCHIVED_CHANNEL_REASON } from "../configurations/configuration-store";
import type { Database, DbClient } from "../db/database";
import { newRowId } from "../db/row-id";
import { type SqliteWriter, sqliteTimestamp } from "../db/sqlite-writer";
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
  /**
   * Called after a commit that created deliveries to post, with the configurations they are for,
   * so the delivery worker wakes at once (held deliveries wait for their channel and are not told).
   */
  onDeliveriesStored?: (configurationIds: ReadonlySet<string>) => void;
  /**
   * TOPIC_ACCESS (config.topicAccess). `linked`: a notification fans out only to configurations of
   * the operator CLI and of workspaces the topic's AWS account is linked to. A configuration's topic
   * row is written only after the check passed, but a link can be removed later (or was never made,
   * for a later subscriber when 0003_linked_accounts ran): such topics are held here, not delivered.
   * Default `any`.
   */
  topicAccess?: TopicAccessPolicy;
}

/**
 * A configuration was deleted between our read of its topics and the insert of its delivery (a
 * foreign-key violation): the retry reads the topics again.
 */
function isConfigurationRace(error: unknown): boolean {
  const code = driverCode(error);
  return (
    (error as { code?: unknown }).code === "P2003" ||
    code === "23503" ||
    code === "SQLITE_CONSTRAINT_FOREIGNKEY"
  );
}

/**
 * The database's own error code (SQLSTATE, SQLITE_*), wherever it is: on better-sqlite3's error, in
 * the `cause` chain of Prisma's DriverAdapterError, or under `meta.driverAdapterError` of a failed
 * raw query (P2010).
 */
function driverCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; current !== null && typeof current === "object" && depth < 6; depth++) {
    const { originalCode, code, cause, meta } = current as {
      originalCode?: unknown;
      code?: unknown;
      cause?: unknown;
      meta?: unknown;
    };
    if (typeof originalCode === "string") return originalCode;
    // better-sqlite3's own error, thrown as is by the synchronous SQLite path.
    if (typeof code === "string" && code.startsWith("SQLITE_")) return code;
    const wrapped = (meta as { driverAdapterError?: unknown } | undefined)?.driverAdapterError;
    current = wrapped ?? cause;
  }
  return undefined;
}

/**
 * The database refused the data of some message, not the request as a whole: PostgreSQL SQLSTATE
 * class 22 (data exception) or 54 (program limit exceeded), or SQLite's equivalents. Retrying the
 * same batch cannot help; committing its messages one by one keeps the others from failing with it.
 */
function isDataError(error: unknown): boolean {
  const code = driverCode(error) ?? "";
  return /^(22|54)[0-9A-Z]{3}$/.test(code) || /^SQLITE_(TOOBIG|MISMATCH|RANGE)/.test(code);
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
    private readonly db: Pick<Database, "prisma" | "sqlite">,
    private readonly logger: Logger,
    private readonly options: NotificationIngestOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
    this.#linkedOnly = options.topicAccess === "linked";
  }

  readonly #linkedOnly: boolean;

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

  #settle(batch: Pending[], { results, pendingFor }: Committed): void {
    for (const [i, pending] of batch.entries()) pending.resolve(results[i]);
    if (pendingFor.size > 0) this.options.onDeliveriesStored?.(pendingFor);
  }

  /** A write that raced a configuration being deleted conflicts once; the retry sees the deletion. */
  async #commitWithRetry(batch: IncomingNotification[]): Promise<Committed> {
    try {
      return await this.#commit(batch);
    } catch (error) {
      if (!isConfigurationRace(error)) throw error;
      return this.#commit(batch);
    }
  }

  /** One transaction: who wants the topics, the messages not stored before, their deliveries. */
  #commit(batch: IncomingNotification[]): Promise<Committed> {
    const sqlite = this.db.sqlite;
    const linkedOnly = this.#linkedOnly;
    if (sqlite !== undefined)
      return sqlite.transaction((writer) => commitOnSqlite(writer, batch, linkedOnly));
    return this.db.prisma.$transaction(async (tx) => {
      const topicArns = [...new Set(batch.map((n) => n.topicArn))];
      const plan = planBatch(batch, await wantingTargets(tx, topicArns, linkedOnly));
      const now = new Date();
      // The unique MessageId decides: one stored earlier (an SNS retry, another replica) is skipped.
      const inserted = await insertMessages(tx, [...plan.candidates.values()], now);
      const deliveries = planDeliveries(plan, inserted);
      await insertDeliveries(tx, deliveries, now);
      return committed(plan, deliveries);
    }, TRANSACTION_OPTIONS);
  }
}

// ---- What a batch stores (the same on both databases) ----------------------------------------

/** What a commit stored: a result per notification, and the configurations with new pending deliveries. */
interface Committed {
  results: IngestResult[];
  pendingFor: Set<string>;
}

function committed(plan: BatchPlan, deliveries: DeliveryRow[]): Committed {
  const pendingFor = new Set<string>();
  for (const delivery of deliveries)
    if (delivery.status === "pending") pendingFor.add(delivery.configurationId);
  return { results: plan.results, pendingFor };
}

interface BatchPlan {
  /** One per notification of the batch, in order; candidates' are settled by planDeliveries. */
  results: IngestResult[];
  /** The first notification of each MessageId whose topic somebody wants, by MessageId. */
  candidates: Map<string, Candidate>;
}

function planBatch(batch: IncomingNotification[], targets: Map<string, Target[]>): BatchPlan {
  const results: IngestResult[] = batch.map(() => UNWANTED);
  const candidates = new Map<string, Candidate>();
  for (const [index, notification] of batch.entries()) {
    const wanting = targets.get(notification.topicArn);
    if (wanting === undefined) continue;
    if (candidates.has(notification.snsMessageId)) results[index] = DUPLICATE;
    else candidates.set(notification.snsMessageId, { index, id: newRowId(), notification, wanting });
  }
  return { results, candidates };
}

/** The deliveries of the messages that were inserted; settles every candidate's result. */
function planDeliveries(plan: BatchPlan, inserted: Set<string>): DeliveryRow[] {
  const deliveries: DeliveryRow[] = [];
  for (const candidate of plan.candidates.values()) {
    if (!inserted.has(candidate.notification.snsMessageId)) {
      plan.results[candidate.index] = DUPLICATE;
      continue;
    }
    for (const target of candidate.wanting) {
      deliveries.push({
        id: newRowId(),
        messageId: candidate.id,
        configurationId: target.configurationId,
        // A channel waiting for `/invite @AWS`, or archived, keeps its deliveries until it is usable.
        status: target.state === "active" ? "pending" : "held",
      });
    }
    plan.results[candidate.index] = { outcome: "stored", deliveries: candidate.wanting.length };
  }
  return deliveries;
}

// ---- SQL of the hot path ------------------------------------------------------------------------
// Raw statements (the same text on SQLite and PostgreSQL): Prisma's query builder spends ~200 µs
// per row compiling and mapping a createMany, which capped ingest near 2,000 messages/s. Dates are
// passed as Date parameters, so each adapter stores them exactly as its query builder would.

/**
 * maxWait outlasts the pg pool's 5 s connection timeout (and SNS's 15 s answer window): Prisma 6.19
 * abandons a transaction whose BEGIN arrives after maxWait without a ROLLBACK, returning the
 * connection to the pool inside an open transaction (prisma/orm#29719). Waiting longer is harmless:
 * SNS retries a message it got no answer for, and the MessageId makes the retry a duplicate.
 */
const TRANSACTION_OPTIONS = { maxWait: 20_000, timeout: 20_000 } as const;

/** The one reason of a disabled configuration whose notifications are still stored (held). */
const heldWhileDisabled = ARCHIVED_CHANNEL_REASON;

const UNWANTED: IngestResult = { outcome: "unwanted", deliveries: 0 };
const DUPLICATE: IngestResult = { outcome: "duplicate", deliveries: 0 };
/** Rows per INSERT statement, well under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 500;

interface Target {
  configurationId: string;
  state: string;
}

interface Candidate {
  index: number;
  /** Our Message.id. */
  id: string;
  notification: IncomingNotification;
  wanting: Target[];
}

interface DeliveryRow {
  id: string;
  messageId: string;
  configurationId: string;
  status: "pending" | "held";
}

/**
 * Every configuration that can receive the topic: active, awaiting its invite, or disabled only
 * because its channel is archived (`heldWhileDisabled`) — the last two store their deliveries held,
 * so nothing SNS sends while a channel is archived is lost (it flows on channel_unarchive).
 */
const WANTING_TARGETS = `
    SELECT ct."topicArn", ct."configurationId", cfg."state"
    FROM "ConfigurationTopic" AS ct
    JOIN "ChannelConfiguration" AS cfg ON cfg."id" = ct."configurationId"
    WHERE (cfg."state" <> 'disabled' OR cfg."stateReason" = `;
const AND_TOPIC = `) AND ct."topicArn" `;
/** TOPIC_ACCESS=linked: the operator's configurations, or the topic's account linked to the workspace. */
const LINKED_ONLY = (account: string) => `
    AND (cfg."teamId" = 'cli' OR EXISTS (
      SELECT 1 FROM "LinkedAccount" AS la WHERE la."teamId" = cfg."teamId" AND la."accountId" = ${account}))`;
/** The account of a topic ARN (arn:PARTITION:sns:REGION:ACCOUNT:NAME), or "" for anything else. */
export function topicAccountId(topicArn: string): string {
  return topicArn.split(":")[4] ?? "";
}
const INSERT_MESSAGE = `
      INSERT INTO "Message" ("id", "snsMessageId", "topicArn", "subject", "body", "snsTimestamp", "receivedAt")
      VALUES `;
const INSERT_DELIVERY = `
      INSERT INTO "Delivery" ("id", "messageId", "configurationId", "status", "nextAttemptAt", "createdAt", "updatedAt")
      VALUES `;

function targetsByTopic(rows: Array<Target & { topicArn: string }>): Map<string, Target[]> {
  const targets = new Map<string, Target[]>();
  for (const row of rows) {
    const list = targets.get(row.topicArn) ?? [];
    list.push({ configurationId: row.configurationId, state: row.state });
    targets.set(row.topicArn, list);
  }
  return targets;
}

/**
 * SQLite: the whole batch in one synchronous transaction of prepared statements, one row each
 * (SQLite runs a prepared single-row insert in microseconds; there is no round trip to save).
 */
function commitOnSqlite(writer: SqliteWriter, batch: IncomingNotification[], linkedOnly: boolean): Committed {
  const selectTargets = writer.statement(
    `${WANTING_TARGETS}?${AND_TOPIC}= ?${linkedOnly ? LINKED_ONLY("?") : ""}`,
  );
  const rows: Array<Target & { topicArn: string }> = [];
  for (const topicArn of new Set(batch.map((n) => n.topicArn))) {
    const params = linkedOnly
      ? [heldWhileDisabled, topicArn, topicAccountId(topicArn)]
      : [heldWhileDisabled, topicArn];
    rows.push(...(selectTargets.all(...params) as Array<Target & { topicArn: string }>));
  }
  const plan = planBatch(batch, targetsByTopic(rows));
  const now = sqliteTimestamp(new Date());
  const insertMessage = writer.statement(
    `${INSERT_MESSAGE}(?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("snsMessageId") DO NOTHING`,
  );
  const inserted = new Set<string>();
  for (const { id, notification: n } of plan.candidates.values()) {
    const { changes } = insertMessage.run(
      id,
      n.snsMessageId,
      n.topicArn,
      n.subject ?? null,
      n.message,
      n.snsTimestamp,
      now,
    );
    if (changes > 0) inserted.add(n.snsMessageId);
  }
  const insertDelivery = writer.statement(`${INSERT_DELIVERY}(?, ?, ?, ?, ?, ?, ?)`);
  const deliveries = planDeliveries(plan, inserted);
  for (const d of deliveries)
    insertDelivery.run(d.id, d.messageId, d.configurationId, d.status, now, now, now);
  return committed(plan, deliveries);
}

/** Topic → the configurations that want it and can receive it (not disabled). */
async function wantingTargets(
  tx: DbClient,
  topicArns: string[],
  linkedOnly: boolean,
): Promise<Map<string, Target[]>> {
  const access = linkedOnly ? LINKED_ONLY(`split_part(ct."topicArn", ':', 5)`) : "";
  const rows = await tx.$queryRaw<Array<Target & { topicArn: string }>>(
    sql([WANTING_TARGETS, `${AND_TOPIC}IN (`, `)${access}`], heldWhileDisabled, join(topicArns)),
  );
  return targetsByTopic(rows);
}

/** Inserts the messages whose MessageId is new; returns those MessageIds. */
async function insertMessages(tx: DbClient, candidates: Candidate[], now: Date): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let from = 0; from < candidates.length; from += ROWS_PER_STATEMENT) {
    const values = candidates.slice(from, from + ROWS_PER_STATEMENT).map(({ id, notification: n }) => {
      return sql`(${id}, ${n.snsMessageId}, ${n.topicArn}, ${n.subject ?? null}, ${n.message}, ${n.snsTimestamp}, ${now})`;
    });
    const rows = await tx.$queryRaw<Array<{ snsMessageId: string }>>(
      sql(
        [INSERT_MESSAGE, ' ON CONFLICT ("snsMessageId") DO NOTHING RETURNING "snsMessageId"'],
        join(values),
      ),
    );
    for (const row of rows) inserted.add(row.snsMessageId);
  }
  return inserted;
}

async function insertDeliveries(tx: DbClient, deliveries: DeliveryRow[], now: Date): Promise<void> {
  for (let from = 0; from < deliveries.length; from += ROWS_PER_STATEMENT) {
    const values = deliveries.slice(from, from + ROWS_PER_STATEMENT).map((d) => {
      return sql`(${d.id}, ${d.messageId}, ${d.configurationId}, ${d.status}, ${now}, ${now}, ${now})`;
    });
    await tx.$executeRaw(sql([INSERT_DELIVERY, ""], join(values)));
  }
}
