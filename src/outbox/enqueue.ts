/**
 * Putting work in the outbox: a Message and its Delivery rows, committed together. Ingest's
 * group-committed batches are below; a single notification made here (`/aws test`) goes through
 * Prisma.
 */
import type { PrismaClient } from "../db/database";

export interface EnqueuedMessage {
  id: string;
  snsMessageId: string;
  topicArn: string;
  subject: string | null;
  body: string;
  snsTimestamp: string;
}

export interface EnqueuedDelivery {
  id: string;
  configurationId: string;
  status: "pending" | "held";
}

/** One message with one delivery, in one transaction (`receivedAt`, `nextAttemptAt`: now). */
export async function enqueueOne(
  prisma: PrismaClient,
  rows: { message: EnqueuedMessage; delivery: EnqueuedDelivery },
): Promise<void> {
  await prisma.$transaction([
    prisma.message.create({ data: rows.message }),
    prisma.delivery.create({ data: { ...rows.delivery, messageId: rows.message.id } }),
  ]);
}
