/** Ephemeral replies to `/aws filter …` and `/aws help filter`. */
import type { KnownBlock } from "@slack/types";
import type { FilterChange, FilterView } from "../../configurations/channel-filters";
import type { ChannelConfigurationView } from "../../configurations/configuration-queries";
import { describeFilter, FILTER_LEVELS, FILTER_SERVICES } from "../../configurations/filters";
import { TEXT_PATTERN_MAX_LENGTH } from "../../configurations/text-pattern";
import { channelMention } from "./configuration-text";
import { type Reply, reply } from "./replies";
import { context, escapeText, section } from "./text";

function where(configuration: Pick<ChannelConfigurationView, "channelId" | "channelName">): string {
  return channelMention(configuration.channelId, configuration.channelName);
}

export function filterShowReply(
  command: string,
  configuration: ChannelConfigurationView,
  view: FilterView,
  filtered: number,
): Reply {
  const line = escapeText(describeFilter(view.filter));
  const blocks: KnownBlock[] = [section(`*Filters of ${where(configuration)}*\n${line}`)];
  if (view.problem !== undefined)
    blocks.push(
      section(
        `:warning: The stored filter cannot be read (${escapeText(view.problem)}), so every notification is delivered. Set it again to fix it.`,
      ),
    );
  blocks.push(
    context(`${filtered} filtered in the last 24 h · \`${command} help filter\` explains every criterion.`),
  );
  return reply(`Filters: ${describeFilter(view.filter)}`, blocks);
}

export function filterChangeReply(
  command: string,
  configuration: ChannelConfigurationView,
  change: FilterChange,
): Reply {
  const line = escapeText(describeFilter(change.filter));
  const text = change.changed
    ? `The filters of ${where(configuration)} are now: ${line}`
    : `Nothing changed: the filters of ${where(configuration)} are already ${line}`;
  return reply(text, [
    section(`${change.changed ? ":white_check_mark:" : ":information_source:"} ${text}`),
    context(`Notifications they keep out are counted in \`${command} status\`.`),
  ]);
}

export function filterHelpReply(command: string): Reply {
  const c = `\`${command} filter`;
  const lines = [
    `${c}\` — shows this channel's filters`,
    `${c} severity LEVEL [strict]\` — only LEVEL and above (${FILTER_LEVELS.join(" > ")}); notifications without a severity pass unless \`strict\``,
    `${c} services ID…\` / ${c} exclude-services ID…\` — only / never these services`,
    `${c} states STATE…\` / ${c} exclude-states STATE…\` — only / never these states or event kinds (ALARM, OK, FAILED, finding…)`,
    `${c} accounts ACCOUNT-ID…\` / ${c} regions REGION…\` — only these AWS accounts / regions`,
    `${c} match TEXT\` / ${c} exclude TEXT\` — the header or summary must / must not contain TEXT (any case), or match \`/regex/\` (at most ${TEXT_PATTERN_MAX_LENGTH} characters; patterns that could run away, such as \`(a+)+\`, are refused)`,
    `${c} clear [CRITERION]\` — removes every criterion, or one`,
  ];
  const blocks: KnownBlock[] = [
    section(`*Channel filters* (all criteria must hold)\n${lines.join("\n")}`),
    section(`*Service ids:* ${FILTER_SERVICES.join(", ")}`),
    context(
      "Alarms: when a filter lets an ALARM through, its later OK goes to the same thread even if the filter keeps OK out, so no thread is left red. " +
        `What they keep out is not posted here and is counted in \`${command} status\`. Only managers change filters.`,
    ),
  ];
  return reply(`Channel filters: ${command} help filter`, blocks);
}
