/**
 * Claimed deliveries in hand: loaded with their message and configuration, their leases renewed
 * while the worker holds them, released when it hands them back. Id lists go in statements of at
 * most IDS_PER_STATEMENT.
 */
import type { PrismaClient } from "../db/database";
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
