/**
 * A storm digest: many notifications of one channel in one message (src/delivery/digests.ts decides
 * when). Header "⚡ 57 notifications in the last 2 min", then one line per notification — its header
 * (severity emoji included), how many state changes it collapses, its time and console link — grouped
 * by service, most severe group and line first; a menu shows any line in full. Pure: the caller
 * passes every time. `digestFits` tells the caller when a digest is full and the next one must start.
 */
import { escapeMrkdwn, truncateMrkdwn } from "./mrkdwn";
import { headerLine, isSafeLinkUrl } from "./presentation";
import type { PlainTextObject, SlackBlock, SlackMessage } from "./render-slack";
import { SLACK_LIMITS } from "./render-slack";
import { severityRank } from "./severity";
import { cutAtWord, utf8Length } from "./text";
import type { Notification, ServiceId, Severity } from "./types";

/** The menu under a digest that shows one line's notification in full (a thread reply). */
export const DIGEST_EXPAND_ACTION_ID = "digest_expand";

/** One line: a notification, or the collapsed state changes of one alarm (same thread key). */
export interface DigestLine {
  /** The thread key, else the delivery's own id: lines with the same key collapse. */
  key: string;
  /** The latest delivery of the line: what "show in full" posts. */
  deliveryId: string;
  service: ServiceId;
  sourceLabel: string;
  severity?: Severity;
  state?: string;
  /** headerLine() of the latest notification (severity emoji first when known). */
  header: string;
  /** When the latest notification happened. */
  at: Date;
  consoleUrl?: string;
  /** Notifications this line stands for (state changes of one alarm collapse into one line). */
  count: number;
}

export interface DigestView {
  lines: readonly DigestLine[];
  /** Notifications in the digest (≥ lines: collapsed changes count each). */
  total: number;
  /** When the first and the latest notification of the digest were received. */
  firstAt: Date;
  lastAt: Date;
  /**
   * Hook for channel mentions (issue 13): made once per digest, for its most severe line. Already
   * Slack syntax (`<!subteam^…>`, `<@U…>`); absent when the channel mentions no one.
   */
  mention?: string;
}

/** Most lines in one digest: the expand menu holds 100 options. */
export const DIGEST_MAX_LINES = 100;
/** Section text limit, and a margin under Slack's aggregate text limit for the blocks. */
const SECTION_CHARS = SLACK_LIMITS.sectionText;
const TOTAL_CHARS = SLACK_LIMITS.totalText - 500;
const OPTION_CHARS = 75;

export function digestLineOf(notification: Notification, deliveryId: string, at: Date): DigestLine {
  return {
    key:
      notification.threadKey === undefined || notification.threadKey === ""
        ? deliveryId
        : notification.threadKey,
    deliveryId,
    service: notification.service,
    sourceLabel: notification.sourceLabel,
    severity: notification.severity,
    state: notification.state,
    header: headerLine(notification),
    at,
    consoleUrl: isSafeLinkUrl(notification.consoleUrl) ? notification.consoleUrl : undefined,
    count: 1,
  };
}

/** Adds a notification's line: an alarm already in the digest becomes its latest state, counted. */
export function addDigestLine(lines: DigestLine[], line: DigestLine): void {
  const index = lines.findIndex((existing) => existing.key === line.key);
  if (index === -1) lines.push(line);
  else lines[index] = { ...line, count: lines[index].count + line.count };
}

