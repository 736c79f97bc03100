/** Ephemeral replies to the slash command: usage and problems. */
import type { KnownBlock } from "@slack/types";
import { context, forUsers, section } from "./text";

export interface Reply {
  response_type: "ephemeral";
  text: string;
  blocks: KnownBlock[];
}

export function reply(text: string, blocks: KnownBlock[]): Reply {
  return { response_type: "ephemeral", text, blocks };
}

/** Mentions and mutes (issue 13); mutes themselves are set from a notification's Mute menu. */
const NOISE_HELP = (command: string) => [
  `\`${command} mention @person|@group|here|channel [at LEVEL]\` / \`${command} mention\` / \`${command} mention none\` — who top-level notifications at LEVEL (default high) or above mention`,
  `\`${command} mute\` / \`${command} mute permission members|managers\` / \`${command} unmute ID|all\` — mutes set from a notification's Mute menu`,
];

export function helpReply(command: string, problem?: string): Reply {
  const usage = [
    `\`${command} subscribe ARN [ARN…]\` — receive SNS topics in this channel (any region)`,
    `\`${command} unsubscribe ARN [ARN…]\` — stop receiving them`,
    `\`${command} list\` — this channel's topics, their state, role and filters`,
    `\`${command} status\` — delivery health of this channel`,
    `\`${command} test\` — send a test notification here`,
    `\`${command} role ARN\` / \`${command} role none\` / \`${command} role template NAME\` — the IAM role for charts`,
    `\`${command} delete\` — remove this channel's configuration (asks first)`,
    `\`${command} managers\` / \`${command} managers add @person\` / \`${command} managers remove @person\` — who may change AWS Chatbot`,
    ...NOISE_HELP(command),
  ].join("\n");
  const blocks: KnownBlock[] = [];
  if (problem) blocks.push(section(`:warning: ${problem}`));
  blocks.push(section(`*AWS Chatbot commands*\n${usage}`));
  blocks.push(
    context(
      "A topic ARN looks like `arn:aws:sns:us-east-2:123456789012:alarms`. " +
        "For a private channel, type `/invite @AWS` in it. App Home lists every configured channel. " +
        "Anyone may run help, list, status and managers; the rest is for managers.",
    ),
  );
  return reply(problem ?? `AWS Chatbot commands: ${command} help`, blocks);
}

/** What was wrong, and the line to type instead. */
export function problemReply(command: string, rawProblem: string, usage?: string): Reply {
  const problem = forUsers(rawProblem);
  const blocks: KnownBlock[] = [section(`:warning: ${problem}`)];
  if (usage !== undefined) blocks.push(section(`Type instead: \`${command} ${usage}\``));
  return reply(problem.split("\n")[0], blocks);
}

export function notConfiguredReply(command: string): Reply {
  const text = "This channel has no AWS Chatbot configuration yet.";
  return reply(text, [
    section(
      `${text}\nType \`${command} subscribe arn:aws:sns:REGION:ACCOUNT-ID:TOPIC\` to receive a topic here.`,
    ),
  ]);
}

/** Something failed on our side (database, Slack, AWS): say so without internals. */
export function failureReply(command: string, what: string): Reply {
  const text = `Sorry, ${what} failed on the AWS Chatbot side.`;
  return reply(text, [
    section(
      `:x: ${text} Try again in a moment; if it keeps failing, \`${command} status\` or the server log says more.`,
    ),
  ]);
}
