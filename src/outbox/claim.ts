/**
 * Claiming due deliveries with a lease. A channel belongs to one worker at a time, so its posts
 * stay sequential and in order even with several replicas: a channel is skipped while another
 * owner holds a live lease on any of its deliveries, or while one of its deliveries waits for a
 * retry (so nothing overtakes it).
 *
 * PostgreSQL: one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, behind a
 * transaction-scoped advisory lock so two replicas never decide about the same channel at once. The
 * blocked-channel test runs once per channel (a materialised step), not once per due delivery: per
 * delivery it was quadratic in a channel's backlog (7 s to claim 1,000 of 5,000 waiting).
 * SQLite (one writer by nature): the same rules in one synchronous transaction, see claimOnSqlite.
 */
import type { Database, PrismaClient } from "../db/database";
import { type SqliteWriter, sqliteTimestamp } from "../db/sqlite-writer";
import { type LoadedDelivery, loadClaimed } from "./leases";

export interface ClaimRequest {
  owner: string;
  limit: number;
  leaseMs: number;
  /** Configuration kinds this worker has a target for. */
  kinds: string[];
  /** Channels this worker has enough of in hand already. */
  excludeConfigurations: string[];
  now?: Date;
}

interface ClaimedRow {
  id: string;
  createdAt: Date;
  snsTimestamp: string;
}

/** Arbitrary constant key of pg_advisory_xact_lock: "aws-chatbot claim". */
const CLAIM_LOCK_KEY = 0x63_6c_61_69;

/** Claims and loads (message, configuration) due deliveries, oldest first. */
export async function claimDueDeliveries(db: Database, request: ClaimRequest): Promise<LoadedDelivery[]> {
  if (request.limit <= 0) return [];
  const now = request.now ?? new Date();
  const leaseUntil = new Date(now.getTime() + request.leaseMs);
  return db.sqlite === undefined
    ? claimOnPostgres(db.prisma, request, now, leaseUntil)
    : claimOnSqlite(db, db.sqlite, request, now, leaseUntil);
}

