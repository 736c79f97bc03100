/** Delivery health of one configuration (`/aws status`, App Home): one query per function. */
import type { PrismaClient } from "../db/database";
import type { DeliveryStatus } from "../delivery/delivery-control";

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
