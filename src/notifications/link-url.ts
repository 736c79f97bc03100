/**
 * The one check every link target passes before it becomes a button: the console link and the links
 * a message carries (custom notifications' relatedResources, an approval's review link, a DMS
 * identifier link, a crawler's log link). Pure string checks, no URL parsing per render.
 */

/** Longer than any console deep link; a message cannot make a button out of a 20 KB "URL". */
export const MAX_LINK_URL_CHARS = 3000;

/** Whitespace, control characters, quotes, backslashes and Slack/Markdown link syntax. */
const UNSAFE_CHARACTER = /[\s\p{Cc}<>|"'`\\^{}[\]]/u;

/** A DNS host name (letters, digits, dots, hyphens) with an optional port. */
const HOST =
  /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+(?::\d{1,5})?$/i;

/** Host suffixes of AWS consoles and AWS-owned service domains, in every partition. */
const AWS_HOST_SUFFIXES = [
  "aws.amazon.com",
  "amazonaws.com",
  "amazonaws.cn",
  "amazonaws-us-gov.com",
  "amazon.com",
] as const;

/** The authority of an `https://` URL: up to the first `/`, `?` or `#`. */
function authorityOf(url: string): string {
  const rest = url.slice("https://".length);
  let end = rest.length;
  for (const mark of ["/", "?", "#"]) {
    const at = rest.indexOf(mark);
    if (at !== -1 && at < end) end = at;
  }
  return rest.slice(0, end);
}

/**
 * https only, at most 3000 characters, no whitespace, control or link-syntax characters, no
 * credentials (`user:pass@`) and a plain DNS host name. Any such host may be a message's own link
 * (a runbook, a dashboard); `isAwsLinkUrl` narrows to AWS hosts.
 */
export function isSafeLinkUrl(url: unknown): url is string {
  if (typeof url !== "string" || url.length > MAX_LINK_URL_CHARS || !url.startsWith("https://")) {
    return false;
  }
  if (UNSAFE_CHARACTER.test(url)) return false;
  const authority = authorityOf(url);
  // An `@` in the authority is a user name (or a host hidden behind one): never a button.
  return !authority.includes("@") && HOST.test(authority);
}

/** The host name of a URL that passed `isSafeLinkUrl`, lower-cased, without the port. */
export function linkHost(url: string): string {
  const authority = authorityOf(url).toLowerCase();
  const colon = authority.indexOf(":");
  return colon === -1 ? authority : authority.slice(0, colon);
}

/**
 * A safe link whose host is an AWS console or service domain: what links an AWS service writes
 * into its messages (approval review, DMS identifier, crawler logs) must be, to be shown as such.
 */
export function isAwsLinkUrl(url: unknown): url is string {
  if (!isSafeLinkUrl(url)) return false;
  const host = linkHost(url);
  return AWS_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
}
