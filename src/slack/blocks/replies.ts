/** Ephemeral replies to the slash command. */
import type { KnownBlock } from "@slack/types";

export interface Reply {
  response_type: "ephemeral";
  text: string;
  blocks: KnownBlock[];
}

export function helpReply(command: string, problem?: string): Reply {
  const usage = [
    `\`${command} subscribe ARN [ARN…]\` — receive SNS topics in this channel (any region)`,
    `\`${command} unsubscribe ARN [ARN…]\` — stop receiving them`,
    `\`${command} list\` — this channel's topics, their state, role and filters`,
    `\`${command} status\` — delivery health of this channel`,
    `\`${command} test\` — send a test notification here`,
    `\`${command} role ARN\` / \`${command} role none\` / \`${command} role template NAME\` — the IAM role for charts`,
    `\`${command} delete\` — remove this channel's configuration`,
  ].join("\n");
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push({ type: "section", text: { type: "mrkdwn", text: `:warning: ${problem}` } });
  blocks.push({ type: "section", text: { type: "mrkdwn", text: `*AWS Chatbot commands*\n${usage}` } });
  return { response_type: "ephemeral", text: problem ?? `AWS Chatbot commands: ${command} help`, blocks };
}
