/**
 * The rows of storm digests: a Digest per digest message, and on each Delivery the digest that holds
 * it (`digestId`). The assignment is committed BEFORE the digest is posted or updated with the
 * delivery, so after a crash the delivery comes back already assigned and goes into the same digest
 * again — never into a second message of its own.
 */
import type { PrismaClient } from "../db/database";
import { chunked } from "./bulk-writes";
import { IDS_PER_STATEMENT, LOADED_DELIVERY_SELECT } from "./leases";

/** Assigns deliveries to a digest (created first when `create`); one transaction. */
export async function assignToDigest(
  prisma: PrismaClient,
  digest: { id: string; configurationId: string; create: boolean },
  deliveryIds: string[],
): Promise<void> {
  await prisma.$transaction([
    ...(digest.create
      ? [prisma.digest.create({ data: { id: digest.id, configurationId: digest.configurationId } })]
      : []),
    ...chunked(deliveryIds, IDS_PER_STATEMENT).map((ids) =>
      prisma.delivery.updateMany({ where: { id: { in: ids } }, data: { digestId: digest.id } }),
    ),
  ]);
}

/** The digest message was posted: its ts, so a restart updates it instead of posting it again. */
export function recordDigestTs(prisma: PrismaClient, id: string, ts: string) {
  return prisma.digest.update({ where: { id }, data: { ts } });
}

/**
 * A digest posted again (its message was deleted in Slack): the new ts, and the lines already shown
 * in the old one now point at the new message, where they are visible again.
 */
export function recordDigestReposted(prisma: PrismaClient, id: string, ts: string) {
  return prisma.$transaction([
    prisma.digest.update({ where: { id }, data: { ts } }),
    prisma.delivery.updateMany({ where: { digestId: id, postedTs: { not: null } }, data: { postedTs: ts } }),
  ]);
}

/**
 * A digest with every delivery it holds (not dead letters), oldest first: what a process that did
 * not post it (a restart, another replica) needs to post or update it again.
 */
export function loadDigest(prisma: PrismaClient, id: string) {
  return prisma.digest.findUnique({
    where: { id },
    select: {
      id: true,
      ts: true,
      createdAt: true,
      deliveries: {
        where: { status: { in: ["pending", "posted"] } },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: LOADED_DELIVERY_SELECT,
      },
    },
  });
}

/**
 * A delivery in a digest, checked against where the request came from: the channel and workspace
 * that show the digest and the digest's ts. Null when any of them differs (a forged value).
 */
export function findDigestedDelivery(
  prisma: PrismaClient,
  where: { deliveryId: string; teamId: string; channelId: string; digestTs: string },
) {
  return prisma.delivery.findFirst({
    where: {
      id: where.deliveryId,
      digest: { ts: where.digestTs },
      configuration: { teamId: where.teamId, channelId: where.channelId, kind: "slack" },
    },
    select: LOADED_DELIVERY_SELECT,
  });
}
