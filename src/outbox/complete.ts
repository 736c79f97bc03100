/**
 * A delivery done with, one row at a time: posted (the group-committed path is completions.ts) or
 * muted. Each returns a PrismaPromise, so it can join a `prisma.$transaction([...])`.
 */
import type { PrismaClient } from "../db/database";

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
