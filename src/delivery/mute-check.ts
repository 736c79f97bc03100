/**
 * The mute check every way out of the outbox makes (single posts and storm digests): a notification
 * an active mute matches is stored as `muted` and never posted; an OK that ends a mute "until OK"
 * ends it and goes out.
 */
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import type { Notification } from "../notifications";
import { markMuted } from "../outbox/complete";
import type { LoadedDelivery } from "../outbox/leases";
import type { NoiseSnapshot } from "./noise-snapshot";

export type MuteSource = Pick<NoiseSnapshot, "muteFor" | "resume">;

/** True when the delivery was muted (and recorded so); false when it should go out. */
export async function mutedDelivery(
  noise: MuteSource | undefined,
  prisma: PrismaClient,
  delivery: LoadedDelivery,
  notification: Notification,
  log: Logger,
): Promise<boolean> {
  const muted = noise?.muteFor(delivery.configuration.id, notification);
  if (muted === undefined) return false;
  if (muted.resumes) {
    await noise?.resume(muted);
    return false;
  }
  // Stored, never posted: `/aws status` counts it; the mute's end lets the next ones through.
  await markMuted(prisma, delivery.id, delivery.attempts);
  log.info({ messageId: delivery.message.snsMessageId, muteId: muted.mute.id }, "notification muted");
  return true;
}
