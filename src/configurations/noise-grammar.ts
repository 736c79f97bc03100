/**
 * The noise-control part of the `/aws` grammar (issue 13), a pure parser like command-grammar.ts:
 *
 *   mention                                   lists the channel's mentions
 *   mention @person|@group|here|channel… [at LEVEL]   adds them (LEVEL default high)
 *   mention none                              clears them
 *   mute                                      lists active mutes (set from a notification's Mute menu)
 *   mute permission members|managers          who may mute from the menu
 *   unmute ID|all                             ends mutes
 *
 * People and groups arrive as Slack's escaped mentions (`should_escape: true`, mentions.ts); a user
 * group's `<!subteam^S…>` is taken from the command's text, so no `usergroups:read` is needed.
 */
import { type Mention, mentionLabel, parseMentions } from "./mentions";

/** The severities a mention or a filter can name, most urgent first. */
export const MENTION_LEVELS = ["critical", "high", "medium", "low", "info"] as const;
export type MentionLevel = (typeof MENTION_LEVELS)[number];
export const DEFAULT_MENTION_LEVEL: MentionLevel = "high";
export const MAX_MENTIONS_PER_COMMAND = 10;

/** What a notification carries to mention someone: `<@U…>`, `<!subteam^S…>`, `<!here>`, `<!channel>`. */
export interface MentionTarget {
  target: string;
  label: string;
}

/** Who may mute from a notification's Mute menu; the first is the default (the column's too). */
export const MUTE_PERMISSIONS = ["managers", "members"] as const;
export type MutePermission = (typeof MUTE_PERMISSIONS)[number];

export type NoiseCommand =
  | { kind: "mention-list" }
  | { kind: "mention-none" }
  | { kind: "mention-add"; targets: MentionTarget[]; level: MentionLevel }
  | { kind: "mute-list" }
  | { kind: "mute-permission"; permission: MutePermission }
  | { kind: "unmute"; id: string };

export const NOISE_USAGE = {
  mention: "mention @person|@group|here|channel [at critical|high|medium|low|info] | mention | mention none",
  mute: "mute | mute permission members|managers",
  unmute: "unmute ID | unmute all",
} as const;
export type NoiseSubcommand = keyof typeof NOISE_USAGE;

export type ParsedNoise = { ok: true; command: NoiseCommand } | { ok: false; problem: string; usage: string };

const MUTE_ID = /^[a-z0-9]{1,16}$/;

function problem(text: string, subcommand: NoiseSubcommand): ParsedNoise {
  return { ok: false, problem: text, usage: NOISE_USAGE[subcommand] };
}

function shown(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `\`${short.replace(/`/g, "'")}\``;
}

export function isMentionLevel(word: string): word is MentionLevel {
  return (MENTION_LEVELS as readonly string[]).includes(word);
}

/** What `/aws mention` stores for a mention, or why it refuses it (the configuration file uses it too). */
export function mentionTarget(mention: Mention): MentionTarget | string {
  switch (mention.kind) {
    case "user":
      return { target: `<@${mention.id}>`, label: mentionLabel(mention) };
    case "usergroup":
      return { target: `<!subteam^${mention.id}>`, label: mentionLabel(mention) };
    case "special":
      if (mention.name === "everyone") return "`@everyone` is not allowed: use `here` or `channel`.";
      return { target: `<!${mention.name}>`, label: `@${mention.name}` };
    case "channel":
      return `${shown(mentionLabel(mention))} is a channel: mention people, a user group, \`here\` or \`channel\`.`;
    case "text": {
      const word = mention.text.toLowerCase().replace(/^@/, "");
      if (word === "here" || word === "channel") return { target: `<!${word}>`, label: `@${word}` };
      return `I cannot tell who ${shown(mention.text)} is: type @ and pick the person or group from Slack's list.`;
    }
  }
}

function parseMention(rest: string): ParsedNoise {
  const trimmed = rest.trim();
  if (trimmed === "") return { ok: true, command: { kind: "mention-list" } };
  if (trimmed.toLowerCase() === "none") return { ok: true, command: { kind: "mention-none" } };
  const mentions = parseMentions(trimmed, MAX_MENTIONS_PER_COMMAND + 2);
  let level: MentionLevel = DEFAULT_MENTION_LEVEL;
  const last = mentions.at(-1);
  const beforeLast = mentions.at(-2);
  if (beforeLast?.kind === "text" && beforeLast.text.toLowerCase() === "at") {
    const word = last?.kind === "text" ? last.text.toLowerCase() : "";
    if (!isMentionLevel(word)) {
      return problem(
        `${shown(last === undefined ? "" : mentionLabel(last))} is not a level: use ${MENTION_LEVELS.join(", ")}.`,
        "mention",
      );
    }
    level = word;
    mentions.splice(-2, 2);
  }
  if (mentions.length === 0) return problem("`mention` needs someone to mention before `at`.", "mention");
  if (mentions.length > MAX_MENTIONS_PER_COMMAND) {
    return problem(`\`mention\` takes at most ${MAX_MENTIONS_PER_COMMAND} at once.`, "mention");
  }
  const targets: MentionTarget[] = [];
  const problems: string[] = [];
  for (const mention of mentions) {
    const target = mentionTarget(mention);
    if (typeof target === "string") problems.push(target);
    else if (!targets.some((t) => t.target === target.target)) targets.push(target);
  }
  if (problems.length > 0) return problem(`${problems.join("\n")}\nNothing was changed.`, "mention");
  return { ok: true, command: { kind: "mention-add", targets, level } };
}

function parseMute(words: string[]): ParsedNoise {
  if (words.length === 0) return { ok: true, command: { kind: "mute-list" } };
  const [first, second, ...more] = words.map((w) => w.toLowerCase());
  if (first !== "permission") {
    return problem(
      `Mutes are set from a notification's Mute menu; \`mute\` takes only \`permission\`, not ${shown(words[0])}.`,
      "mute",
    );
  }
  if ((second !== "members" && second !== "managers") || more.length > 0) {
    return problem("`mute permission` takes `members` or `managers`.", "mute");
  }
  return { ok: true, command: { kind: "mute-permission", permission: second } };
}

function parseUnmute(words: string[]): ParsedNoise {
  if (words.length !== 1) return problem("`unmute` takes one mute ID (see `mute`) or `all`.", "unmute");
  const id = words[0].toLowerCase();
  if (id !== "all" && !MUTE_ID.test(id)) return problem(`${shown(words[0])} is not a mute ID.`, "unmute");
  return { ok: true, command: { kind: "unmute", id } };
}

/** Parses `mention …`, `mute …` and `unmute …`; undefined for any other subcommand. */
export function parseNoiseCommand(text: string): ParsedNoise | undefined {
  const trimmed = text.trim();
  const word = trimmed.split(/\s+/)[0]?.toLowerCase() ?? "";
  const rest = trimmed.slice(word.length);
  const words = rest.split(/\s+/).filter((w) => w.length > 0);
  switch (word) {
    case "mention":
      return parseMention(rest);
    case "mute":
      return parseMute(words);
    case "unmute":
      return parseUnmute(words);
    default:
      return undefined;
  }
}

/** Whether a notification of `severity` reaches a mention set `at` a level. */
export function reachesLevel(severity: string | undefined, level: MentionLevel): boolean {
  if (severity === undefined || !isMentionLevel(severity)) return false;
  return MENTION_LEVELS.indexOf(severity) <= MENTION_LEVELS.indexOf(level);
}
