/**
 * Claiming due deliveries with a lease. A channel belongs to one worker at a time, so its posts
 * stay sequential and in order even with several replicas: a channel is skipped while another
 * owner holds a live lease on any of its deliveries, or while one of its deliveries waits for a
 * retry (so nothing overtakes it).
 *
 * PostgreSQL: one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`, behind a
 * transaction-scoped advisory lock so two replicas never decide about the same channel at once.
 * SQLite (one writer by nature): the same rules through Prisma's query API in one transaction —
 * the better-sqlite3 adapter stores DateTime as ISO text, which raw SQL would compare as strings.
 */
import type { Database, PrismaClient } from "../db/database";
import { LOADED_DELIVERY_SELECT, type LoadedDelivery, loadClaimed } from "./outbox";

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
  return db.kind === "postgres"
    ? claimOnPostgres(db.prisma, request, now, leaseUntil)
    : claimOnSqlite(db.prisma, request, now, leaseUntil);
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
        SELECT c.id FROM "Delivery" AS c
        JOIN "Message" AS m ON m.id = c."messageId"
        JOIN "ChannelConfiguration" AS cfg ON cfg.id = c."configurationId"
        WHERE c.status = 'pending'
          AND c."nextAttemptAt" <= ${at}::timestamp
          AND (c."leaseUntil" IS NULL OR c."leaseUntil" < ${at}::timestamp)
          AND cfg.state = 'active'
          AND cfg.kind = ANY(${request.kinds}::text[])
          AND NOT (c."configurationId" = ANY(${request.excludeConfigurations}::text[]))
          AND NOT EXISTS (
            SELECT 1 FROM "Delivery" AS o
            WHERE o."configurationId" = c."configurationId" AND o.status = 'pending'
              AND (o."nextAttemptAt" > ${at}::timestamp
                OR (o."leaseUntil" >= ${at}::timestamp AND o."leaseOwner" <> ${request.owner})))
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

async function claimOnSqlite(
  prisma: PrismaClient,
  request: ClaimRequest,
  now: Date,
  leaseUntil: Date,
): Promise<LoadedDelivery[]> {
  return prisma.$transaction(async (tx) => {
    const blocked = await tx.delivery.findMany({
      where: {
        status: "pending",
        OR: [
          { nextAttemptAt: { gt: now } },
          { leaseUntil: { gte: now }, NOT: { leaseOwner: request.owner } },
        ],
      },
      distinct: ["configurationId"],
      select: { configurationId: true },
    });
    const rows = await tx.delivery.findMany({
      where: {
        status: "pending",
        nextAttemptAt: { lte: now },
        OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
        configurationId: {
          notIn: [...request.excludeConfigurations, ...blocked.map((row) => row.configurationId)],
        },
        configuration: { state: "active", kind: { in: request.kinds } },
      },
      orderBy: [{ createdAt: "asc" }, { message: { snsTimestamp: "asc" } }, { id: "asc" }],
      take: request.limit,
      select: LOADED_DELIVERY_SELECT,
    });
    if (rows.length > 0) {
      await tx.delivery.updateMany({
        where: { id: { in: rows.map((row) => row.id) } },
        data: { leaseOwner: request.owner, leaseUntil, updatedAt: now },
      });
    }
    return rows;
  });
}

/** RETURNING gives rows in no particular order; channels must see theirs in claim order. */
function compareOldestFirst(a: ClaimedRow, b: ClaimedRow): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.snsTimestamp.localeCompare(b.snsTimestamp) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
