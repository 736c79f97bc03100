import { safeSlice, TRUNCATION_MARKER } from "./text";

/**
 * Slack mrkdwn helpers. Every piece of text that comes from a message goes through `escapeMrkdwn`,
 * so `<!channel>`, `<@U123>` or `<https://evil|bank>` in a message show as text and never become a
 * mention or a disguised link.
 */

export function escapeMrkdwn(text: string): string {
  // Fast path: most values have nothing to escape.
  if (!/[&<>]/.test(text)) return text;
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const SAFE_URL = /^(https?:\/\/|mailto:)[^\s<>|"]+$/i;

/** A Slack link `<url|label>`; a URL that could break out of the link syntax is shown as text instead. */
export function mrkdwnLink(url: string, label: string): string {
  if (!SAFE_URL.test(url)) return escapeMrkdwn(label === url ? url : `${label} (${url})`);
  return `<${escapeMrkdwn(url)}|${escapeMrkdwn(label).replace(/\|/g, "¦")}>`;
}

// A Markdown link `[label](url)`, or a Slack link `<https://…|label>` as AWS's own custom
// notification examples write them in nextSteps. `<!channel>`, `<@U…>` never match: those stay text.
const LINK =
  /\[([^\]\n]{1,500})\]\(([^)\s]{1,3000})\)|<(https?:\/\/[^\s<>|]{1,3000})(?:\|([^<>\n]{1,500}))?>/g;
const CODE = /```[\s\S]*?```|`[^`\n]+`/g;

/**
 * AWS Chatbot custom notifications carry "client-markdown": common Markdown that the chat client
 * renders. Slack's mrkdwn differs: `**bold**` is `*bold*`, links are `<url|label>`, no headings.
 * Code spans are kept verbatim (only escaped).
 */
export function clientMarkdownToMrkdwn(markdown: string): string {
  let out = "";
  let last = 0;
  for (const match of markdown.matchAll(CODE)) {
    const index = match.index ?? 0;
    out += convertProse(markdown.slice(last, index)) + escapeMrkdwn(match[0]);
    last = index + match[0].length;
  }
  return out + convertProse(markdown.slice(last));
}

function convertProse(text: string): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const index = match.index ?? 0;
    const link =
      match[3] === undefined ? mrkdwnLink(match[2], match[1]) : mrkdwnLink(match[3], match[4] ?? match[3]);
    out += convertInline(text.slice(last, index)) + link;
    last = index + match[0].length;
  }
  return out + convertInline(text.slice(last));
}

function convertInline(text: string): string {
  return escapeMrkdwn(text)
    .replace(/\*\*([^*\n]+)\*\*/g, "*$1*")
    .replace(/__([^_\n]+)__/g, "*$1*")
    .replace(/~~([^~\n]+)~~/g, "~$1~")
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, "*$1*")
    .replace(/^([ \t]*)[-+*][ \t]+/gm, "$1• ");
}

/**
 * Cuts escaped mrkdwn to `max` characters without splitting an `&amp;` entity or a `<…>` link, and
 * closes a code block left open by the cut.
 */
export function truncateMrkdwn(text: string, max: number, marker = TRUNCATION_MARKER): string {
  if (text.length <= max) return text;
  const reserve = marker.length + 5;
  if (max <= reserve) return safeSlice(marker, max);
  let cut = safeSlice(text, max - reserve);
  const amp = cut.lastIndexOf("&");
  if (amp !== -1 && amp >= cut.length - 5 && !cut.slice(amp).includes(";")) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf("<");
  if (open > cut.lastIndexOf(">")) cut = cut.slice(0, open);
  const fences = cut.split("```").length - 1;
  return fences % 2 === 1 ? `${cut.trimEnd()}\n${marker}\n\`\`\`` : `${cut.trimEnd()}${marker}`;
}
