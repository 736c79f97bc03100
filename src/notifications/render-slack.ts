import { clientMarkdownToMrkdwn, escapeMrkdwn, truncateMrkdwn } from "./mrkdwn";
import { type Presentation, presentationOf } from "./presentation";
import { oneLine, truncateChars } from "./text";
import { formatUtc } from "./time";
import type { Notification } from "./types";

/**
 * Notification → Slack `chat.postMessage` `{text, blocks}`. Within Slack's limits (PROTOCOLS §2.5)
 * whatever the message: ≤ 50 blocks, header ≤ 150, section text ≤ 3000, ≤ 10 fields of ≤ 2000,
 * context ≤ 10 elements, and a total under Slack's undocumented ~12 K aggregate. Long text is cut
 * with a visible "… (truncated)".
 */

export interface PlainTextObject {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface MrkdwnObject {
  type: "mrkdwn";
  text: string;
}

export interface HeaderBlock {
  type: "header";
  text: PlainTextObject;
}

export interface SectionBlock {
  type: "section";
  text?: MrkdwnObject;
  fields?: MrkdwnObject[];
}

export interface ContextBlock {
  type: "context";
  elements: MrkdwnObject[];
}

export interface ButtonElement {
  type: "button";
  text: PlainTextObject;
  url: string;
  /** Slack sends a block_actions event even for link buttons; the app acks this id. */
  action_id: string;
}

/** A menu (the storm digest's "show one in full"); values are ours, never a URL. */
export interface StaticSelectElement {
  type: "static_select";
  action_id: string;
  placeholder: PlainTextObject;
  options: { text: PlainTextObject; value: string }[];
}

export interface ActionsBlock {
  type: "actions";
  elements: (ButtonElement | StaticSelectElement)[];
}

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock;

export interface SlackMessage {
  /** Notification / accessibility fallback: state and title. */
  text: string;
  blocks: SlackBlock[];
}

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextElements: 10,
  blockId: 255,
  buttonText: 75,
  buttonUrl: 3000,
  /** Documented nowhere; `msg_blocks_too_long` was seen at ~13.2 K, so stay well below 12 K. */
  totalText: 11500,
  fallbackText: 500,
} as const;

export const CONSOLE_ACTION_ID = "open_aws_console";
/** Buttons for links the message carried: `open_link_1`, `open_link_2`… (acked like the console's). */
export const LINK_ACTION_ID_PREFIX = "open_link_";

const FIELD_VALUE_CHARS = 600;
const MAX_FIELD_SECTIONS = 2;
const MAX_LIST_ITEMS_CHARS = 400;
const MIN_SHRUNK = 120;

