/** Ephemeral replies of noise control (issue 13): `/aws mention`, `/aws mute`, `/aws unmute`, the Mute menu. */
import type { MentionsResult } from "../../configurations/channel-mentions";
import type { MutesResult } from "../../configurations/mute-changes";
import { muteEndText } from "../../configurations/mutes";
import type { MuteResult } from "../../delivery/notification-actions";
import { type Reply, reply } from "./replies";
import { context, escapeText, section } from "./text";

function mentionLines(result: MentionsResult): string[] {
  return result.mentions.map((m) => `• ${escapeText(m.label)} — ${m.level} and above`);
}

export function mentionsReply(command: string, result: MentionsResult, changed?: string): Reply {
  const name = escapeText(result.configuration.name);
  const lines = mentionLines(result);
  const text =
    lines.length === 0
      ? `*${name}*: top-level notifications mention nobody.`
      : `*${name}*: top-level notifications mention\n${lines.join("\n")}`;
  const blocks = [];
  if (changed !== undefined) blocks.push(section(`:white_check_mark: ${changed}`));
  blocks.push(section(text));
  blocks.push(
    context(
      `\`${command} mention @person|@group|here|channel [at LEVEL]\` adds, \`${command} mention none\` clears. ` +
        "Replies in an alarm's thread never mention.",
    ),
  );
  return reply(changed ?? `${result.mentions.length} mention(s)`, blocks);
}

export function mutesReply(command: string, result: MutesResult, changed?: string): Reply {
  const name = escapeText(result.configuration.name);
  const lines = result.mutes.map(
    (m) =>
      `• \`${m.id}\` ${escapeText(m.label)} — by <@${m.createdBy}>, ${escapeText(muteEndText(m, result.now))}`,
  );
  const text = lines.length === 0 ? `*${name}*: nothing is muted.` : `*${name}*: muted\n${lines.join("\n")}`;
  const who =
    result.permission === "members" ? "Managers, and members for up to 4 h, may mute" : "Managers may mute";
  const blocks = [];
  if (changed !== undefined) blocks.push(section(`:white_check_mark: ${changed}`));
  blocks.push(section(text));
  blocks.push(
    context(
      `${who} from a notification's Mute menu; muted notifications are stored, not posted (\`${command} status\` counts them). ` +
        `\`${command} unmute ID\` or \`${command} unmute all\` ends them.`,
    ),
  );
  return reply(changed ?? `${result.mutes.length} mute(s)`, blocks);
}

export function muteSetReply(command: string, result: MuteResult, now: Date): Reply {
  const { mute } = result;
  const capped =
    result.cappedFrom === undefined
      ? ""
      : ` Members may mute for at most 4 h, so not ${escapeText(result.cappedFrom)}.`;
  const text =
    `:mute: Muted ${escapeText(mute.label)} in this channel ${escapeText(muteEndText(mute, now))} (\`${mute.id}\`).${capped} ` +
    `Matching notifications are stored, not posted; \`${command} unmute ${mute.id}\` ends it.`;
  return reply(text, [section(text)]);
}
