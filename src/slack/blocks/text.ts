/**
 * Small Block Kit pieces shared by the builders, each keeping Slack's limits (PROTOCOLS.md §2.5):
 * section text ≤3000, header ≤150, context ≤10 elements, button text ≤75.
 */
import type { Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";

export const SECTION_TEXT_MAX = 3000;
export const HEADER_TEXT_MAX = 150;
export const MESSAGE_BLOCKS_MAX = 50;
export const VIEW_BLOCKS_MAX = 100;

/** `&`, `<`, `>` as Slack wants them in mrkdwn, so user-typed text never becomes a mention or link. */
export function escapeText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>)]+/gi;
const HOST_PORT = /\b(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\])(?::\d{1,5})?\b/gi;
/** SCREAMING_SNAKE names: this deployment's environment variables (PUBLIC_URL, AWS_ENDPOINT_URL_SNS…). */
const ENV_NAME = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;

/**
 * An internal reason (an SNS or Slack failure, a stored error) as users may see it: no addresses or
 * URLs of this deployment's dependencies and no environment variable names, which are for the
 * operator (the log keeps them, with the rest of the error).
 */
export function forUsers(reason: string): string {
  return hideSettingNames(
    reason
      .replace(URL_IN_TEXT, "(an address in the server's log)")
      .replace(HOST_PORT, "(an address in the server's log)"),
  );
}

/** Only the environment variable names of a message (one that quotes public example URLs on purpose). */
export function hideSettingNames(text: string): string {
  return text.replace(ENV_NAME, "(a server setting)");
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

export function section(text: string, blockId?: string): SectionBlock {
  return {
    type: "section",
    ...(blockId === undefined ? {} : { block_id: blockId }),
    text: { type: "mrkdwn", text: truncate(text, SECTION_TEXT_MAX) },
  };
}

export function header(text: string): HeaderBlock {
  return { type: "header", text: { type: "plain_text", text: truncate(text, HEADER_TEXT_MAX), emoji: true } };
}

export function context(text: string): ContextBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncate(text, SECTION_TEXT_MAX) }] };
}

export function button(
  text: string,
  actionId: string,
  options: { value?: string; style?: "primary" | "danger"; confirm?: Button["confirm"] } = {},
): Button {
  return {
    type: "button",
    text: { type: "plain_text", text: truncate(text, 75), emoji: true },
    action_id: actionId,
    ...(options.value === undefined ? {} : { value: options.value }),
    ...(options.style === undefined ? {} : { style: options.style }),
    ...(options.confirm === undefined ? {} : { confirm: options.confirm }),
  };
}

/** Slack's own "are you sure?" dialog in front of a destructive button (title ≤100, text ≤300). */
export function dangerConfirm(
  title: string,
  mrkdwn: string,
  confirmLabel: string,
): NonNullable<Button["confirm"]> {
  return {
    title: { type: "plain_text", text: truncate(title, 100) },
    text: { type: "mrkdwn", text: truncate(mrkdwn, 300) },
    confirm: { type: "plain_text", text: truncate(confirmLabel, 30) },
    deny: { type: "plain_text", text: "Cancel" },
    style: "danger",
  };
}

/**
 * Lines of mrkdwn as few sections as fit (each ≤3000 characters); a line longer than a section is
 * truncated. At most `maxBlocks` sections: what does not fit is counted in a last line.
 */
export function linesToSections(lines: readonly string[], maxBlocks = 20): SectionBlock[] {
  const texts: string[] = [];
  let current = "";
  for (const raw of lines) {
    const line = truncate(raw, SECTION_TEXT_MAX);
    if (current !== "" && current.length + 1 + line.length > SECTION_TEXT_MAX) {
      texts.push(current);
      current = line;
    } else current = current === "" ? line : `${current}\n${line}`;
  }
  if (current !== "") texts.push(current);
  if (texts.length > maxBlocks) {
    const kept = texts.slice(0, maxBlocks - 1);
    const shownLines = kept.join("\n").split("\n").length;
    kept.push(`…and ${lines.length - shownLines} more.`);
    return kept.map((text) => section(text));
  }
  return texts.map((text) => section(text));
}

/**
 * A titled code block (policy JSON, YAML) over as many sections as it takes, each ≤3000 characters
 * including its fences; lines are never split.
 */
export function codeSections(title: string, code: string): SectionBlock[] {
  const fence = "```";
  const budget = SECTION_TEXT_MAX - 2 * fence.length - 2 - title.length - 1;
  const chunks: string[] = [];
  let current = "";
  for (const line of code.split("\n")) {
    const safe = truncate(line, budget);
    if (current !== "" && current.length + 1 + safe.length > budget) {
      chunks.push(current);
      current = safe;
    } else current = current === "" ? safe : `${current}\n${safe}`;
  }
  if (current !== "") chunks.push(current);
  return chunks.map((chunk, index) =>
    section(`${index === 0 ? `${title}\n` : ""}${fence}\n${chunk}\n${fence}`),
  );
}

/** Keeps a block list within `max`, replacing the tail with a note of what was left out. */
export function capBlocks(
  blocks: KnownBlock[],
  max: number,
  note: (omitted: number) => string,
): KnownBlock[] {
  if (blocks.length <= max) return blocks;
  const kept = blocks.slice(0, max - 1);
  return [...kept, context(note(blocks.length - kept.length))];
}

/** `<!date^…>`: Slack shows the time in the reader's time zone, with `fallback` for old clients. */
export function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${date.toISOString()}>`;
}