async function claimOnPostgres(
  prisma: PrismaClient,
  request: ClaimRequest,
  now: Date,
  leaseUntil: Date,
): Promise<LoadedDelivery[]> {
  // Timestamps are `timestamp(3)` in UTC; ISO text cast to timestamp keeps them UTC whatever the
  // session time zone.
  const at = now.toISOString();
  const until = leaseUntil.toISOString();
  const [, claimed] = await prisma.$transaction([
    prisma.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CLAIM_LOCK_KEY})`,
    prisma.$queryRaw<ClaimedRow[]>`
      UPDATE "Delivery" AS d
      SET "leaseOwner" = ${request.owner}, "leaseUntil" = ${until}::timestamp, "updatedAt" = ${at}::timestamp
      FROM "Message" AS msg
      WHERE msg.id = d."messageId" AND d.id IN (
        WITH eligible AS MATERIALIZED (
          SELECT cfg.id FROM "ChannelConfiguration" AS cfg
          WHERE cfg.state = 'active'
            AND cfg.kind = ANY(${request.kinds}::text[])
            AND NOT (cfg.id = ANY(${request.excludeConfigurations}::text[]))
            AND NOT EXISTS (
              SELECT 1 FROM "Delivery" AS o
              WHERE o."configurationId" = cfg.id AND o.status = 'pending'
                AND (o."nextAttemptAt" > ${at}::timestamp
                  OR (o."leaseUntil" >= ${at}::timestamp AND o."leaseOwner" <> ${request.owner}))))
        SELECT c.id FROM eligible AS e
        JOIN "Delivery" AS c ON c."configurationId" = e.id AND c.status = 'pending'
        JOIN "Message" AS m ON m.id = c."messageId"
        WHERE c."nextAttemptAt" <= ${at}::timestamp
          AND (c."leaseUntil" IS NULL OR c."leaseUntil" < ${at}::timestamp)
        ORDER BY c."createdAt", m."snsTimestamp", c.id
        LIMIT ${request.limit}
        FOR UPDATE OF c SKIP LOCKED)
      RETURNING d.id, d."createdAt", msg."snsTimestamp"`,
  ]);
  if (claimed.length === 0) return [];
  const order = new Map(claimed.sort(compareOldestFirst).map((row, index) => [row.id, index]));
  const loaded = await loadClaimed(
    prisma,
    claimed.map((row) => row.id),
  );
  return loaded.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * SQLite: one synchronous transaction of prepared statements (src/db/sqlite-writer.ts). The query is
 * driven from the configurations, so a channel left out (its queue here is full) or blocked costs
 * nothing however many deliveries wait for it: under an alarm storm into one rate-limited channel,
 * scanning that backlog at every poll was the single largest cost of ingest. DateTime columns hold
 * Prisma's ISO 8601 text, which compares in time order as text given the same format.
 */
async function claimOnSqlite(
  db: Database,
  sqlite: SqliteWriter,
  request: ClaimRequest,
  now: Date,
  leaseUntil: Date,
): Promise<LoadedDelivery[]> {
  const at = sqliteTimestamp(now);
  const ids = await sqlite.transaction((writer) => {
    const rows = writer.statement(SQLITE_CLAIM).all({
      kinds: JSON.stringify(request.kinds),
      excluded: JSON.stringify(request.excludeConfigurations),
      now: at,
      owner: request.owner,
      limit: request.limit,
    }) as Array<{ id: string }>;
    const claimed = rows.map((row) => row.id);
    if (claimed.length > 0) {
      writer.statement(SQLITE_LEASE).run({
        owner: request.owner,
        until: sqliteTimestamp(leaseUntil),
        now: at,
        ids: JSON.stringify(claimed),
      });
    }
    return claimed;
  });
  if (ids.length === 0) return [];
  const order = new Map(ids.map((id, index) => [id, index]));
  const loaded = await loadClaimed(db.prisma, ids);
  return loaded.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/**
 * @kinds and @excluded (configurations left out) are JSON arrays. The materialised steps, CROSS JOIN
 * and INDEXED BY make SQLite leave the excluded channels out first and then walk only the eligible
 * channels' deliveries (left to itself it scans every due delivery). A channel is blocked while one of its deliveries waits for a retry or is leased by another owner.
 */
const SQLITE_CLAIM = `
  WITH candidate AS MATERIALIZED (
    SELECT cfg."id" FROM "ChannelConfiguration" AS cfg
    WHERE cfg."state" = 'active'
      AND cfg."kind" IN (SELECT value FROM json_each(@kinds))
      AND cfg."id" NOT IN (SELECT value FROM json_each(@excluded))),
  eligible AS MATERIALIZED (
    SELECT c."id" FROM candidate AS c
    WHERE NOT EXISTS (
      SELECT 1 FROM "Delivery" AS o INDEXED BY "Delivery_configurationId_status_idx"
      WHERE o."configurationId" = c."id" AND o."status" = 'pending'
        AND (o."nextAttemptAt" > @now OR (o."leaseUntil" >= @now AND o."leaseOwner" <> @owner))))
  SELECT d."id" FROM eligible AS e
  CROSS JOIN "Delivery" AS d INDEXED BY "Delivery_configurationId_status_idx"
    ON d."configurationId" = e."id" AND d."status" = 'pending'
  JOIN "Message" AS m ON m."id" = d."messageId"
  WHERE d."nextAttemptAt" <= @now AND (d."leaseUntil" IS NULL OR d."leaseUntil" < @now)
  ORDER BY d."createdAt", m."snsTimestamp", d."id"
  LIMIT @limit`;

const SQLITE_LEASE = `
  UPDATE "Delivery" SET "leaseOwner" = @owner, "leaseUntil" = @until, "updatedAt" = @now
  WHERE "id" IN (SELECT value FROM json_each(@ids))`;

/** RETURNING gives rows in no particular order; channels must see theirs in claim order. */
function compareOldestFirst(a: ClaimedRow, b: ClaimedRow): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.snsTimestamp.localeCompare(b.snsTimestamp) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
