/**
 * Validation of incoming-webhook URLs at configuration time, so the delivery worker never posts to a
 * host nobody meant (SSRF): the URL is parsed with the WHATWG parser and its parsed host compared
 * exactly with the built-in providers' hosts (webhook-providers.ts), never searched as a substring.
 * Refused whatever the host: whitespace, control characters and backslashes anywhere (the parser
 * would silently drop or reinterpret them), user-info (`https://hooks.chime.aws@evil.example/…`),
 * fragments, percent-encoding or other tricks in the authority. Built-in providers need https on
 * port 443. Any other URL, IP literals and plain http included, only when WEBHOOK_URL_PATTERN
 * matches it from its start through the end of its host and port.
 */
import { ChatbotError, ErrorCode } from "../errors";
import { isWebhookProvider, WEBHOOK_PROVIDERS, type WebhookProvider } from "../notifications";
import {
  BUILT_IN_PROVIDERS,
  CHIME_EXAMPLE,
  MATTERMOST_EXAMPLE,
  PROVIDER_LABELS,
  providerFromPath,
  SLACK_EXAMPLE,
  TEAMS_EXAMPLE,
} from "./webhook-providers";

export interface WebhookUrl {
  /** The URL exactly as it was given (trimmed): what is stored (encrypted) and posted to. */
  url: string;
  provider: WebhookProvider;
  /** The parsed host, lower case, for display. */
  host: string;
  /** True when only WEBHOOK_URL_PATTERN admitted it. */
  viaPattern: boolean;
}

export interface WebhookUrlOptions {
  /** WEBHOOK_URL_PATTERN (config.webhookUrlPattern). */
  allowPattern?: RegExp;
  /** The provider the caller says it is; required when neither host nor path tells. */
  provider?: WebhookProvider | string;
}

export const WEBHOOK_URL_MAX = 2048;

const VALID_FORMS =
  `Valid webhook URLs look like ${CHIME_EXAMPLE} (Amazon Chime), ${SLACK_EXAMPLE} (Slack), ` +
  `${TEAMS_EXAMPLE} (Microsoft Teams Workflows); Mattermost / Rocket.Chat (${MATTERMOST_EXAMPLE}) ` +
  "and other hosts only when the operator allows them with WEBHOOK_URL_PATTERN.";

function refused(problem: string): ChatbotError {
  return new ChatbotError(
    ErrorCode.InvalidArgument,
    `The webhook URL was refused: ${problem}. ${VALID_FORMS}`,
  );
}

/** The authority as typed: between `//` and the first `/`, `?`, `#` (or `\`, refused earlier). */
function rawAuthority(raw: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(raw);
  return match?.[1];
}

function isIpLiteral(hostname: string): boolean {
  // The WHATWG parser turns every IPv4 spelling (0x7f.1, 2130706433, 127.1) into dotted decimal.
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Whether the pattern matches the normalised URL (`href`: host lower-cased, default port dropped) from
 * its first character through at least the end of the origin, so `chat.example.org` cannot be matched
 * inside a query or as the start of `chat.example.org.evil.example`.
 */
function patternAllows(pattern: RegExp | undefined, url: URL): boolean {
  if (pattern === undefined) return false;
  const flags = pattern.flags.replace(/[gy]/g, "");
  const match = new RegExp(pattern.source, flags).exec(url.href);
  return match !== null && match.index === 0 && match[0].length >= url.origin.length;
}

function explicitProvider(value: string | undefined): WebhookProvider | undefined {
  if (value === undefined) return undefined;
  if (!isWebhookProvider(value)) {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      `"${value.slice(0, 40)}" is not a webhook provider: use one of ${WEBHOOK_PROVIDERS.join(", ")}.`,
    );
  }
  return value;
}

