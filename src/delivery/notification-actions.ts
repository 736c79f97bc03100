/**
 * What a notification's own controls do (issue 13): Acknowledge and the Mute menu. Both find the
 * notification from the channel and message ts of the action — what Slack says was clicked — never
 * from a value in the payload, and check the acting person on the server: anyone in the channel may
 * acknowledge; muting needs a manager, or `/aws mute permission members` (then at most 4 h).
 */
import { recordAudit } from "../configurations/audit-log";
import type { NoiseChanged } from "../configurations/channel-mentions";
import { createMute, type MuteRecord, type MuteScope } from "../configurations/mutes";
import { isManagerStanding, type Standing } from "../configurations/permissions";
import type { Database } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { type Notification, renderSlackMessage } from "../notifications";
import { findPostedInChannel } from "../outbox/posted-lookups";
import { notificationOf } from "./message-render";
import type { NoiseSnapshot } from "./noise-snapshot";
import {
  type Acknowledger,
  decorate,
  MUTE_CHOICES,
  type MuteChoice,
  type PostedMessage,
} from "./notification-controls";
import { findThread, isResolvedState, parentWithCurrentState } from "./threads";

/** Where the click happened, as Slack says. */
export interface ClickedMessage {
  teamId: string;
  userId: string;
  channelId: string;
  ts: string;
}

/** The longest mute a member who is not a manager may set (with `mute permission members`). */
export const MEMBER_MUTE_MAX_HOURS = 4;

const NOT_A_NOTIFICATION =
  "This message is not a notification of AWS Chatbot in this channel (or it is too old), so nothing was changed.";

export interface NotificationActionsDeps {
  db: Database;
  noise: Pick<NoiseSnapshot, "mentionsFor" | "now">;
  changed: NoiseChanged;
}

interface Found {
  configuration: { id: string; name: string; channelPrivate: boolean | null; mutePermission: string };
  deliveryId: string;
  notification: Notification;
}

export interface MuteResult {
  mute: MuteRecord;
  /** Set when a member asked for longer than they may: what they asked for. */
  cappedFrom?: string;
}

export class NotificationActions {
  constructor(private readonly deps: NotificationActionsDeps) {}

  /** Records the acknowledgement; the message to update, or null when this person had already. */
  async acknowledge(click: ClickedMessage): Promise<PostedMessage | null> {
    const found = await this.#find(click);
    const prisma = this.deps.db.prisma;
    const at = this.deps.noise.now();
    try {
      await prisma.$transaction(async (tx) => {
        await tx.acknowledgement.create({
          data: { deliveryId: found.deliveryId, userId: click.userId, createdAt: at },
        });
        await recordAudit(tx, {
          teamId: click.teamId,
          userId: click.userId,
          action: "notification.acknowledged",
          detail: `${found.configuration.name}: acknowledged "${found.notification.title.slice(0, 200)}" (message ${click.ts})`,
          visibleToAll: found.configuration.channelPrivate === false,
        });
      });
    } catch (error) {
      if ((error as { code?: string } | null)?.code === "P2002") return null;
      throw error;
    }
    return this.#message(found, click.ts);
  }

