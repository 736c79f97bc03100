/**
 * The `/aws` grammar of CONTRACT.md, as a pure parser from the slash command's text to a typed
 * command, or to a problem that says what was wrong and what to type instead:
 *
 *   help | (empty)
 *   subscribe ARN [ARN…]          unsubscribe ARN [ARN…]
 *   list | status | test | delete
 *   role ARN | role none | role template NAME
 *   managers | managers add @person… | managers remove @person…
 *
 * ARNs may be separated by spaces, commas or new lines, and wrapped in backticks, quotes or <…>
 * (what pasting from a console or a code span leaves behind). People arrive as Slack's escaped
 * mentions (`<@U123|name>`, manifest.yml's `should_escape: true`); user groups are refused for the
 * managers list, so that who manages is always a list of people (see mentions.ts).
 */
import { z } from "zod";
import { isChatbotError } from "../errors";
import { assertDeliverableTopic, parseTopicArn, type TopicArn } from "../sns/topic-arn";
import { parseIamRoleArn, slackRoleNameProblem } from "./iam-role";
import { type Mention, mentionLabel, parseMentions } from "./mentions";
import { type NoiseCommand, parseNoiseCommand } from "./noise-grammar";

export const MAX_TOPICS_PER_COMMAND = 25;
export const MAX_PEOPLE_PER_COMMAND = 25;

export type AwsCommand =
  | { kind: "help" }
  | { kind: "subscribe"; topics: TopicArn[] }
  | { kind: "unsubscribe"; topics: TopicArn[] }
  | { kind: "list" }
  | { kind: "status" }
  | { kind: "test" }
  | { kind: "delete" }
  | { kind: "role-set"; roleArn: string }
  | { kind: "role-none" }
  | { kind: "role-template"; roleName: string }
  | { kind: "managers-list" }
  | { kind: "managers-add"; userIds: string[] }
  | { kind: "managers-remove"; userIds: string[] }
  | NoiseCommand;

/** Subcommands anyone may run; every other one changes something and needs a manager. */
export const READ_ONLY_COMMANDS: ReadonlySet<AwsCommand["kind"]> = new Set([
  "help",
  "list",
  "status",
  "managers-list",
  "mention-list",
  "mute-list",
]);

export type ParsedCommand =
  | { ok: true; command: AwsCommand }
  /** `problem` says what was wrong; `usage` is the one line to type instead; `unknown` → show help. */
  | { ok: false; problem: string; usage?: string; unknown?: boolean };

const subcommandSchema = z.enum([
  "help",
  "subscribe",
  "unsubscribe",
  "list",
  "status",
  "test",
  "delete",
  "role",
  "managers",
]);
type Subcommand = z.infer<typeof subcommandSchema>;

/** Usage lines, without the command name (the caller prefixes `/aws` or whatever SLACK_COMMAND is). */
export const USAGE: Readonly<Record<Subcommand, string>> = {
  help: "help",
  subscribe: "subscribe arn:aws:sns:REGION:ACCOUNT-ID:TOPIC [ARN…]",
  unsubscribe: "unsubscribe arn:aws:sns:REGION:ACCOUNT-ID:TOPIC [ARN…]",
  list: "list",
  status: "status",
  test: "test",
  delete: "delete",
  role: "role arn:aws:iam::ACCOUNT-ID:role/NAME | role none | role template NAME",
  managers: "managers | managers add @person [@person…] | managers remove @person [@person…]",
};