export function renderSlackMessage(
  notification: Notification,
  shown: Presentation = presentationOf(notification),
): SlackMessage {
  const blocks: SlackBlock[] = [];
  // Variable-length texts that may be shortened to meet the total budget, longest first.
  const shrinkable: MrkdwnObject[] = [];
  const section = (text: string, canShrink = true): void => {
    if (text.trim() === "") return;
    const object: MrkdwnObject = { type: "mrkdwn", text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) };
    blocks.push({ type: "section", text: object });
    if (canShrink) shrinkable.push(object);
  };

  const { header } = shown;
  blocks.push({ type: "header", text: { type: "plain_text", text: header, emoji: true } });
  section(statusLine(shown.status), false);
  if (notification.summary !== undefined && notification.summary !== notification.title) {
    section(`_${escapeMrkdwn(oneLine(truncateChars(notification.summary, 500)))}_`);
  }
  if (notification.description !== undefined)
    section(bodyText(notification.description.text, notification.description.format));
  if (notification.notes.length > 0) {
    section(notification.notes.map((note) => `:warning: ${escapeMrkdwn(note)}`).join("\n"));
  }
  blocks.push(...fieldSections(notification, shrinkable));
  const { reason, resources } = shown;
  if (reason !== undefined) section(`*Reason*\n${escapeMrkdwn(capRaw(reason))}`);
  for (const list of notification.lists.slice(0, 6)) {
    if (list.items.length === 0) continue;
    const items = list.items.map((item) => {
      const text = truncateChars(item, MAX_LIST_ITEMS_CHARS);
      return `• ${list.format === "markdown" ? clientMarkdownToMrkdwn(text) : escapeMrkdwn(text)}`;
    });
    if (list.more !== undefined && list.more > 0) items.push(`_+${list.more} more_`);
    section(`*${escapeMrkdwn(list.title)}*\n${items.join("\n")}`);
  }
  if (notification.details !== undefined && notification.details !== "") {
    section(`\`\`\`\n${escapeMrkdwn(capRaw(notification.details))}\n\`\`\``);
  }
  if (resources.items.length > 0) {
    const more = resources.more > 0 ? `\n_+${resources.more} more_` : "";
    section(
      `*Resources*\n${resources.items.map((r) => `• ${escapeMrkdwn(truncateChars(r, 300))}`).join("\n")}${more}`,
    );
  }
  blocks.push(contextBlock(notification));
  const buttons = shown.links.map(
    (link, index): ButtonElement => ({
      type: "button",
      text: { type: "plain_text", text: link.label, emoji: true },
      url: link.url,
      action_id: link.console ? CONSOLE_ACTION_ID : `${LINK_ACTION_ID_PREFIX}${index}`,
    }),
  );
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });

  fitTotal(blocks, shrinkable);
  return {
    // The push preview says what the header says.
    text: escapeMrkdwn(header),
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

/** Cuts raw text before escaping, so a 300 KB message is not escaped in full only to be cut. */
function capRaw(text: string, max = SLACK_LIMITS.sectionText * 2): string {
  return text.length > max ? text.slice(0, max) : text;
}

function bodyText(text: string, format: "plain" | "markdown"): string {
  const capped = capRaw(text);
  return format === "markdown" ? clientMarkdownToMrkdwn(capped) : escapeMrkdwn(capped);
}

/** `OK → *ALARM*  ·  High severity  ·  CloudWatch alarm`: what the header does not say. */
function statusLine({ transition, parts }: Presentation["status"]): string {
  const shown = parts.map(escapeMrkdwn);
  if (transition !== undefined) shown.unshift(`*${escapeMrkdwn(transition)}*`);
  return shown.join("  ·  ");
}

function fieldSections(notification: Notification, shrinkable: MrkdwnObject[]): SectionBlock[] {
  const fields = notification.fields.map(
    (field): MrkdwnObject => ({
      type: "mrkdwn",
      text: truncateMrkdwn(
        `*${escapeMrkdwn(truncateChars(oneLine(field.label), 100))}*\n${
          field.time === undefined
            ? escapeMrkdwn(truncateChars(field.value, FIELD_VALUE_CHARS))
            : slackDate(field.time)
        }`,
        SLACK_LIMITS.fieldText,
      ),
    }),
  );
  const sections: SectionBlock[] = [];
  for (let i = 0; i < fields.length && sections.length < MAX_FIELD_SECTIONS; i += SLACK_LIMITS.fields) {
    sections.push({ type: "section", fields: fields.slice(i, i + SLACK_LIMITS.fields) });
  }
  const shown = sections.length * SLACK_LIMITS.fields;
  if (fields.length > shown) {
    const last = sections[sections.length - 1].fields ?? [];
    last[last.length - 1] = {
      type: "mrkdwn",
      text: `_+${fields.length - shown + 1} more fields (truncated)_`,
    };
  }
  for (const section of sections) shrinkable.push(...(section.fields ?? []));
  return sections;
}

function contextBlock(notification: Notification): ContextBlock {
  const parts: string[] = [];
  if (notification.account !== undefined)
    parts.push(`Account ${escapeMrkdwn(truncateChars(notification.account, 64))}`);
  if (notification.region !== undefined) parts.push(escapeMrkdwn(truncateChars(notification.region, 32)));
  if (notification.timestamp !== undefined) parts.push(slackDate(notification.timestamp));
  const elements: MrkdwnObject[] = [
    { type: "mrkdwn", text: parts.length === 0 ? "Amazon SNS" : parts.join("  ·  ") },
  ];
  if (notification.keywords.length > 0) {
    const keywords = notification.keywords
      .slice(0, 20)
      .map((k) => clientMarkdownToMrkdwn(truncateChars(oneLine(k), 120)));
    elements.push({ type: "mrkdwn", text: truncateMrkdwn(`Keywords: ${keywords.join("  ·  ")}`, 1000) });
  }
  return { type: "context", elements };
}

/** Slack shows `<!date^…>` in each reader's own time zone; the fallback after `|` is UTC. */
function slackDate(iso: string): string {
  const epoch = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(epoch)) return escapeMrkdwn(iso);
  return `<!date^${epoch}^{date_short_pretty} {time_secs}|${formatUtc(iso)}>`;
}

function blockTextLength(block: SlackBlock): number {
  switch (block.type) {
    case "header":
      return block.text.text.length;
    case "section":
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((sum, f) => sum + f.text.length, 0);
    case "context":
      return block.elements.reduce((sum, e) => sum + e.text.length, 0);
    case "actions":
      return block.elements.reduce(
        (sum, e) =>
          sum +
          (e.type === "button"
            ? e.text.text.length
            : e.options.reduce((all, o) => all + o.text.text.length, 0)),
        0,
      );
  }
}

/** Shortens the longest shrinkable texts until the whole message fits Slack's aggregate limit. */
function fitTotal(blocks: SlackBlock[], shrinkable: MrkdwnObject[]): void {
  let total = blocks.reduce((sum, block) => sum + blockTextLength(block), 0);
  while (total > SLACK_LIMITS.totalText) {
    const longest = shrinkable.reduce<MrkdwnObject | undefined>(
      (best, object) => (best === undefined || object.text.length > best.text.length ? object : best),
      undefined,
    );
    if (longest === undefined || longest.text.length <= MIN_SHRUNK) return;
    const before = longest.text.length;
    longest.text = truncateMrkdwn(
      longest.text,
      Math.max(MIN_SHRUNK, before - (total - SLACK_LIMITS.totalText)),
    );
    if (longest.text.length >= before) return;
    total -= before - longest.text.length;
  }
}
