/**
 * What a channel adds to a rendered notification (issue 13), as pure functions: the mention line of
 * a top-level message, the "Acknowledged by" line, and the controls every Slack notification
 * carries — an Acknowledge button and a Mute menu. The menu is a static select with option groups,
 * not an overflow menu: an overflow holds at most 5 options and the menu has up to 9. The controls
 * name nothing: the action's own channel and message ts say which notification it is about, so a
 * forged value cannot point at another channel's message.
 */
import type { Notification, SlackBlock, SlackMessage } from "../notifications";

export const NOTIFICATION_ACTIONS = {
  acknowledge: "acknowledge_notification",
  mute: "mute_notification",
} as const;
export const CONTROLS_BLOCK_ID = "notification_controls";

/** Menu values: what to mute and for how long (`ok`: until it is OK). */
export const MUTE_CHOICES = {
  "alarm:1h": { scope: "alarm", hours: 1 },
  "alarm:4h": { scope: "alarm", hours: 4 },
  "alarm:24h": { scope: "alarm", hours: 24 },
  "alarm:ok": { scope: "alarm", hours: null },
  "resource:1h": { scope: "resource", hours: 1 },
  "resource:4h": { scope: "resource", hours: 4 },
  "resource:24h": { scope: "resource", hours: 24 },
  "resource:ok": { scope: "resource", hours: null },
  "service:1h": { scope: "service", hours: 1 },
} as const;
export type MuteChoice = keyof typeof MUTE_CHOICES;

export function isMuteChoice(value: string): value is MuteChoice {
  return Object.hasOwn(MUTE_CHOICES, value);
}

interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}
interface SelectOption {
  text: PlainText;
  value: string;
}
export interface ControlsBlock {
  type: "actions";
  block_id: string;
  elements: (
    | { type: "button"; text: PlainText; action_id: string; value: string }
    | {
        type: "static_select";
        action_id: string;
        placeholder: PlainText;
        option_groups: { label: PlainText; options: SelectOption[] }[];
      }
  )[];
}

/** A message as posted: a rendering plus what the channel added. */
export interface PostedMessage {
  text: string;
  blocks: (SlackBlock | ControlsBlock)[];
}

export interface Acknowledger {
  userId: string;
  at: Date;
}

export interface Decorations {
  /** `<@U…>`, `<!subteam^S…>`, `<!here>`: only for a top-level message. */
  mentions?: readonly string[];
  acknowledgements?: readonly Acknowledger[];
}

const MAX_BLOCKS = 50;
const LABEL_MAX = 75;

function plain(text: string): PlainText {
  return { type: "plain_text", text: text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text };
}

function group(label: string, what: "alarm" | "resource", choices: MuteChoice[]) {
  const words: Record<string, string> = {
    "1h": "for 1 h",
    "4h": "for 4 h",
    "24h": "for 24 h",
    ok: "until it is OK",
  };
  return {
    label: plain(label),
    options: choices.map((value) => ({
      text: plain(`Mute this ${what} ${words[value.split(":")[1]]}`),
      value,
    })),
  };
}

/** The Acknowledge button and the Mute menu, with the choices this notification allows. */
export function controlsBlock(
  notification: Pick<Notification, "threadKey" | "resources" | "service">,
): ControlsBlock {
  const groups: ControlsBlock["elements"][number] & { type: "static_select" } = {
    type: "static_select",
    action_id: NOTIFICATION_ACTIONS.mute,
    placeholder: plain("Mute…"),
    option_groups: [],
  };
  if (notification.threadKey !== undefined && notification.threadKey !== "")
    groups.option_groups.push(
      group("This alarm", "alarm", ["alarm:1h", "alarm:4h", "alarm:24h", "alarm:ok"]),
    );
  if (notification.resources.length > 0)
    groups.option_groups.push(
      group("This resource", "resource", ["resource:1h", "resource:4h", "resource:24h", "resource:ok"]),
    );
  groups.option_groups.push({
    label: plain("This service"),
    options: [{ text: plain(`Mute ${notification.service} in this channel for 1 h`), value: "service:1h" }],
  });
  return {
    type: "actions",
    block_id: CONTROLS_BLOCK_ID,
    elements: [
      {
        type: "button",
        text: plain("👀 Acknowledge"),
        action_id: NOTIFICATION_ACTIONS.acknowledge,
        value: "ack",
      },
      groups,
    ],
  };
}

/** `<!date^…>` shows each reader's own time; the text after `|` is the UTC fallback. */
function clock(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{time}|${at.toISOString().slice(11, 16)} UTC>`;
}

export function acknowledgedLine(acks: readonly Acknowledger[]): SlackBlock {
  const people = acks.slice(0, 20).map((a) => `<@${a.userId}> at ${clock(a.at)}`);
  const more = acks.length > 20 ? ` and ${acks.length - 20} more` : "";
  return {
    type: "context",
    elements: [{ type: "mrkdwn", text: `👀 Acknowledged by ${people.join(", ")}${more}` }],
  };
}

/**
 * The message to post or update: the mention line under the header (and in the push text), the
 * rendering, who acknowledged, and the controls; within 50 blocks (the rendering gives way).
 */
export function decorate(
  base: SlackMessage,
  notification: Pick<Notification, "threadKey" | "resources" | "service">,
  decorations: Decorations = {},
): PostedMessage {
  const mentions = decorations.mentions ?? [];
  const acks = decorations.acknowledgements ?? [];
  const top: SlackBlock[] =
    mentions.length === 0 ? [] : [{ type: "section", text: { type: "mrkdwn", text: mentions.join(" ") } }];
  const bottom: SlackBlock[] = acks.length === 0 ? [] : [acknowledgedLine(acks)];
  const room = MAX_BLOCKS - top.length - bottom.length - 1;
  const [header, ...rest] = base.blocks.slice(0, room);
  const body =
    header === undefined
      ? []
      : header.type === "header"
        ? [header, ...top, ...rest]
        : [...top, header, ...rest];
  return {
    text: mentions.length === 0 ? base.text : `${mentions.join(" ")} ${base.text}`,
    blocks: [...body, ...bottom, controlsBlock(notification)],
  };
}
