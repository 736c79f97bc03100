/**
 * Creating a channel's configuration: its state from what the bot can see of the channel, a name
 * unique in the workspace (the channel's, suffixed when taken), the workspace's ExternalId, and an
 * audit entry.
 */
import type { PrismaClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { recordAudit } from "./audit-log";
import { type ChannelLookup, INVITE_COMMAND, isPrivateChannel, stateForChannel } from "./channel-directory";
import { defaultConfigurationName, uniqueConfigurationName } from "./configuration-names";
import {
  type ChannelConfigurationView,
  configurationNames,
  findWorkspaceConfiguration,
} from "./configuration-queries";
import { createSlackConfiguration } from "./configuration-store";
import type { ExternalIds } from "./external-id";

const UNIQUE_VIOLATION = "P2002";
const NAME_ATTEMPTS = 5;

export const AWAITING_INVITE_REASON = `the bot is not in this private channel yet: type ${INVITE_COMMAND} in it`;

export interface CreationDeps {
  prisma: PrismaClient;
  externalIds: ExternalIds;
}

export interface CreationInput {
  lookup: ChannelLookup;
  /** The channel's name as the command reported it, when the bot cannot see the channel. */
  nameHint?: string;
  /** A name the user chose; without it the channel's name, made unique. */
  name?: string;
  iamRoleArn?: string | null;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

export async function createChannelConfiguration(
  deps: CreationDeps,
  actor: { teamId: string; enterpriseId?: string; userId: string },
  input: CreationInput,
): Promise<ChannelConfigurationView> {
  const { prisma } = deps;
  const channelName = input.lookup.kind === "visible" ? input.lookup.name : (input.nameHint ?? null);
  const state = stateForChannel(input.lookup);
  const externalId = await deps.externalIds.forWorkspace(prisma, actor.teamId);
  const base = defaultConfigurationName(channelName ?? input.lookup.id);
  for (let attempt = 0; ; attempt += 1) {
    const name = input.name ?? uniqueConfigurationName(base, await configurationNames(prisma, actor.teamId));
    try {
      const row = await createSlackConfiguration(prisma, {
        teamId: actor.teamId,
        enterpriseId: actor.enterpriseId,
        channelId: input.lookup.id,
        channelName: channelName ?? undefined,
        channelPrivate: isPrivateChannel(input.lookup),
        name,
        iamRoleArn: input.iamRoleArn ?? undefined,
        externalId,
        state,
        stateReason: state === "awaiting_invite" ? AWAITING_INVITE_REASON : undefined,
        createdBy: actor.userId,
      });
      await recordAudit(prisma, {
        teamId: actor.teamId,
        userId: actor.userId,
        action: "configuration.created",
        detail: `created ${name} (#${channelName ?? input.lookup.id})${state === "awaiting_invite" ? ", waiting for the bot to be invited" : ""}`,
        visibleToAll: !isPrivateChannel(input.lookup),
      });
      const created = await findWorkspaceConfiguration(prisma, actor.teamId, row.id);
      if (created === null) throw new ChatbotError(ErrorCode.NotFound, "the new configuration vanished");
      return created;
    } catch (error) {
      // Someone took the name between our read and our write: a chosen name is a conflict, a default retries.
      if (!isUniqueViolation(error)) throw error;
      if (input.name !== undefined || attempt + 1 >= NAME_ATTEMPTS) {
        throw new ChatbotError(
          ErrorCode.Conflict,
          `The configuration name "${name}" is already used in this workspace: choose another.`,
          { cause: error },
        );
      }
    }
  }
}
