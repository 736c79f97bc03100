/**
 * The outbox rows (Delivery) after a claim: one query per function. Functions that return a
 * PrismaPromise can be combined in `prisma.$transaction([...])`.
 */
import type { DbClient, PrismaClient } from "../db/database";

/** What the worker needs of a claimed delivery: its message and its configuration. */
export const LOADED_DELIVERY_SELECT = {
  id: true,
  attempts: true,
  configurationId: true,
  postedTs: true,
  createdAt: true,
  message: { select: { snsMessageId: true, topicArn: true, subject: true, body: true, snsTimestamp: true } },
  configuration: {
    select: {
      id: true,
      kind: true,
      name: true,
      teamId: true,
      enterpriseId: true,
      channelId: true,
      state: true,
    },
  },
} as const;

export function loadClaimed(prisma: PrismaClient, ids: string[]) {
  return prisma.delivery.findMany({ where: { id: { in: ids } }, select: LOADED_DELIVERY_SELECT });
}

export type LoadedDelivery = Awaited<ReturnType<typeof loadClaimed>>[number];

/** Posted: never posted again. (A delivery deleted meanwhile, with its configuration, is no error.) */
export function markPosted(prisma: PrismaClient, id: string, postedTs: string, attempts: number) {
  return prisma.delivery.updateMany({
    where: { id },
    data: { status: "posted", postedTs, attempts, leaseOwner: null, leaseUntil: null },
  });
}

/** A transient failure: try again at `at`. */
export function reschedule(
  prisma: PrismaClient,
  id: string,
  change: { attempts: number; at: Date; error: string },
) {
  return prisma.delivery.update({
    where: { id },
    data: {
      attempts: change.attempts,
      nextAttemptAt: change.at,
      lastError: change.error,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
}

/** Given up on: visible and replayable (`chatbot dead-letters`). */
export function markDead(prisma: PrismaClient, id: string, change: { attempts: number; error: string }) {
  return prisma.delivery.update({
    where: { id },
    data: {
      status: "dead",
      attempts: change.attempts,
      lastError: change.error,
      leaseOwner: null,
      leaseUntil: null,
    },
  });
}

/** Records a failed attempt on a delivery that is about to be held with its channel. */
export function recordFailedAttempt(db: DbClient, id: string, change: { attempts: number; error: string }) {
  return db.delivery.update({ where: { id }, data: { attempts: change.attempts, lastError: change.error } });
}

/** Hands claimed deliveries back untouched (shutdown, or a channel that must wait for a retry). */
export function releaseLeases(prisma: PrismaClient, owner: string, ids: string[]) {
  return prisma.delivery.updateMany({
    where: { id: { in: ids }, leaseOwner: owner },
    data: { leaseOwner: null, leaseUntil: null },
  });
}

/** Extends the leases of the deliveries this owner has in hand; returns how many it still holds. */
export function renewLeases(prisma: PrismaClient, owner: string, ids: string[], leaseUntil: Date) {
  return prisma.delivery.updateMany({
    where: { id: { in: ids }, leaseOwner: owner, status: "pending" },
    data: { leaseUntil },
  });
}

/** Every pending delivery of a configuration waits (awaiting_invite, disabled, workspace disabled). */
export function holdConfigurationDeliveries(db: DbClient, configurationId: string) {
  return db.delivery.updateMany({
    where: { configurationId, status: "pending" },
    data: { status: "held", leaseOwner: null, leaseUntil: null },
  });
}

/** Held deliveries of a configuration become due now; returns how many. */
export function releaseHeldDeliveries(db: DbClient, configurationId: string, now: Date = new Date()) {
  return db.delivery.updateMany({
    where: { configurationId, status: "held" },
    data: { status: "pending", nextAttemptAt: now, leaseOwner: null, leaseUntil: null },
  });
}

/** Active configurations that still have held deliveries (their workspace was disabled). */
export function activeConfigurationsWithHeld(prisma: PrismaClient) {
  return prisma.channelConfiguration.findMany({
    where: { state: "active", deliveries: { some: { status: "held" } } },
    select: { id: true, teamId: true, enterpriseId: true },
  });
}