const WRAPPERS = /^[`'"<“‘]+|[`'">”’]+$/g;

/**
 * Splits on whitespace (and commas, for lists of ARNs; role names may contain commas); strips
 * wrapping quotes, backticks and angle brackets.
 */
export function tokenize(text: string, separators: RegExp = /[\s,]+/): string[] {
  return text
    .split(separators)
    .map((token) => token.replace(WRAPPERS, ""))
    .filter((token) => token.length > 0);
}

const WHITESPACE = /\s+/;

function shown(token: string): string {
  const short = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return short.replace(/`/g, "'");
}

function problem(text: string, usage?: Subcommand): ParsedCommand {
  return { ok: false, problem: text, usage: usage === undefined ? undefined : USAGE[usage] };
}

function parseTopics(kind: "subscribe" | "unsubscribe", args: string[]): ParsedCommand {
  if (args.length === 0) {
    return problem(`\`${kind}\` needs at least one SNS topic ARN.`, kind);
  }
  const unique = [...new Set(args)];
  if (unique.length > MAX_TOPICS_PER_COMMAND) {
    return problem(
      `\`${kind}\` takes at most ${MAX_TOPICS_PER_COMMAND} topics at once; you gave ${unique.length}.`,
      kind,
    );
  }
  const topics: TopicArn[] = [];
  const problems: string[] = [];
  for (const arg of unique) {
    try {
      topics.push(kind === "subscribe" ? assertDeliverableTopic(arg) : parseTopicArn(arg));
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    const nothing = kind === "subscribe" ? "Nothing was subscribed." : "Nothing was unsubscribed.";
    return problem(`${problems.join("\n")}\n${nothing}`, kind);
  }
  return { ok: true, command: { kind, topics } };
}

function parseRole(args: string[]): ParsedCommand {
  const [first, ...rest] = args;
  if (first === undefined)
    return problem("`role` needs an IAM role ARN, `none`, or `template NAME`.", "role");
  if (first.toLowerCase() === "none") {
    if (rest.length > 0) return problem("`role none` takes nothing after `none`.", "role");
    return { ok: true, command: { kind: "role-none" } };
  }
  if (first.toLowerCase() === "template") {
    if (rest.length === 0) {
      return problem(
        "`role template` needs the name of the role to create, e.g. `role template AWSChatbotNotifications`.",
        "role",
      );
    }
    if (rest.length > 1) {
      return problem(
        `A role name cannot contain spaces: "${shown(rest.join(" "))}". Use letters, digits and + = , . @ - _ only.`,
        "role",
      );
    }
    const nameProblem = slackRoleNameProblem(rest[0]);
    if (nameProblem !== undefined) return problem(`${nameProblem}.`, "role");
    return { ok: true, command: { kind: "role-template", roleName: rest[0] } };
  }
  if (rest.length > 0) return problem("`role` takes one role ARN.", "role");
  try {
    return { ok: true, command: { kind: "role-set", roleArn: parseIamRoleArn(first).arn } };
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    return problem(error.message, "role");
  }
}

function notAPerson(mention: Mention): string {
  const shownAs = `\`${shown(mentionLabel(mention))}\``;
  switch (mention.kind) {
    case "usergroup":
      return `${shownAs} is a user group: add its people one by one (managers are people, so the list says who they are).`;
    case "channel":
      return `${shownAs} is a channel, not a person.`;
    case "special":
      return `${shownAs} is not a person.`;
    default:
      return (
        `I cannot tell who ${shownAs} is: type @ and pick the person from Slack's list, ` +
        "so that the command carries their mention."
      );
  }
}

function parseManagers(rest: string): ParsedCommand {
  const [action, ...others] = rest.trim().split(WHITESPACE);
  const verb = action.toLowerCase();
  if (verb === "") return { ok: true, command: { kind: "managers-list" } };
  if (verb !== "add" && verb !== "remove") {
    return problem(`\`managers\` takes \`add\` or \`remove\`, not \`${shown(action)}\`.`, "managers");
  }
  const mentions = parseMentions(rest.trim().slice(action.length), MAX_PEOPLE_PER_COMMAND);
  if (others.length === 0 || mentions.length === 0) {
    return problem(`\`managers ${verb}\` needs at least one @person.`, "managers");
  }
  if (mentions.length > MAX_PEOPLE_PER_COMMAND) {
    return problem(
      `\`managers ${verb}\` takes at most ${MAX_PEOPLE_PER_COMMAND} people at once.`,
      "managers",
    );
  }
  const problems = mentions.filter((m) => m.kind !== "user").map(notAPerson);
  if (problems.length > 0) return problem(`${problems.join("\n")}\nNothing was changed.`, "managers");
  const userIds = [...new Set(mentions.flatMap((m) => (m.kind === "user" ? [m.id] : [])))];
  return { ok: true, command: { kind: verb === "add" ? "managers-add" : "managers-remove", userIds } };
}

export function parseAwsCommand(text: string): ParsedCommand {
  const [word, ...words] = tokenize(text, WHITESPACE);
  if (word === undefined) return { ok: true, command: { kind: "help" } };
  const noise = parseNoiseCommand(text);
  if (noise !== undefined) return noise;
  const parsed = subcommandSchema.safeParse(word.toLowerCase());
  if (!parsed.success) {
    return { ok: false, problem: `\`${shown(word)}\` is not a command I know.`, unknown: true };
  }
  const subcommand = parsed.data;
  switch (subcommand) {
    case "subscribe":
    case "unsubscribe":
      return parseTopics(
        subcommand,
        words.flatMap((w) => tokenize(w)),
      );
    case "role":
      return parseRole(words);
    case "managers":
      // From the raw text: mentions keep their <…> (tokenize strips them) and labels may hold spaces.
      return parseManagers(text.trim().replace(/^\S+/, ""));
    default:
      if (words.length > 0) {
        return problem(`\`${subcommand}\` takes no arguments.`, subcommand);
      }
      return { ok: true, command: { kind: subcommand } };
  }
}
