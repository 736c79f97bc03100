/** Messages the bot posts in a channel on its own (not replies to a command). */
import type { KnownBlock } from "@slack/types";
import type { ChannelConfigurationView } from "../../configurations/configuration-queries";
import { topicLine } from "./configuration-text";
import { context, escapeText, linesToSections, section } from "./text";

export interface ChannelMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Posted when the bot is invited to a channel whose configuration waited for it. */
export function channelConnectedMessage(
  configuration: ChannelConfigurationView,
  command: string,
): ChannelMessage {
  const count = configuration.topics.length;
  const text = `AWS Chatbot is connected: this channel receives ${count} SNS topic${count === 1 ? "" : "s"}.`;
  const blocks: KnownBlock[] = [
    section(`:link: *AWS Chatbot is connected* (configuration *${escapeText(configuration.name)}*).`),
  ];
  if (count === 0) blocks.push(section(`No SNS topics yet: \`${command} subscribe ARN\` adds one.`));
  else
    blocks.push(
      section(`This channel receives ${count} SNS topic${count === 1 ? "" : "s"}:`),
      ...linesToSections(configuration.topics.map(topicLine), 10),
    );
  blocks.push(context(`Notifications held until now follow. \`${command} help\` shows the commands.`));
  return { text, blocks };
}
