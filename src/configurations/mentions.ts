/**
 * Slack's escaped mentions, as a slash command with `should_escape: true` carries them: people
 * `<@U123|name>`, user groups `<!subteam^S123|@name>`, channels `<#C123|name>`, and `<!here>`-style
 * specials; the `|name` part is optional. A pure parser that tells which is which, so a command can
 * say precisely why something is not a person.
 */

export type Mention =
  | { kind: "user"; id: string; label?: string }
  | { kind: "usergroup"; id: string; label?: string }
  | { kind: "channel"; id: string; label?: string }
  | { kind: "special"; name: string }
  /** Text that is no mention at all, e.g. "@alice" typed without picking from the autocomplete. */
  | { kind: "text"; text: string };

const SLACK_ID = "[A-Z0-9]{2,40}";
const LABEL = "(?:\\|([^<>|]{0,200}))?";
const USER = new RegExp(`^<@([UW]${SLACK_ID})${LABEL}>$`);
const USERGROUP = new RegExp(`^<!subteam\\^(S${SLACK_ID})${LABEL}>$`);
const CHANNEL = new RegExp(`^<#([CG]${SLACK_ID})${LABEL}>$`);
const SPECIAL = /^<!(here|channel|everyone)(?:\|[^<>]{0,200})?>$/;

/** One token: a whole `<…>` (labels may hold spaces) or a run of other characters; spaces and commas separate. */
const TOKEN = /<[^<>]*>|[^\s<>,]+|[<>]/g;

export function parseMention(token: string): Mention {
  const user = USER.exec(token);
  if (user !== null) return { kind: "user", id: user[1], label: user[2] };
  const group = USERGROUP.exec(token);
  if (group !== null) return { kind: "usergroup", id: group[1], label: group[2] };
  const channel = CHANNEL.exec(token);
  if (channel !== null) return { kind: "channel", id: channel[1], label: channel[2] };
  const special = SPECIAL.exec(token);
  if (special !== null) return { kind: "special", name: special[1] };
  return { kind: "text", text: token };
}

/** Every mention (or stray word) of a text, in order; at most `limit + 1` so callers can refuse more. */
export function parseMentions(text: string, limit: number): Mention[] {
  const mentions: Mention[] = [];
  for (const match of text.matchAll(TOKEN)) {
    mentions.push(parseMention(match[0]));
    if (mentions.length > limit) break;
  }
  return mentions;
}

/** How a mention reads in a reply, whatever it was ("@alice", "#ops", "@oncall"). */
export function mentionLabel(mention: Mention): string {
  switch (mention.kind) {
    case "user":
      return `@${mention.label ?? mention.id}`;
    case "usergroup":
      return mention.label?.startsWith("@") ? mention.label : `@${mention.label ?? mention.id}`;
    case "channel":
      return `#${mention.label ?? mention.id}`;
    case "special":
      return `@${mention.name}`;
    case "text":
      return mention.text;
  }
}
