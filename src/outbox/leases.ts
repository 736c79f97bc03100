/**
 * The outbox rows (Delivery) after a claim: one query per function. Functions that return a
 * PrismaPromise can be combined in `prisma.$transaction([...])`.
 */
import type { DbClient, PrismaClient } from "../db/database";
import { chunked } from "./bulk-writes";

/** What the worker needs of a claimed delivery: its message and its configuration. */
export const LOADED_DELIVERY_SELECT = {
  id: true,
  attempts: true,
  configurationId: true,
  postedTs: true,
  digestId: true,
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

/**
 * Ids bound in one statement: Prisma binds each as a parameter, and SQLite (as Prisma's adapter
 * runs it) refuses more than 999 in a statement. Any number in hand is renewed, released or
 * loaded in statements of at most this many.
 */
export const IDS_PER_STATEMENT = 500;

function loadClaimedChunk(prisma: PrismaClient, ids: string[]) {
  return prisma.delivery.findMany({ where: { id: { in: ids } }, select: LOADED_DELIVERY_SELECT });
}

export type LoadedDelivery = Awaited<ReturnType<typeof loadClaimedChunk>>[number];

export async function loadClaimed(prisma: PrismaClient, ids: string[]): Promise<LoadedDelivery[]> {
  const loaded: LoadedDelivery[] = [];
  for (const chunk of chunked(ids, IDS_PER_STATEMENT))
    loaded.push(...(await loadClaimedChunk(prisma, chunk)));
  return loaded;
}

/** Posted: never posted again. (A delivery deleted meanwhile, with its configuration, is no error.) */
export function markPosted(prisma: PrismaClient, id: string, postedTs: string, attempts: number) {
  return prisma.delivery.updateMany({
    where: { id },
    data: { status: "posted", postedTs, attempts, leaseOwner: null, leaseUntil: null },
  });
}

/** A mute matched it (issue 13): stored and counted, never posted. */
export function markMuted(prisma: PrismaClient, id: string, attempts: number) {
  return prisma.delivery.updateMany({
    where: { id },
    data: { status: "muted", attempts, leaseOwner: null, leaseUntil: null },
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
export async function releaseLeases(
  prisma: PrismaClient,
  owner: string,
  ids: string[],
): Promise<{ count: number }> {
  let count = 0;
  for (const chunk of chunked(ids, IDS_PER_STATEMENT)) {
    const released = await prisma.delivery.updateMany({
      where: { id: { in: chunk }, leaseOwner: owner },
      data: { leaseOwner: null, leaseUntil: null },
    });
    count += released.count;
  }
  return { count };
}

/**
 * Extends the leases of the deliveries this owner has in hand; returns how many it still holds.
 * One transaction, however many statements: a renewal is all or nothing.
 */
export async function renewLeases(
  prisma: PrismaClient,
  owner: string,
  ids: string[],
  leaseUntil: Date,
): Promise<{ count: number }> {
  const renewed = await prisma.$transaction(
    chunked(ids, IDS_PER_STATEMENT).map((chunk) =>
      prisma.delivery.updateMany({
        where: { id: { in: chunk }, leaseOwner: owner, status: "pending" },
        data: { leaseUntil },
      }),
    ),
  );
  return { count: renewed.reduce((sum, result) => sum + result.count, 0) };
}

/**
 * Slack answered a workspace again: its Slack deliveries waiting out a backoff (or a Retry-After)
 * become due now, attempts kept. Returns how many.
 */
export function resumeWaitingDeliveries(db: DbClient, teamId: string, now: Date) {
  return db.delivery.updateMany({
    where: { status: "pending", nextAttemptAt: { gt: now }, configuration: { teamId, kind: "slack" } },
    data: { nextAttemptAt: now },
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
