/**
 * Posted deliveries found again from what Slack shows: a thread's parent (to render it again for
 * chat.update) and the notification behind a message someone clicked (by channel and ts).
 */
import type { PrismaClient } from "../db/database";

const MESSAGE_TO_RENDER = {
  select: { snsMessageId: true, topicArn: true, subject: true, body: true, snsTimestamp: true },
} as const;

/**
 * The SNS message the parent was posted from, to render it again for chat.update. None when the
 * thread is rooted at a storm digest (its deliveries carry the digest's ts): a digest is never
 * replaced by one of its lines.
 */
export function findParentMessage(prisma: PrismaClient, configurationId: string, parentTs: string) {
  return prisma.delivery.findFirst({
    where: { configurationId, status: "posted", postedTs: parentTs, digestId: null },
    select: { message: MESSAGE_TO_RENDER },
  });
}

/**
 * The delivery posted as the message at `ts` in a Slack channel of a workspace, with its
 * configuration and message: where a click on a notification's controls leads.
 */
export function findPostedInChannel(
  prisma: PrismaClient,
  where: { teamId: string; channelId: string; ts: string },
) {
  return prisma.delivery.findFirst({
    where: {
      postedTs: where.ts,
      configuration: { teamId: where.teamId, channelId: where.channelId, kind: "slack" },
    },
    select: {
      id: true,
      configuration: { select: { id: true, name: true, channelPrivate: true, mutePermission: true } },
      message: MESSAGE_TO_RENDER,
    },
  });
}
