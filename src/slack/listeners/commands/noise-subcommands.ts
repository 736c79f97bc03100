/**
 * `/aws mention …`, `/aws mute …`, `/aws unmute …` (issue 13): one service call, one reply. The
 * permission check (managers for every change) was made by runSubcommand before.
 */
import {
  type ChannelMentions,
  mentionsLine,
  type NoiseLines,
} from "../../../configurations/channel-mentions";
import type { Actor } from "../../../configurations/configuration-service";
import type { MuteChanges } from "../../../configurations/mute-changes";
import { mutesLine } from "../../../configurations/mutes";
import type { NoiseCommand } from "../../../configurations/noise-grammar";
import { mentionsReply, mutesReply } from "../../blocks/noise-replies";
import { notConfiguredReply, type Reply } from "../../blocks/replies";
import { escapeText } from "../../blocks/text";

export interface NoiseServices {
  mentions: ChannelMentions;
  mutes: MuteChanges;
}

export async function runNoiseSubcommand(
  parsed: NoiseCommand,
  command: string,
  actor: Actor,
  channelId: string,
  noise: NoiseServices,
): Promise<Reply> {
  switch (parsed.kind) {
    case "mention-list": {
      const result = await noise.mentions.list(actor, channelId);
      return result === null ? notConfiguredReply(command) : mentionsReply(command, result);
    }
    case "mention-add": {
      const result = await noise.mentions.add(actor, channelId, parsed.targets, parsed.level);
      const who = escapeText(parsed.targets.map((t) => t.label).join(", "));
      return result === null
        ? notConfiguredReply(command)
        : mentionsReply(
            command,
            result,
            `Top-level notifications at ${parsed.level} or above now mention ${who}.`,
          );
    }
    case "mention-none": {
      const result = await noise.mentions.clear(actor, channelId);
      return result === null
        ? notConfiguredReply(command)
        : mentionsReply(command, result, "Mentions cleared.");
    }
    case "mute-list": {
      const result = await noise.mutes.list(actor, channelId);
      return result === null ? notConfiguredReply(command) : mutesReply(command, result);
    }
    case "mute-permission": {
      const result = await noise.mutes.setPermission(actor, channelId, parsed.permission);
      const note =
        parsed.permission === "members"
          ? "Members of this channel may now mute for up to 4 h."
          : "Only managers may mute now.";
      return result === null ? notConfiguredReply(command) : mutesReply(command, result, note);
    }
    case "unmute": {
      const result = await noise.mutes.unmute(actor, channelId, parsed.id);
      if (result === null) return notConfiguredReply(command);
      const note = parsed.id === "all" ? `Ended ${result.ended} mute(s).` : `Ended mute \`${parsed.id}\`.`;
      return mutesReply(command, result, note);
    }
  }
}

/** `/aws list`'s lines about mentions and mutes. */
export async function noiseLines(noise: NoiseServices, actor: Actor, channelId: string): Promise<NoiseLines> {
  const [mentions, mutes] = await Promise.all([
    noise.mentions.list(actor, channelId),
    noise.mutes.list(actor, channelId),
  ]);
  return { mentions: mentionsLine(mentions?.mentions ?? []), mutes: mutesLine(mutes?.mutes ?? []) };
}
