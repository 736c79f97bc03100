/**
 * The durable half of POST /sns/events: stores a verified Notification and one delivery row per
 * configuration that wants its topic, in one transaction, before SNS is answered 200.
 *
 * Group commit: concurrent requests queue here and are written together, one transaction per
 * batch, so ingest is not bounded by one transaction (one fsync) per request.
 */
import type { TopicAccessPolicy } from "../config";
import { ARCHIVED_CHANNEL_REASON } from "../configurations/configuration-store";
import type { Database } from "../db/database";
import {
  POSTGRES_WRITER_CONNECTIONS,
  type PostgresWriter,
  type PreparedStatement,
  postgresErrorCode,
} from "../db/postgres-writer";
import { newRowId } from "../db/row-id";
import { type SqliteWriter, sqliteTimestamp } from "../db/sqlite-writer";
import type { Logger } from "../logger";
import {
  type BatchDelivery,
  insertBatchOnPostgres,
  insertDeliveriesOnSqlite,
  insertMessagesOnSqlite,
} from "../outbox/enqueue";
import {
  type FilterJudgement,
  type IngestFilterDeps,
  IngestFilters,
  keepOpenThreads,
  NO_REJECTIONS,
  pairKey,
  type ThreadCheck,
} from "./ingest-filters";

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
  /** Channel filters (ingest-filters.ts): a pair a filter keeps out gets no delivery and is counted. */
  filters?: IngestFilterDeps;
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
 * The database's own error code (SQLSTATE, SQLITE_*), wherever it is: on pg's or better-sqlite3's error, in
 * the `cause` chain of Prisma's DriverAdapterError, or under `meta.driverAdapterError` of a failed
 * raw query (P2010).
 */
function driverCode(error: unknown): string | undefined {
  const postgres = postgresErrorCode(error);
  if (postgres !== undefined) return postgres;
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
  #scheduled = false;
  /** Batches being committed now. */
  #writing = 0;
  readonly #maxBatch: number;
  readonly #concurrentBatches: number;

  constructor(
    private readonly db: Pick<Database, "sqlite" | "postgres">,
    private readonly logger: Logger,
    private readonly options: NotificationIngestOptions = {},
  ) {
    this.#maxBatch = options.maxBatch ?? 500;
    this.#linkedOnly = options.topicAccess === "linked";
    this.#filters = options.filters === undefined ? undefined : new IngestFilters(options.filters);
    // SQLite has one writer and commits synchronously. PostgreSQL spends a batch's time waiting for
    // round trips and its WAL flush: the next batch is written meanwhile, and concurrent commits
    // share flushes. (Bounded by the writer's pool, so they never wait for a connection.)
    this.#concurrentBatches = db.sqlite === undefined ? POSTGRES_WRITER_CONNECTIONS : 1;
  }

  readonly #linkedOnly: boolean;
  readonly #filters: IngestFilters | undefined;

  /** Resolves once the notification is committed (or recognised); rejects if storing failed. */
  ingest(notification: IncomingNotification): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.#queue.push({ notification: storableNotification(notification), resolve, reject });
      this.#schedule();
    });
  }

  /** Starts batches on a later tick, so that requests arriving together are committed together. */
  #schedule(): void {
    if (this.#scheduled || this.#writing >= this.#concurrentBatches || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      while (this.#queue.length > 0 && this.#writing < this.#concurrentBatches) {
        this.#writing++;
        void this.#write(this.#queue.splice(0, this.#maxBatch)).finally(() => {
          this.#writing--;
          this.#schedule();
        });
      }
    });
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      this.#settle(batch, await this.#commitWithRetry(batch.map((pending) => pending.notification)));
    } catch (error) {
      if (batch.length > 1 && isDataError(error)) {
        this.logger.warn(
          { err: error, batch: batch.length },
          "a notification's data was refused: storing one by one",
        );
        for (const pending of batch) await this.#commitAlone(pending);
        return;
      }
      this.logger.error({ err: error, batch: batch.length }, "storing SNS notifications failed");
      for (const pending of batch) pending.reject(error);
    }
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
    const { sqlite, postgres } = this.db;
    const options = { linkedOnly: this.#linkedOnly, filters: this.#filters };
    if (sqlite !== undefined) return sqlite.transaction((writer) => commitOnSqlite(writer, batch, options));
    if (postgres === undefined) throw new Error("the database has no hot-path writer");
    return commitOnPostgres(postgres, batch, options);
  }
}

