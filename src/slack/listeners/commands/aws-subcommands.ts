/**
 * One `/aws` subcommand → one configuration-service call → one reply builder. Problems the service
 * raises on purpose (ChatbotError) become replies that say what to do; anything else is logged and
 * answered with an apology. Every subcommand that changes something first asks Permissions (on the
 * server, for every request): running it in the channel is what proves the manager is a member.
 */

import type { ChannelDirectory } from "../../../configurations/channel-directory";
import type { ChannelFilters } from "../../../configurations/channel-filters";
import { type AwsCommand, READ_ONLY_COMMANDS } from "../../../configurations/command-grammar";
import type { Actor, ChannelRef, ConfigurationService } from "../../../configurations/configuration-service";
import { assertSlackMayChange } from "../../../configurations/file-managed";
import type { ManagerChanges } from "../../../configurations/manager-changes";
import type { PeopleDirectory, Permissions } from "../../../configurations/permissions";
import {
  deleteConfirmReply,
  listReply,
  roleSetReply,
  statusReply,
  subscribeReply,
  testQueuedReply,
  unsubscribeReply,
} from "../../blocks/command-replies";
import { filterChangeReply, filterHelpReply, filterShowReply } from "../../blocks/filter-replies";
import { managersChangeReply, managersReply } from "../../blocks/managers-replies";
import { helpReply, notConfiguredReply, type Reply } from "../../blocks/replies";
import { roleTemplateReply } from "../../blocks/role-template-reply";
import { type NoiseServices, noiseLines, runNoiseSubcommand } from "./noise-subcommands";

export interface SubcommandContext {
  /** The slash command's name, e.g. "/aws". */
  command: string;
  actor: Actor;
  channel: ChannelRef;
  channels: ChannelDirectory;
  people: PeopleDirectory;
  permissions: Permissions;
  service: ConfigurationService;
  managers: ManagerChanges;
  noise: NoiseServices;
  filters: ChannelFilters;
}

/** `managers add|remove` check the stricter "manage-managers" themselves. */
const CHECKED_BY_SERVICE: ReadonlySet<AwsCommand["kind"]> = new Set(["managers-add", "managers-remove"]);

export async function runSubcommand(parsed: AwsCommand, ctx: SubcommandContext): Promise<Reply> {
  const { command, actor, channel, channels, service, people } = ctx;
  if (!READ_ONLY_COMMANDS.has(parsed.kind) && !CHECKED_BY_SERVICE.has(parsed.kind)) {
    await ctx.permissions.require(actor, people, "change");
  }
  switch (parsed.kind) {
    case "help":
      return helpReply(command);
    case "subscribe":
      return subscribeReply(command, await service.subscribe(actor, channel, channels, parsed.topics));
    case "unsubscribe": {
      const result = await service.unsubscribe(actor, channel.id, parsed.topics);
      return result === null ? notConfiguredReply(command) : unsubscribeReply(command, result);
    }
    case "list": {
      const configuration = await service.describeChannel(actor, channel.id);
      if (configuration === null) return notConfiguredReply(command);
      const held = await service.heldAccounts(configuration);
      const howToLink = held.length === 0 ? [] : service.howToLink(actor.teamId, held[0]);
      const noise = await noiseLines(ctx.noise, actor, channel.id);
      return listReply(command, configuration, { accounts: held, howToLink }, noise);
    }
    case "status": {
      const status = await service.channelStatus(actor, channel.id);
      if (status === null) return notConfiguredReply(command);
      const filtered = await ctx.filters.filteredLastDay(status.configuration.id);
      return statusReply(command, status.configuration, status.delivery, filtered);
    }
    case "test": {
      const result = await service.sendTestToChannel(actor, channel.id);
      return result === null
        ? notConfiguredReply(command)
        : testQueuedReply(result.configuration, result.queued);
    }
    case "role-set":
    case "role-none": {
      const roleArn = parsed.kind === "role-set" ? parsed.roleArn : null;
      const result = await service.setRole(actor, channel, channels, roleArn);
      return result === null
        ? notConfiguredReply(command)
        : roleSetReply(command, result.configuration, result.previous, result.created, result.proofNote);
    }
    case "role-template": {
      const { template, accountId } = await service.roleTemplate(actor, channel.id, parsed.roleName);
      return roleTemplateReply(command, template, accountId);
    }
    case "delete": {
      // Deleting is confirmed with the reply's button (actions/delete-confirm.ts).
      const configuration = await service.describeChannel(actor, channel.id);
      assertSlackMayChange(configuration);
      return configuration === null ? notConfiguredReply(command) : deleteConfirmReply(configuration);
    }
    case "managers-list":
      return managersReply(command, await ctx.managers.list(actor));
    case "managers-add":
      return managersChangeReply(command, "add", await ctx.managers.add(actor, people, parsed.userIds));
    case "managers-remove":
      return managersChangeReply(command, "remove", await ctx.managers.remove(actor, people, parsed.userIds));
    case "help-filter":
      return filterHelpReply(command);
    case "filter-show":
    case "filter-change": {
      const configuration = await service.describeChannel(actor, channel.id);
      if (configuration === null) return notConfiguredReply(command);
      if (parsed.kind === "filter-change") assertSlackMayChange(configuration);
      if (parsed.kind === "filter-change")
        return filterChangeReply(
          command,
          configuration,
          await ctx.filters.change(actor.userId, configuration, parsed.change),
        );
      const filtered = await ctx.filters.filteredLastDay(configuration.id);
      return filterShowReply(command, configuration, ctx.filters.view(configuration), filtered);
    }
    default:
      return runNoiseSubcommand(parsed, command, actor, channel.id, ctx.noise);
  }
}