  /** Sets the mute chosen in the menu, for `standing` (the caller asked Permissions on the server). */
  async mute(
    click: ClickedMessage,
    choice: MuteChoice,
    standing: Standing,
    refusal: () => Promise<string>,
  ): Promise<MuteResult> {
    const found = await this.#find(click);
    const { scope, hours } = MUTE_CHOICES[choice];
    let granted: number | null = hours;
    let cappedFrom: string | undefined;
    if (!isManagerStanding(standing)) {
      if (standing !== "member" || found.configuration.mutePermission !== "members") {
        throw new ChatbotError(ErrorCode.Forbidden, await refusal());
      }
      if (hours === null || hours > MEMBER_MUTE_MAX_HOURS) {
        granted = MEMBER_MUTE_MAX_HOURS;
        cappedFrom = hours === null ? "until it is OK" : `${hours} h`;
      }
    }
    const target = muteTarget(found.notification, scope);
    if (target === undefined) {
      throw new ChatbotError(
        ErrorCode.InvalidArgument,
        `This notification has no ${scope} to mute; nothing was changed.`,
      );
    }
    const now = this.deps.noise.now();
    const prisma = this.deps.db.prisma;
    const mute = await prisma.$transaction(async (tx) => {
      const created = await createMute(
        tx,
        {
          configurationId: found.configuration.id,
          scope,
          key: target.key,
          label: target.label,
          endsAt: granted === null ? null : new Date(now.getTime() + granted * 3_600_000),
          createdBy: click.userId,
        },
        now,
      );
      await recordAudit(tx, {
        teamId: click.teamId,
        userId: click.userId,
        action: "mutes.set",
        detail: `${found.configuration.name}: muted ${target.label} (${created.id}) ${granted === null ? "until it is OK" : `for ${granted} h`}`,
        visibleToAll: found.configuration.channelPrivate === false,
      });
      return created;
    });
    await this.deps.changed();
    return { mute, cappedFrom };
  }

  async #find(click: ClickedMessage): Promise<Found> {
    const row = await findPostedInChannel(this.deps.db.prisma, {
      teamId: click.teamId,
      channelId: click.channelId,
      ts: click.ts,
    });
    if (row === null) throw new ChatbotError(ErrorCode.NotFound, NOT_A_NOTIFICATION);
    return {
      configuration: row.configuration,
      deliveryId: row.id,
      notification: notificationOf(row.message),
    };
  }

  /** The message as it should read now: current state (a parent), mentions (top level), who acknowledged. */
  async #message(found: Found, ts: string): Promise<PostedMessage> {
    const { db, noise } = this.deps;
    const { notification } = found;
    let base = renderSlackMessage(notification);
    let topLevel = true;
    if (notification.threadKey !== undefined) {
      const thread = await findThread(db, found.configuration.id, notification.threadKey);
      if (thread !== null && thread.parentTs !== ts) topLevel = false;
      else if (thread?.lastState !== null && thread !== null && thread.lastState !== notification.state) {
        const severity = isResolvedState(thread.lastState) ? "ok" : notification.severity;
        base = parentWithCurrentState(
          base,
          { state: thread.lastState ?? undefined, severity },
          thread.lastStateAt ?? thread.updatedAt,
        );
      }
    }
    return decorate(base, notification, {
      mentions: topLevel ? noise.mentionsFor(found.configuration.id, notification) : [],
      acknowledgements: await acknowledgementsOf(db, found.deliveryId),
    });
  }
}

function muteTarget(
  notification: Notification,
  scope: MuteScope,
): { key: string; label: string } | undefined {
  switch (scope) {
    case "alarm":
      return notification.threadKey === undefined || notification.threadKey === ""
        ? undefined
        : { key: notification.threadKey, label: `alarm ${notification.title.slice(0, 120)}` };
    case "resource": {
      const resource = notification.resources[0];
      return resource === undefined
        ? undefined
        : { key: resource, label: `resource ${resource.slice(0, 160)}` };
    }
    case "service":
      return { key: notification.service, label: `service ${notification.service}` };
  }
}

async function acknowledgementsOf(db: Database, deliveryId: string): Promise<Acknowledger[]> {
  const rows = await db.prisma.acknowledgement.findMany({
    where: { deliveryId },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  return rows.map((row) => ({ userId: row.userId, at: row.createdAt }));
}

/** Who acknowledged the message posted at `ts` in a configuration's channel (a thread parent's update). */
export async function acknowledgementsAt(
  db: Database,
  configurationId: string,
  ts: string,
): Promise<Acknowledger[]> {
  const rows = await db.prisma.acknowledgement.findMany({
    where: { delivery: { configurationId, postedTs: ts } },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  return rows.map((row) => ({ userId: row.userId, at: row.createdAt }));
}
