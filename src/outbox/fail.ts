/**
 * A failed attempt: retried later, given up on (a dead letter), or only counted before its channel
 * is held. Each returns a PrismaPromise, so it can join a `prisma.$transaction([...])`.
 */
import type { DbClient, PrismaClient } from "../db/database";

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
