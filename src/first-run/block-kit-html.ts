/**
 * Our Block Kit output → HTML that looks roughly as Slack shows it, for the setup page's preview.
 * Only the block types and mrkdwn that src/notifications/render-slack.ts produces are drawn. Text
 * is escaped for HTML after Slack's own entities are undone, so nothing in a message becomes markup.
 */
import type { SlackBlock, SlackMessage } from "../notifications";
import { SEVERITY_EMOJI, SEVERITY_UNICODE } from "../notifications/presentation";
import { escapeHtml, html, isSafeLink, SafeHtml } from "./html";

const EMOJI = new Map<string, string>(
  Object.entries(SEVERITY_EMOJI).map(([severity, code]) => [
    code,
    SEVERITY_UNICODE[severity as keyof typeof SEVERITY_UNICODE],
  ]),
);

/** Slack escapes only these three in mrkdwn (PROTOCOLS §2); undo them before escaping for HTML. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Inline mrkdwn on text that is already HTML-escaped: the patterns only add tags around it. */
function inline(escaped: string): string {
  return escaped
    .replace(/`([^`\n]+)`/g, "<code>$1</code>")
    .replace(/(^|[\s(>])\*([^*\n]+)\*(?=$|[\s.,;:!?)<])/g, "$1<strong>$2</strong>")
    .replace(/(^|[\s(>])_([^_\n]+)_(?=$|[\s.,;:!?)<])/g, "$1<em>$2</em>")
    .replace(/(^|[\s(>])~([^~\n]+)~(?=$|[\s.,;:!?)<])/g, "$1<del>$2</del>")
    .replace(/:[a-z0-9_+-]+:/g, (code) => EMOJI.get(code) ?? code)
    .replace(/\n/g, "<br>");
}

/** One `<…>` token: a link, a date with its fallback, a mention or a special mention. */
function angle(token: string): string {
  const [target, label] = token.split("|", 2).map(unescapeSlack);
  if (target.startsWith("!date^")) return escapeHtml(label ?? target);
  if (/^[@#!]/.test(target)) {
    const name = label ?? (target.startsWith("!") ? `@${target.slice(1)}` : target);
    return html`<span class="mention">${name}</span>`.value;
  }
  if (!isSafeLink(target)) return escapeHtml(label ?? target);
  return html`<a href="${target}" rel="noopener noreferrer" target="_blank">${label ?? target}</a>`.value;
}

export function mrkdwnToHtml(mrkdwn: string): SafeHtml {
  let out = "";
  const parts = mrkdwn.split(/(```[\s\S]*?```)/g);
  for (const part of parts) {
    if (part.startsWith("```") && part.endsWith("```") && part.length >= 6) {
      out += `<pre>${escapeHtml(unescapeSlack(part.slice(3, -3)))}</pre>`;
      continue;
    }
    let last = 0;
    for (const match of part.matchAll(/<([^<>\n]+)>/g)) {
      const index = match.index ?? 0;
      out += inline(escapeHtml(unescapeSlack(part.slice(last, index)))) + angle(match[1]);
      last = index + match[0].length;
    }
    out += inline(escapeHtml(unescapeSlack(part.slice(last))));
  }
  return new SafeHtml(out);
}

function blockHtml(block: SlackBlock): SafeHtml {
  switch (block.type) {
    case "header":
      return html`<div class="bk-header">${block.text.text}</div>`;
    case "section":
      return html`<div class="bk-section">${block.text ? html`<div>${mrkdwnToHtml(block.text.text)}</div>` : ""}${
        block.fields
          ? html`<div class="bk-fields">${block.fields.map((field) => html`<div>${mrkdwnToHtml(field.text)}</div>`)}</div>`
          : ""
      }</div>`;
    case "context":
      return html`<div class="bk-context">${block.elements.map((element) => html`<span>${mrkdwnToHtml(element.text)}</span>`)}</div>`;
    case "actions":
      return html`<div class="bk-actions">${block.elements.map((button) =>
        button.type !== "button"
          ? html`<span class="bk-button">${button.placeholder.text}</span>`
          : isSafeLink(button.url)
            ? html`<a class="bk-button" href="${button.url}" rel="noopener noreferrer" target="_blank">${button.text.text}</a>`
            : html`<span class="bk-button">${button.text.text}</span>`,
      )}</div>`;
  }
}

/** The message as a Slack channel would show it: the bot's name, then the blocks. */
export function slackMessageHtml(message: SlackMessage): SafeHtml {
  return html`<div class="bk-message"><div class="bk-author">AWS <span class="bk-app">APP</span></div>${message.blocks.map(blockHtml)}</div>`;
}

/** Slack's Block Kit Builder opens the blocks from the URL's fragment (never sent to a server). */
export function blockKitBuilderUrl(message: SlackMessage): string {
  return `https://app.slack.com/block-kit-builder#${encodeURIComponent(JSON.stringify({ blocks: message.blocks }))}`;
}
