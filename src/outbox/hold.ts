/**
 * Deliveries that wait for their channel or workspace: held while it cannot be posted to, released
 * (due now) once it can, and a workspace's backoffs cut short when Slack answers it again.
 */
import type { DbClient, PrismaClient } from "../db/database";

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

/**
 * Pending deliveries of configurations that are not active, not leased: held. A message stored while
 * its configuration was being paused (ingest read "active", the pause's hold ran before the message's
 * insert committed) would otherwise wait as "pending" where nothing claims it. Leased rows are left
 * to the worker that has them: it holds them itself when it sees the configuration's state.
 */
export function holdStrandedDeliveries(db: DbClient, now: Date) {
  return db.delivery.updateMany({
    where: {
      status: "pending",
      configuration: { state: { not: "active" } },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
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
