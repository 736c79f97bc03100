/**
 * Slack's own syntax inside message text (custom notifications are written for Slack): markdown
 * rooms (Chime, Mattermost, Teams) would show `:warning:` and `<https://…|runbook>` literally.
 */

/** The shortcodes AWS's examples and alerting tools use most; others are left as written. */
const SHORTCODES: Readonly<Record<string, string>> = {
  warning: "⚠️",
  rotating_light: "🚨",
  red_circle: "🔴",
  large_orange_circle: "🟠",
  large_yellow_circle: "🟡",
  large_blue_circle: "🔵",
  large_green_circle: "🟢",
  white_check_mark: "✅",
  heavy_check_mark: "✔️",
  x: "❌",
  no_entry: "⛔",
  no_entry_sign: "🚫",
  octagonal_sign: "🛑",
  stop_sign: "🛑",
  fire: "🔥",
  bell: "🔔",
  rocket: "🚀",
  information_source: "ℹ️",
  exclamation: "❗",
  heavy_exclamation_mark: "❗",
  bangbang: "‼️",
  question: "❓",
  hourglass: "⌛",
  hourglass_flowing_sand: "⏳",
  memo: "📝",
  point_right: "👉",
  eyes: "👀",
  tada: "🎉",
  bug: "🐛",
  lock: "🔒",
  unlock: "🔓",
  key: "🔑",
  moneybag: "💰",
  money_with_wings: "💸",
  chart_with_upwards_trend: "📈",
  chart_with_downwards_trend: "📉",
  hammer_and_wrench: "🛠️",
  wrench: "🔧",
  gear: "⚙️",
  construction: "🚧",
  zap: "⚡",
  boom: "💥",
  skull: "💀",
  sos: "🆘",
  thumbsup: "👍",
  "+1": "👍",
  thumbsdown: "👎",
  "-1": "👎",
  calendar: "📅",
  clock3: "🕒",
  link: "🔗",
  mag: "🔍",
  package: "📦",
  shield: "🛡️",
  cloud: "☁️",
  sparkles: "✨",
};

const SHORTCODE = /:([a-z0-9_+-]{1,40}):/g;
const SLACK_LINK = /<(https?:\/\/[^\s<>|]{1,3000})(?:\|([^<>\n]{1,500}))?>/g;

/** `:warning:` → ⚠️; unknown shortcodes are left as written. */
export function shortcodesToEmoji(text: string): string {
  return text.includes(":")
    ? text.replace(SHORTCODE, (whole, name: string) => SHORTCODES[name] ?? whole)
    : text;
}

/**
 * `<url|text>` → `[text](url)`. Only for text its author wrote as markup (custom notifications'
 * client-markdown), where Slack shows the same link; free text keeps `<…>` literally, as Slack does.
 */
export function slackLinksToMarkdown(text: string): string {
  if (!text.includes("<")) return text;
  return text.replace(SLACK_LINK, (_whole, url: string, label: string | undefined) =>
    label === undefined ? url : `[${label.replace(/[[\]]/g, "")}](${url})`,
  );
}