function spanText(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

export function digestTitle(view: Pick<DigestView, "total" | "firstAt" | "lastAt">): string {
  const noun = view.total === 1 ? "notification" : "notifications";
  return `⚡ ${view.total} ${noun} in the last ${spanText(view.lastAt.getTime() - view.firstAt.getTime())}`;
}

/** Groups by service, most severe group first; lines most severe first, then oldest first. */
export function orderedGroups(lines: readonly DigestLine[]): { label: string; lines: DigestLine[] }[] {
  const byLine = (a: DigestLine, b: DigestLine) =>
    severityRank(b.severity) - severityRank(a.severity) || a.at.getTime() - b.at.getTime();
  const groups = new Map<string, { label: string; lines: DigestLine[] }>();
  for (const line of lines) {
    const group = groups.get(line.service) ?? { label: line.sourceLabel, lines: [] };
    group.lines.push(line);
    groups.set(line.service, group);
  }
  const worst = (group: { lines: DigestLine[] }) =>
    Math.max(...group.lines.map((l) => severityRank(l.severity)));
  return [...groups.values()]
    .map((group) => ({ label: group.label, lines: group.lines.sort(byLine) }))
    .sort((a, b) => worst(b) - worst(a) || b.lines.length - a.lines.length);
}

function slackTime(at: Date): string {
  const iso = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `<!date^${Math.floor(at.getTime() / 1000)}^{time_secs}|${iso.slice(11)}>`;
}

export function digestLineMrkdwn(line: DigestLine): string {
  const parts = [escapeMrkdwn(line.header)];
  if (line.count > 1) parts.push(`_${line.count} changes, now ${escapeMrkdwn(line.state ?? "updated")}_`);
  parts.push(slackTime(line.at));
  if (line.consoleUrl !== undefined) parts.push(`<${line.consoleUrl}|console>`);
  return truncateMrkdwn(parts.join("  ·  "), 1000);
}

/** Sections of one group: its title, then its lines, cut at lines so no section passes 3000. */
function groupSections(group: { label: string; lines: DigestLine[] }): string[] {
  const sections: string[] = [];
  let current = `*${escapeMrkdwn(cutAtWord(group.label, 80))}* (${group.lines.length})`;
  for (const line of group.lines) {
    const text = digestLineMrkdwn(line);
    if (current.length + 1 + text.length > SECTION_CHARS) {
      sections.push(current);
      current = text;
    } else current = `${current}\n${text}`;
  }
  sections.push(current);
  return sections;
}

function expandMenus(groups: { lines: DigestLine[] }[]): SlackBlock[] {
  const options = groups.flatMap((group) =>
    group.lines.map((line) => ({
      text: {
        type: "plain_text",
        text: cutAtWord(line.header, OPTION_CHARS),
        emoji: true,
      } as PlainTextObject,
      value: line.deliveryId,
    })),
  );
  if (options.length === 0) return [];
  return [
    {
      type: "actions",
      elements: [
        {
          type: "static_select",
          action_id: DIGEST_EXPAND_ACTION_ID,
          placeholder: { type: "plain_text", text: "Show one in full", emoji: true },
          options: options.slice(0, DIGEST_MAX_LINES),
        },
      ],
    },
  ];
}

export function renderDigestSlack(view: DigestView): SlackMessage {
  const groups = orderedGroups(view.lines);
  const title = digestTitle(view);
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: title, emoji: true } }];
  const worst = groups[0]?.lines[0];
  if (view.mention !== undefined && worst !== undefined) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `${view.mention} ${digestLineMrkdwn(worst)}` },
    });
  }
  for (const group of groups) {
    for (const text of groupSections(group)) blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  }
  blocks.push(...expandMenus(groups));
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: "Posted as one message because the channel's rate limit was reached; the menu shows any line in full.",
      },
    ],
  });
  const fallback = worst === undefined ? title : `${title}: ${worst.header}`;
  return { text: escapeMrkdwn(cutAtWord(fallback, SLACK_LIMITS.fallbackText)), blocks };
}

function textLength(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    if (block.type === "header") total += block.text.text.length;
    else if (block.type === "section") total += block.text?.text.length ?? 0;
    else if (block.type === "context") total += block.elements.reduce((sum, e) => sum + e.text.length, 0);
    else
      for (const element of block.elements) {
        total +=
          element.type === "static_select"
            ? element.options.reduce((s, o) => s + o.text.text.length, 0)
            : element.text.text.length;
      }
  }
  return total;
}

/** Whether the digest is within Slack's limits: lines, blocks and text. */
export function digestFits(view: DigestView): boolean {
  if (view.lines.length > DIGEST_MAX_LINES) return false;
  const { blocks } = renderDigestSlack(view);
  return blocks.length <= SLACK_LIMITS.blocks && textLength(blocks) <= TOTAL_CHARS;
}

/** The digest as plain text for webhook rooms (Chime, Teams, Mattermost…): the same lines. */
export function renderDigestText(view: DigestView): string {
  const out = [digestTitle(view)];
  for (const group of orderedGroups(view.lines)) {
    out.push("", `${group.label} (${group.lines.length})`);
    for (const line of group.lines) {
      const parts = [line.header];
      if (line.count > 1) parts.push(`${line.count} changes, now ${line.state ?? "updated"}`);
      parts.push(line.at.toISOString().replace(/\.\d{3}Z$/, "Z"));
      if (line.consoleUrl !== undefined) parts.push(line.consoleUrl);
      out.push(`- ${parts.join(" · ")}`);
    }
  }
  return out.join("\n");
}

/** Most UTF-8 bytes of a webhook digest's lines: a Chime message holds 4096 with its title. */
export const WEBHOOK_DIGEST_BYTES = 3000;

/** Whether the digest's text fits one webhook post (Chime's 4 KB is the smallest room). */
export function webhookDigestFits(view: DigestView): boolean {
  return view.lines.length <= DIGEST_MAX_LINES && utf8Length(renderDigestText(view)) <= WEBHOOK_DIGEST_BYTES;
}

/**
 * The digest as a notification, so each webhook provider renders it its own way (Chime markdown,
 * Teams card, Mattermost text): the title, and every line in the description.
 */
export function digestNotification(view: DigestView): Notification {
  const [title, ...lines] = renderDigestText(view).split("\n");
  return {
    service: "custom",
    kind: "digest",
    title,
    sourceLabel: "Storm digest",
    partition: "aws",
    resources: [],
    fields: [],
    lists: [],
    notes: [],
    keywords: [],
    description: { text: lines.join("\n").trim(), format: "plain" },
  };
}
