/**
 * Connecting a channel once the bot is in it (`/invite @AWS`): configurations waiting for the invite
 * become active, the channel is told (the edge's `announce`), and the notifications held meanwhile
 * are released to the delivery worker.
 */
import { ChatbotError, ErrorCode } from "../errors";
import { recordAudit } from "./audit-log";
import type { ChannelDirectory } from "./channel-directory";
import {
  type ChannelConfigurationView,
  findInactiveInChannel,
  findWorkspaceConfiguration,
  updateConfiguration,
} from "./configuration-queries";
import { type ConfigurationServiceDeps, describe } from "./configuration-types";

export class ChannelConnections {
  constructor(private readonly deps: ConfigurationServiceDeps) {}

  /**
   * The bot joined a channel: its configurations waiting for the invite become active, `announce`
   * runs for each (the "connected" message, so it comes before the held notifications), then their
   * held deliveries flow. A configuration the delivery side disabled (e.g. the channel was archived)
   * is handed to DeliveryControl.releaseHeld, which decides whether the invite revives it.
   * Returns the configurations connected (none when nothing waited).
   */
  async channelJoined(
    teamId: string,
    channelId: string,
    channels: ChannelDirectory,
    announce: (configuration: ChannelConfigurationView) => Promise<void>,
  ): Promise<ChannelConfigurationView[]> {
    const inactive = await findInactiveInChannel(this.deps.prisma, teamId, channelId);
    if (inactive.length === 0) return [];
    let name: string | null = null;
    try {
      const lookup = await channels.lookUp(channelId);
      if (lookup.kind === "visible") name = lookup.name;
    } catch (error) {
      this.deps.logger.warn({ err: error, channelId }, "could not look up a channel the bot joined");
    }
    const connected: ChannelConfigurationView[] = [];
    for (const configuration of inactive) {
      if (configuration.state === "awaiting_invite") {
        connected.push(await this.connect(configuration, name, null, announce));
        continue;
      }
      const released = await this.deps.delivery.releaseHeld(configuration.id);
      const revived = await this.#reload(configuration.id);
      if (revived.state !== "active") continue;
      await this.#announce(revived, announce);
      await this.#recordConnected(revived, null, released);
      connected.push(revived);
    }
    return connected;
  }

  /**
   * A channel was unarchived: its configurations disabled because it was archived become active
   * and the notifications stored (held) meanwhile flow, in order. (If the bot is no longer in the
   * channel, the first post says so and they are held again for the invite: nothing is lost.)
   * Returns the configurations revived.
   */
  async channelUnarchived(teamId: string, channelId: string): Promise<ChannelConfigurationView[]> {
    const inactive = await findInactiveInChannel(this.deps.prisma, teamId, channelId);
    const revived: ChannelConfigurationView[] = [];
    for (const configuration of inactive) {
      // releaseHeld revives only a configuration disabled for the archive, never one refused for another reason.
      if (configuration.state !== "disabled") continue;
      const released = await this.deps.delivery.releaseHeld(configuration.id);
      const current = await this.#reload(configuration.id);
      if (current.state !== "active") continue;
      await recordAudit(this.deps.prisma, {
        teamId,
        userId: null,
        action: "configuration.connected",
        detail: `${describe(current)} active again: the channel was unarchived${released > 0 ? `, ${released} held notification(s) released` : ""}`,
      });
      revived.push(current);
    }
    return revived;
  }

  /** Marks an awaiting configuration active, announces it, and lets its held deliveries go. */
  async connect(
    configuration: ChannelConfigurationView,
    channelName: string | null,
    userId: string | null,
    announce?: (configuration: ChannelConfigurationView) => Promise<void>,
  ): Promise<ChannelConfigurationView> {
    await updateConfiguration(this.deps.prisma, configuration.id, {
      state: "active",
      stateReason: null,
      ...(channelName === null ? {} : { channelName }),
    });
    const connected = await this.#reload(configuration.id);
    if (announce !== undefined) await this.#announce(connected, announce);
    const released = await this.deps.delivery.releaseHeld(configuration.id);
    await this.#recordConnected(connected, userId, released);
    return connected;
  }

  async #announce(
    configuration: ChannelConfigurationView,
    announce: (configuration: ChannelConfigurationView) => Promise<void>,
  ): Promise<void> {
    try {
      await announce(configuration);
    } catch (error) {
      this.deps.logger.warn(
        { err: error, configurationId: configuration.id },
        "announcing a connected channel failed",
      );
    }
  }

  #recordConnected(
    configuration: ChannelConfigurationView,
    userId: string | null,
    released: number,
  ): Promise<void> {
    return recordAudit(this.deps.prisma, {
      teamId: configuration.teamId,
      userId,
      action: "configuration.connected",
      detail: `connected ${describe(configuration)}: the bot is in the channel${released > 0 ? `, ${released} held notification(s) released` : ""}`,
    });
  }

  async #reload(id: string): Promise<ChannelConfigurationView> {
    const row = await this.deps.prisma.channelConfiguration.findUnique({
      where: { id },
      select: { teamId: true },
    });
    const configuration =
      row === null ? null : await findWorkspaceConfiguration(this.deps.prisma, row.teamId, id);
    if (configuration === null) {
      throw new ChatbotError(ErrorCode.NotFound, "That configuration no longer exists: someone deleted it.");
    }
    return configuration;
  }
}