// ---- What a batch stores (the same on both databases) ----------------------------------------

/** What a commit stored: a result per notification, and the configurations with new pending deliveries. */
interface Committed {
  results: IngestResult[];
  pendingFor: Set<string>;
}

function committed(plan: BatchPlan, deliveries: BatchDelivery[]): Committed {
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

/**
 * The deliveries of the messages that were inserted, but for the pairs a filter keeps out; settles
 * every candidate's result.
 */
function planDeliveries(plan: BatchPlan, inserted: Set<string>, judgement: FilterJudgement): BatchDelivery[] {
  const deliveries: BatchDelivery[] = [];
  for (const candidate of plan.candidates.values()) {
    if (!inserted.has(candidate.notification.snsMessageId)) {
      plan.results[candidate.index] = DUPLICATE;
      continue;
    }
    let count = 0;
    for (const target of candidate.wanting) {
      if (
        judgement.rejected.size > 0 &&
        judgement.rejected.has(pairKey(candidate.id, target.configurationId))
      )
        continue;
      count++;
      deliveries.push({
        id: newRowId(),
        messageId: candidate.id,
        configurationId: target.configurationId,
        // A channel waiting for `/invite @AWS`, or archived, keeps its deliveries until it is usable.
        status: target.state === "active" ? "pending" : "held",
      });
    }
    plan.results[candidate.index] = { outcome: "stored", deliveries: count };
  }
  return deliveries;
}

// ---- SQL of the hot path ------------------------------------------------------------------------
// Raw statements (the same text on SQLite and PostgreSQL): Prisma's query builder spends ~200 µs
// per row compiling and mapping a createMany, which capped ingest near 2,000 messages/s. Dates are
// passed as Date parameters, so each adapter stores them exactly as its query builder would.

/** The one reason of a disabled configuration whose notifications are still stored (held). */
const heldWhileDisabled = ARCHIVED_CHANNEL_REASON;

const UNWANTED: IngestResult = { outcome: "unwanted", deliveries: 0 };
const DUPLICATE: IngestResult = { outcome: "duplicate", deliveries: 0 };

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
interface CommitOptions {
  linkedOnly: boolean;
  filters: IngestFilters | undefined;
}

const THREAD_STATE = `SELECT "lastState" FROM "AlarmThread" WHERE "configurationId" = `;

function commitOnSqlite(
  writer: SqliteWriter,
  batch: IncomingNotification[],
  { linkedOnly, filters }: CommitOptions,
): Committed {
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
  const inserted = insertMessagesOnSqlite(writer, plan.candidates.values(), now);
  const judgement = judgeOnSqlite(writer, plan, inserted, filters);
  const deliveries = planDeliveries(plan, inserted, judgement);
  insertDeliveriesOnSqlite(writer, deliveries, now);
  filters?.count(judgement, storedIds(plan, inserted));
  return committed(plan, deliveries);
}

/** The candidates that were inserted, judged; the ALARM→OK rule reads AlarmThread in the same transaction. */
function judgeOnSqlite(
  writer: SqliteWriter,
  plan: BatchPlan,
  inserted: Set<string>,
  filters: IngestFilters | undefined,
): FilterJudgement {
  if (filters === undefined) return NO_REJECTIONS;
  const judgement = filters.judge(
    [...plan.candidates.values()].filter((c) => inserted.has(c.notification.snsMessageId)),
  );
  if (judgement.threadChecks.length === 0) return judgement;
  const threadState = writer.statement(`${THREAD_STATE}? AND "threadKey" = ?`);
  keepOpenThreads(judgement, (check: ThreadCheck) => {
    const row = threadState.get(check.configurationId, check.threadKey) as
      | { lastState: string | null }
      | undefined;
    return row === undefined ? undefined : row.lastState;
  });
  return judgement;
}

/** Our Message.ids of the candidates whose MessageId was inserted. */
function storedIds(plan: BatchPlan, insertedSnsIds: ReadonlySet<string>): Set<string> {
  const ids = new Set<string>();
  for (const c of plan.candidates.values())
    if (insertedSnsIds.has(c.notification.snsMessageId)) ids.add(c.id);
  return ids;
}

// ---- PostgreSQL: two prepared statements a batch, whatever its size -----------------------------
// Each column travels as one array parameter and `unnest` turns the arrays back into rows, so the
// statement text (and its plan) is the same for every batch. DateTimes go as ISO text cast to
// `timestamp`, which keeps them UTC whatever the session's time zone (as claim.ts does).

/** Who wants the topics ($1), holding for archived channels ($2); under TOPIC_ACCESS=linked, linked only. */
const PG_WANTING_TARGETS: PreparedStatement = {
  name: "ingest_wanting_targets",
  text: `${WANTING_TARGETS}$2${AND_TOPIC}= ANY($1::text[])`,
};
const PG_WANTING_LINKED_TARGETS: PreparedStatement = {
  name: "ingest_wanting_linked_targets",
  text: `${WANTING_TARGETS}$2${AND_TOPIC}= ANY($1::text[])${LINKED_ONLY(`split_part(ct."topicArn", ':', 5)`)}`,
};

async function commitOnPostgres(
  writer: PostgresWriter,
  batch: IncomingNotification[],
  { linkedOnly, filters }: CommitOptions,
): Promise<Committed> {
  const topicArns = [...new Set(batch.map((n) => n.topicArn))];
  const plan = planBatch(
    batch,
    targetsByTopic(
      await writer.query<Target & { topicArn: string }>(
        linkedOnly ? PG_WANTING_LINKED_TARGETS : PG_WANTING_TARGETS,
        [topicArns, heldWhileDisabled],
      ),
    ),
  );
  const candidates = [...plan.candidates.values()];
  if (candidates.length === 0) return committed(plan, []);
  const judgement = await judgeOnPostgres(writer, candidates, filters);
  // Every candidate's deliveries go along; the statement keeps those of the messages it inserted.
  const planned = planDeliveries(plan, new Set(plan.candidates.keys()), judgement);
  const inserted = await insertBatchOnPostgres(writer, candidates, planned);
  const stored = new Set<string>();
  for (const candidate of candidates) {
    if (inserted.has(candidate.notification.snsMessageId)) stored.add(candidate.id);
    else plan.results[candidate.index] = DUPLICATE;
  }
  filters?.count(judgement, stored);
  return committed(
    plan,
    planned.filter((delivery) => stored.has(delivery.messageId)),
  );
}

/** The open threads of the ALARM→OK rule, in one query for the batch (before its insert). */
const PG_THREAD_STATES: PreparedStatement = {
  name: "ingest_thread_states",
  text: `
    SELECT t."configurationId", t."threadKey", t."lastState"
    FROM unnest($1::text[], $2::text[]) AS k(configuration_id, thread_key)
    JOIN "AlarmThread" AS t ON t."configurationId" = k.configuration_id AND t."threadKey" = k.thread_key`,
};

async function judgeOnPostgres(
  writer: PostgresWriter,
  candidates: Candidate[],
  filters: IngestFilters | undefined,
): Promise<FilterJudgement> {
  if (filters === undefined) return NO_REJECTIONS;
  const judgement = filters.judge(candidates);
  const checks = judgement.threadChecks;
  if (checks.length === 0) return judgement;
  const rows = await writer.query<{ configurationId: string; threadKey: string; lastState: string | null }>(
    PG_THREAD_STATES,
    [checks.map((c) => c.configurationId), checks.map((c) => c.threadKey)],
  );
  const states = new Map(rows.map((row) => [`${row.configurationId}\u0000${row.threadKey}`, row.lastState]));
  keepOpenThreads(judgement, (check) => states.get(`${check.configurationId}\u0000${check.threadKey}`));
  return judgement;
}
