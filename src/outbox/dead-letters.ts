/**
 * Dead letters: deliveries given up on (bounded retries spent, or a message Slack refuses). They
 * stay visible and can be replayed; a replay never posts again what Slack already has (a delivery
 * with a postedTs is only marked posted).
 */
import type { PrismaClient } from "../db/database";

export interface DeadLetter {
  id: string;
  configurationId: string;
  configurationName: string;
  channelId: string | null;
  topicArn: string;
  subject: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export async function listDeadLetters(
  prisma: PrismaClient,
  filter: { configurationId?: string; limit?: number } = {},
): Promise<DeadLetter[]> {
  const rows = await prisma.delivery.findMany({
    where: {
      status: "dead",
      ...(filter.configurationId === undefined ? {} : { configurationId: filter.configurationId }),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: filter.limit,
    select: {
      id: true,
      configurationId: true,
      attempts: true,
      lastError: true,
      createdAt: true,
      updatedAt: true,
      configuration: { select: { name: true, channelId: true } },
      message: { select: { topicArn: true, subject: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    configurationId: row.configurationId,
    configurationName: row.configuration.name,
    channelId: row.configuration.channelId,
    topicArn: row.message.topicArn,
    subject: row.message.subject,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }));
}

export function countDeadLetters(prisma: PrismaClient, filter: { configurationId?: string } = {}) {
  return prisma.delivery.count({
    where: {
      status: "dead",
      ...(filter.configurationId === undefined ? {} : { configurationId: filter.configurationId }),
    },
  });
}

export interface ReplayResult {
  /** Back in the queue with a fresh set of attempts. */
  requeued: number;
  /** Already in Slack (they have a ts): marked posted instead of posted twice. */
  alreadyPosted: number;
}

export async function replayDeadLetters(
  prisma: PrismaClient,
  filter: { configurationId?: string } = {},
  now: Date = new Date(),
): Promise<ReplayResult> {
  const scope = {
    status: "dead",
    ...(filter.configurationId === undefined ? {} : { configurationId: filter.configurationId }),
  };
  const [posted, requeued] = await prisma.$transaction([
    prisma.delivery.updateMany({ where: { ...scope, postedTs: { not: null } }, data: { status: "posted" } }),
    prisma.delivery.updateMany({
      where: { ...scope, postedTs: null },
      data: { status: "pending", attempts: 0, nextAttemptAt: now, leaseOwner: null, leaseUntil: null },
    }),
  ]);
  return { requeued: requeued.count, alreadyPosted: posted.count };
}