/** Problems every URL is checked for, pattern or not. */
function structuralProblem(raw: string): string | undefined {
  if (raw === "") return "it is empty";
  if (raw.length > WEBHOOK_URL_MAX) return `it is longer than ${WEBHOOK_URL_MAX} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\s\u0000-\u001f\u007f\u00a0\u2028\u2029\ufeff]/.test(raw))
    return "it contains whitespace or control characters";
  if (raw.includes("\\")) return "it contains a backslash";
  return undefined;
}

function authorityProblem(raw: string, url: URL): string | undefined {
  if (url.username !== "" || url.password !== "" || rawAuthority(raw)?.includes("@")) {
    return "it contains user information (user@host); a webhook URL has none";
  }
  if (url.hash !== "" || raw.includes("#")) return "it contains a #fragment; a webhook URL has none";
  const authority = rawAuthority(raw);
  if (authority === undefined) return "it has no //host part";
  if (authority.includes("%")) return "its host is percent-encoded; write the host plainly";
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(authority)) {
    return "its host part has characters a host name cannot have";
  }
  return undefined;
}

/**
 * Validates an incoming-webhook URL and says which service it is. Throws ChatbotError(InvalidArgument)
 * whose message says what was wrong and what a valid URL looks like (without echoing the secret URL).
 */
export function parseWebhookUrl(input: string, options: WebhookUrlOptions = {}): WebhookUrl {
  const raw = input.trim();
  const structural = structuralProblem(raw);
  if (structural !== undefined) throw refused(structural);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused("it is not an absolute URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refused(`it uses ${url.protocol}// — webhook URLs must use https://`);
  }
  const authority = authorityProblem(raw, url);
  if (authority !== undefined) throw refused(authority);
  const requested = explicitProvider(options.provider);

  const rule = BUILT_IN_PROVIDERS.find((candidate) => candidate.matchesHost(url.hostname));
  if (rule !== undefined) {
    if (url.protocol !== "https:") throw refused(`${rule.label} URLs use https://`);
    if (url.port !== "") throw refused(`${rule.label} URLs use port 443, not ${url.port}`);
    const problem = rule.problem(url, raw);
    if (problem !== undefined) throw refused(problem);
    if (requested !== undefined && requested !== rule.provider) {
      throw refused(`${url.hostname} is a ${rule.label} host, not ${PROVIDER_LABELS[requested]}`);
    }
    return { url: raw, provider: rule.provider, host: url.hostname, viaPattern: false };
  }

  if (patternAllows(options.allowPattern, url)) {
    if (url.protocol !== "https:" && url.protocol !== "http:")
      throw refused("only http(s) URLs can be posted to");
    const provider = requested ?? providerFromPath(url);
    if (provider === undefined) {
      throw new ChatbotError(
        ErrorCode.InvalidArgument,
        `The webhook URL is allowed by WEBHOOK_URL_PATTERN, but its path does not say which chat service it is: ` +
          `say it with --provider ${WEBHOOK_PROVIDERS.join("|")}.`,
      );
    }
    return { url: raw, provider, host: url.host, viaPattern: true };
  }

  if (url.protocol !== "https:") throw refused(`it uses ${url.protocol}// — webhook URLs must use https://`);
  if (isIpLiteral(url.hostname))
    throw refused(`its host is an IP address (${url.hostname}), not a webhook host`);
  throw refused(
    `${url.hostname}${url.port === "" ? "" : `:${url.port}`} is not a known incoming-webhook host`,
  );
}

/** What lists may show of a webhook URL: its host and the last 4 characters, e.g. `hooks.chime.aws/…x9Qz`. */
export function redactWebhookUrl(url: string): string {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    return "(unreadable URL)";
  }
  const tail = url.length > 24 ? url.slice(-4) : "";
  return `${host}/…${tail}`;
}

/** Pieces of a webhook URL shorter than this are words ("hooks", "1.0"), not secrets. */
const MIN_SECRET_PIECE = 8;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The parts of a webhook URL that give access to it: the whole URL, its path, its query, and each path
 * segment and query value long enough to be a token — as written, percent-decoded, percent-encoded and
 * JSON-escaped (`\/`), since an error page may echo any of these. Longest first, for replacing.
 */
export function webhookSecretPieces(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const raw = [url, parsed.href, parsed.pathname + parsed.search, parsed.pathname, parsed.search.slice(1)];
  for (const segment of parsed.pathname.split("/")) raw.push(segment);
  for (const pair of parsed.search.slice(1).split("&")) raw.push(pair, pair.slice(pair.indexOf("=") + 1));
  const pieces = new Set<string>();
  for (const piece of raw) {
    if (piece === "/" || piece.length < MIN_SECRET_PIECE) continue;
    const decoded = safeDecode(piece);
    for (const form of [piece, decoded, encodeURIComponent(decoded)]) {
      pieces.add(form);
      pieces.add(form.replaceAll("/", "\\/"));
    }
  }
  return [...pieces].filter((p) => p.length >= MIN_SECRET_PIECE).sort((a, b) => b.length - a.length);
}

/** `text` (an answer from the webhook, a reason quoting it) with every secret piece of `url` replaced. */
export function redactWebhookSecrets(text: string, url: string): string {
  let redacted = text;
  for (const piece of webhookSecretPieces(url)) redacted = redacted.split(piece).join("[redacted]");
  return redacted;
}
