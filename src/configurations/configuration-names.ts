/**
 * Configuration names: unique within a workspace, as AWS Chatbot's are within an account. 1–128
 * letters, digits, hyphens and underscores; the default is the channel's name (Slack channel names
 * fit), with `-2`, `-3`, … appended when the workspace already uses it.
 */

export const CONFIGURATION_NAME_MAX = 128;
const NAME = /^[A-Za-z0-9_-]+$/;

/** What is wrong with a configuration name, or undefined when it is valid. */
export function configurationNameProblem(name: string): string | undefined {
  if (name.length === 0) return "the configuration name is empty";
  if (name.length > CONFIGURATION_NAME_MAX) {
    return `the configuration name has ${name.length} characters; at most ${CONFIGURATION_NAME_MAX} are allowed`;
  }
  if (!NAME.test(name))
    return "a configuration name may contain only letters, digits, hyphens and underscores";
  return undefined;
}

/** A valid name derived from a channel name (or id) that may hold other characters. */
export function defaultConfigurationName(channelName: string): string {
  const cleaned = channelName
    .replace(/^#/, "")
    .replace(/[^A-Za-z0-9_-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, CONFIGURATION_NAME_MAX - 4);
  return cleaned.length > 0 ? cleaned : "channel";
}

/** `base` when free, else `base-2`, `base-3`, … (the first not in `taken`, compared case-insensitively). */
export function uniqueConfigurationName(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((name) => name.toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n += 1) {
    const candidate = `${base}-${n}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
