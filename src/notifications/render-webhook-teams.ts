import { shownReason } from "./presentation";
import { oneLine, TRUNCATION_MARKER, truncateChars, utf8Length } from "./text";
import type { Notification, Severity } from "./types";
import {
  contextLine,
  headline,
  keywordLine,
  listItems,
  resourceLines,
  statusLine,
  webhookLinks,
} from "./webhook-text";

/**
 * Notification → a Microsoft Teams message with one Adaptive Card (schema 1.4), the format both Teams
 * "Workflows" webhooks (Power Automate "When a Teams webhook request is received") and the retired
 * Office 365 connectors accept:
 * `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{…}}]}`.
 * Teams refuses messages over about 28 KB (413), so the whole JSON body stays within
 * TEAMS_MAX_PAYLOAD_BYTES; text past the budget is cut with "… (truncated)".
 */

export const TEAMS_MAX_PAYLOAD_BYTES = 28_000;
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export interface TextBlockElement {
  type: "TextBlock";
  text: string;
  wrap: true;
  weight?: "Bolder";
  size?: "Small" | "Medium" | "Large";
  color?: "Attention" | "Warning" | "Good" | "Accent";
  isSubtle?: boolean;
  fontType?: "Monospace";
  spacing?: "None" | "Small" | "Medium";
}

export interface FactSetElement {
  type: "FactSet";
  facts: { title: string; value: string }[];
}

export type CardElement = TextBlockElement | FactSetElement;

export interface OpenUrlAction {
  type: "Action.OpenUrl";
  title: string;
  url: string;
}

export interface AdaptiveCard {
  $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
  type: "AdaptiveCard";
  version: "1.4";
  body: CardElement[];
  actions?: OpenUrlAction[];
  msteams: { width: "Full" };
}

export interface TeamsWebhookPayload {
  type: "message";
  attachments: [{ contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }];
}

const SEVERITY_COLOR: Record<Severity, TextBlockElement["color"]> = {
  critical: "Attention",
  high: "Attention",
  medium: "Warning",
  low: "Warning",
  info: "Accent",
  ok: "Good",
};

type TextStyle = Omit<TextBlockElement, "type" | "text" | "wrap">;

/** A card element whose text may be cut (then it is rebuilt from the shorter text). */
interface Piece {
  text: string;
  build(text: string): CardElement;
}

/** Nothing longer can be shown; cutting first keeps a 256 KB message cheap. */
const PIECE_MAX_CHARS = TEAMS_MAX_PAYLOAD_BYTES;
const ESSENTIAL_MAX_CHARS = 600;

function textBlock(text: string, style: TextStyle = {}): TextBlockElement {
  return { type: "TextBlock", text, wrap: true, ...style };
}

function piece(text: string, style: TextStyle = {}): Piece {
  return { text: truncateChars(text, PIECE_MAX_CHARS), build: (t) => textBlock(t, style) };
}

/** The cuttable middle of the card: summary, description, notes, facts, reason, lists, details… */
function bodyPieces(notification: Notification): Piece[] {
  const out: Piece[] = [];
  if (notification.summary !== undefined && notification.summary !== notification.title) {
    out.push(piece(`_${oneLine(truncateChars(notification.summary, 500))}_`));
  }
  if (notification.description !== undefined) out.push(piece(notification.description.text));
  for (const note of notification.notes) out.push(piece(`⚠️ ${note}`, { color: "Warning" }));
  if (notification.fields.length > 0) {
    const facts = notification.fields.map((field) => ({
      title: truncateChars(oneLine(field.label), 100),
      value: truncateChars(field.value, 600),
    }));
    // A FactSet that must be cut becomes text: a fact value cannot end in the marker halfway.
    const asText = facts.map((fact) => `**${fact.title}:** ${fact.value}`).join("\n\n");
    out.push({ text: asText, build: (t) => (t === asText ? { type: "FactSet", facts } : textBlock(t)) });
  }
  const reason = shownReason(notification);
  if (reason !== undefined) out.push(piece(`**Reason:** ${reason}`));
  for (const list of notification.lists) {
    if (list.items.length === 0) continue;
    out.push(piece(`**${list.title}:**\n\n${listItems(list.items, list.more).join("\n")}`));
  }
  if (notification.details !== undefined && notification.details !== "") {
    out.push(piece(notification.details, { fontType: "Monospace", size: "Small" }));
  }
  const resources = resourceLines(notification);
  if (resources !== undefined) out.push(piece(`**Resources:**\n\n${resources}`));
  if (notification.keywords.length > 0) {
    out.push(piece(keywordLine(notification), { isSubtle: true, size: "Small" }));
  }
  return out;
}

function payloadOf(body: CardElement[], links: { label: string; url: string }[]): TeamsWebhookPayload {
  const content: AdaptiveCard = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body,
    ...(links.length === 0
      ? {}
      : {
          actions: links.map((link) => ({
            type: "Action.OpenUrl" as const,
            title: link.label,
            url: link.url,
          })),
        }),
    msteams: { width: "Full" },
  };
  return {
    type: "message",
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content }],
  };
}

const jsonBytes = (value: unknown): number => utf8Length(JSON.stringify(value));

/** The longest cut of `piece` (ending in the marker) whose element takes at most `room` bytes. */
function cutToFit(cuttable: Piece, room: number): CardElement | undefined {
  let low = TRUNCATION_MARKER.length + 1;
  let high = cuttable.text.length - 1;
  let best: CardElement | undefined;
  while (low <= high) {
    const mid = Math.floor((low + high) / 2);
    const element = cuttable.build(truncateChars(cuttable.text, mid));
    if (jsonBytes(element) + 1 <= room) {
      best = element;
      low = mid + 1;
    } else high = mid - 1;
  }
  return best;
}

export function renderTeamsWebhook(
  notification: Notification,
  maxBytes: number = TEAMS_MAX_PAYLOAD_BYTES,
): TeamsWebhookPayload {
  const link = webhookLinks(notification);
  const head = [
    textBlock(truncateChars(headline(notification), ESSENTIAL_MAX_CHARS), {
      weight: "Bolder",
      size: "Medium",
      color: notification.severity === undefined ? undefined : SEVERITY_COLOR[notification.severity],
    }),
    textBlock(truncateChars(statusLine(notification), ESSENTIAL_MAX_CHARS), {
      isSubtle: true,
      spacing: "None",
    }),
  ];
  const context = contextLine(notification);
  const tail = context === undefined ? [] : [textBlock(context, { isSubtle: true, size: "Small" })];
  const middle = bodyPieces(notification);

  const full = payloadOf([...head, ...middle.map((p) => p.build(p.text)), ...tail], link);
  if (jsonBytes(full) <= maxBytes) return full;

  // Keep the middle in order while it fits; cut the first piece that does not, drop the rest.
  const marker = textBlock(TRUNCATION_MARKER, { isSubtle: true });
  let room = maxBytes - jsonBytes(payloadOf([...head, marker, ...tail], link));
  const kept: CardElement[] = [];
  let cutPiece: CardElement | undefined;
  for (const cuttable of middle) {
    const element = cuttable.build(cuttable.text);
    const size = jsonBytes(element) + 1;
    if (size <= room) {
      kept.push(element);
      room -= size;
      continue;
    }
    // The marker's room is free again when the cut piece carries the marker itself.
    cutPiece = cutToFit(cuttable, room + jsonBytes(marker) + 1);
    break;
  }
  return payloadOf([...head, ...kept, cutPiece ?? marker, ...tail], link);
}
