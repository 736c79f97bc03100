/**
 * What the outbox holds, for people and for /metrics: the delivery health of one configuration
 * (`/aws status`, App Home) and the queue's depth and oldest age per state. One query per function.
 */
import type { PrismaClient } from "../db/database";

export interface DeliveryStatus {
  /** When the last delivery to this configuration was posted, if ever. */
  lastPostedAt: Date | null;
  /** Waiting to be posted (including retries scheduled for later). */
  pending: number;
  /** Held until the bot is invited to the channel. */
  held: number;
  /** Given up on after bounded retries; visible and replayable. */
  deadLetters: number;
  /** Stored but not posted: a mute matched them (issue 13). */
  muted?: number;
  /** Failed attempts in the last 24 hours. */
  recentFailures: number;
  /** The last error recorded on any of its deliveries, if any. */
  lastError: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function countsByStatus(prisma: PrismaClient, configurationId: string) {
  return prisma.delivery.groupBy({
    by: ["status"],
    where: { configurationId, status: { in: ["pending", "held", "dead", "muted"] } },
    _count: { _all: true },
  });
}

function lastPosted(prisma: PrismaClient, configurationId: string) {
  return prisma.delivery.aggregate({
    where: { configurationId, status: "posted" },
    _max: { updatedAt: true },
  });
}

/** Attempts of deliveries that failed at least once and changed in the window. */
function attemptsWithErrors(prisma: PrismaClient, configurationId: string, since: Date) {
  return prisma.delivery.aggregate({
    where: { configurationId, updatedAt: { gte: since }, lastError: { not: null } },
    _sum: { attempts: true },
  });
}

/** Of those, the ones that were posted in the end (their last attempt succeeded). */
function postedAfterErrors(prisma: PrismaClient, configurationId: string, since: Date) {
  return prisma.delivery.count({
    where: { configurationId, status: "posted", updatedAt: { gte: since }, lastError: { not: null } },
  });
}

function latestError(prisma: PrismaClient, configurationId: string) {
  return prisma.delivery.findFirst({
    where: { configurationId, lastError: { not: null } },
    orderBy: { updatedAt: "desc" },
    select: { lastError: true },
  });
}

/**
 * `recentFailures` counts failed attempts of the last 24 hours: a delivery keeps its last error after
 * it is finally posted, so its failed attempts are its attempts minus the one that succeeded.
 */
export async function deliveryStatusOf(
  prisma: PrismaClient,
  configurationId: string,
  now: Date = new Date(),
): Promise<DeliveryStatus> {
  const since = new Date(now.getTime() - DAY_MS);
  const [counts, posted, attempts, succeeded, error] = await Promise.all([
    countsByStatus(prisma, configurationId),
    lastPosted(prisma, configurationId),
    attemptsWithErrors(prisma, configurationId, since),
    postedAfterErrors(prisma, configurationId, since),
    latestError(prisma, configurationId),
  ]);
  const count = (status: string) => counts.find((group) => group.status === status)?._count._all ?? 0;
  return {
    lastPostedAt: posted._max.updatedAt,
    pending: count("pending"),
    held: count("held"),
    deadLetters: count("dead"),
    muted: count("muted"),
    recentFailures: Math.max(0, (attempts._sum.attempts ?? 0) - succeeded),
    lastError: error?.lastError ?? null,
  };
}

/** The states /metrics reports the depth and oldest age of. */
export const QUEUE_STATES = ["pending", "held", "dead"] as const;

export interface QueueState {
  status: string;
  count: number;
  /** createdAt of the oldest, in ms. */
  oldest: number | null;
}

/** Depth and oldest delivery of each of QUEUE_STATES that has any: one grouped query. */
export async function queueState(prisma: PrismaClient): Promise<QueueState[]> {
  const groups = await prisma.delivery.groupBy({
    by: ["status"],
    where: { status: { in: [...QUEUE_STATES] } },
    _count: { _all: true },
    _min: { createdAt: true },
  });
  return groups.map((group) => ({
    status: group.status,
    count: group._count._all,
    oldest: group._min.createdAt?.getTime() ?? null,
  }));
}
