/**
 * `/aws mute`, `/aws mute permission members|managers` and `/aws unmute ID|all` (issue 13). Mutes
 * themselves are set from a notification's Mute menu (delivery/notification-actions.ts). Changes
 * are audited and reload the delivery snapshot before the reply.
 */
import type { DbClient, PrismaClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { recordAudit } from "./audit-log";
import type { NoiseChanged } from "./channel-mentions";
import { type ChannelConfigurationView, findChannelConfiguration } from "./configuration-queries";
import type { Actor } from "./configuration-types";
import { assertSlackMayChange } from "./file-managed";
import { activeMutes, endMutes, type MuteRecord } from "./mutes";
import type { MutePermission } from "./noise-grammar";

export interface MutesResult {
  configuration: ChannelConfigurationView;
  mutes: MuteRecord[];
  permission: MutePermission;
  now: Date;
}

export interface MuteChangesDeps {
  prisma: PrismaClient;
  changed: NoiseChanged;
  now: () => Date;
}

/** The configuration a mute permission is written for. */
export interface MutePermissionSubject {
  id: string;
  teamId: string;
  name: string;
  channelPrivate: boolean | null;
}

/**
 * Who may mute from this channel's notifications, written and audited (`mutes.permission`) as
 * `/aws mute permission` and the configuration file both write it; nothing when it is already so.
 */
export async function writeMutePermission(
  tx: DbClient,
  userId: string | null,
  subject: MutePermissionSubject,
  permission: MutePermission,
): Promise<boolean> {
  const { count } = await tx.channelConfiguration.updateMany({
    where: { id: subject.id, mutePermission: { not: permission } },
    data: { mutePermission: permission },
  });
  if (count === 0) return false;
  await recordAudit(tx, {
    teamId: subject.teamId,
    userId,
    action: "mutes.permission",
    detail: `${subject.name}: ${permission === "members" ? "members may mute for up to 4 h" : "only managers may mute"}`,
    visibleToAll: subject.channelPrivate === false,
  });
  return true;
}

export class MuteChanges {
  constructor(private readonly deps: MuteChangesDeps) {}

  async list(actor: Pick<Actor, "teamId">, channelId: string): Promise<MutesResult | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    return this.#result(configuration);
  }

  /** Ends one mute of this channel, or all of them; a mute of another channel is not found. */
  async unmute(
    actor: Actor,
    channelId: string,
    id: string,
  ): Promise<({ ended: number } & MutesResult) | null> {
    const { prisma } = this.deps;
    const configuration = await findChannelConfiguration(prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    const now = this.deps.now();
    const ended = await prisma.$transaction(async (tx) => {
      const count = await endMutes(tx, configuration.id, id === "all" ? "all" : [id], actor.userId, now);
      if (count > 0) {
        await recordAudit(tx, {
          teamId: actor.teamId,
          userId: actor.userId,
          action: "mutes.ended",
          detail: `${configuration.name}: unmuted ${id === "all" ? `all (${count})` : id}`,
          visibleToAll: configuration.channelPrivate === false,
        });
      }
      return count;
    });
    if (ended === 0 && id !== "all") {
      throw new ChatbotError(
        ErrorCode.NotFound,
        `No active mute \`${id}\` in this channel; \`mute\` lists them. Nothing was changed.`,
      );
    }
    await this.deps.changed();
    return { ended, ...(await this.#result(configuration)) };
  }

  async setPermission(
    actor: Actor,
    channelId: string,
    permission: MutePermission,
  ): Promise<MutesResult | null> {
    const { prisma } = this.deps;
    const configuration = await findChannelConfiguration(prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    // The configuration file holds who may mute (`mute_permission`); mutes themselves it does not.
    assertSlackMayChange(configuration);
    await prisma.$transaction((tx) => writeMutePermission(tx, actor.userId, configuration, permission));
    return this.#result(configuration);
  }

  async #result(configuration: ChannelConfigurationView): Promise<MutesResult> {
    const now = this.deps.now();
    const [mutes, row] = await Promise.all([
      activeMutes(this.deps.prisma, now, configuration.id),
      this.deps.prisma.channelConfiguration.findUnique({
        where: { id: configuration.id },
        select: { mutePermission: true },
      }),
    ]);
    const permission: MutePermission = row?.mutePermission === "members" ? "members" : "managers";
    return { configuration, mutes, permission, now };
  }
}
