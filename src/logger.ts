import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

const REDACTED = "[Redacted]";

/**
 * Paths pino blanks out. Tokens, secrets, webhook URLs and Authorization headers must never
 * reach a log line, whatever object they travel in.
 */
const REDACT_PATHS = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "bot.token",
  "*.bot.token",
  "bot.refreshToken",
  "*.bot.refreshToken",
  "user.token",
  "*.user.token",
  "refreshToken",
  "*.refreshToken",
  "access_token",
  "*.access_token",
  "refresh_token",
  "*.refresh_token",
  "client_secret",
  "*.client_secret",
  "secret",
  "*.secret",
  "signingSecret",
  "*.signingSecret",
  "webhookUrl",
  "*.webhookUrl",
  "url",
  "*.url",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-slack-signature"]',
  "encryptionKey",
  "*.encryptionKey",
  "previousEncryptionKeys",
  "*.previousEncryptionKeys",
];

/** Token-shaped substrings (Slack tokens, webhook URLs) scrubbed from free-text messages too. */
const SECRET_PATTERNS: RegExp[] = [
  /xox[abposer]-[A-Za-z0-9-]+/g,
  /xapp-[A-Za-z0-9-]+/g,
  /https:\/\/hooks\.(slack\.com|chime\.aws)\/[^\s"']+/g,
  /https:\/\/[^\s"']*(webhook|workflows)[^\s"']*/gi,
  // Mattermost / Rocket.Chat (`/hooks/<id>`) and any URL carrying a signature or token in its query
  // (Teams Workflows `sig=`, Chime `token=`), http or https.
  /https?:\/\/[^\s"']*\/hooks\/[^\s"']+/gi,
  /https?:\/\/[^\s"']*[?&](sig|token|signature)=[^\s"']*/gi,
  // The same secrets echoed without their scheme and host, as error pages do (`token=/hooks/…`).
  /\/hooks\/[^\s"']+/gi,
  /\b(sig|token|signature)=[^\s"'&]+/gi,
];

export function scrubSecrets(text: string): string {
  let scrubbed = text;
  for (const pattern of SECRET_PATTERNS) scrubbed = scrubbed.replace(pattern, REDACTED);
  return scrubbed;
}

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * A base URL (scheme, host, port; no path, query or credentials) carries no secret, so a `url` field
 * holding one stays readable ("aws-chatbot listening" at http://127.0.0.1:3000). Webhook URLs keep
 * their secret in the path or query, so every other `url` value is still redacted.
 */
function isBareOrigin(value: unknown): boolean {
  if (typeof value !== "string") return false;
  try {
    const url = new URL(value);
    return (
      url.username === "" &&
      url.password === "" &&
      url.pathname === "/" &&
      url.search === "" &&
      url.hash === ""
    );
  } catch {
    return false;
  }
}

function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === "url" && isBareOrigin(value) ? value : REDACTED;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACT_PATHS, censor },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubSecrets(arg) : arg));
          return method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
      formatters: {
        log(object) {
          // Reasons quoting a webhook's answer travel as fields, not as the message.
          for (const [key, value] of Object.entries(object)) {
            if (typeof value === "string") object[key] = scrubSecrets(value);
          }
          const err = object.err as { message?: unknown; stack?: unknown } | undefined;
          if (err && typeof err.message === "string") err.message = scrubSecrets(err.message);
          if (err && typeof err.stack === "string") err.stack = scrubSecrets(err.stack);
          return object;
        },
      },
    },
    options.destination,
  );
}

const BOLT_TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: "debug",
  [LogLevel.INFO]: "info",
  [LogLevel.WARN]: "warn",
  [LogLevel.ERROR]: "error",
};

/** Bolt (and @slack/web-api, @slack/oauth) log through this adapter onto our pino logger. */
export function boltLoggerFrom(logger: Logger): BoltLogger {
  let child = logger.child({ component: "bolt" });
  const join = (parts: unknown[]) =>
    scrubSecrets(parts.map((p) => (typeof p === "string" ? p : safeStringify(p))).join(" "));
  return {
    debug: (...msg: unknown[]) => child.debug(join(msg)),
    info: (...msg: unknown[]) => child.info(join(msg)),
    warn: (...msg: unknown[]) => child.warn(join(msg)),
    error: (...msg: unknown[]) => child.error(join(msg)),
    setLevel: (level: LogLevel) => {
      child.level = BOLT_TO_PINO[level] ?? "info";
    },
    getLevel: () => {
      const entry = Object.entries(BOLT_TO_PINO).find(([, pinoLevel]) => pinoLevel === child.level);
      return (entry?.[0] as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName: (name: string) => {
      child = logger.child({ component: name });
    },
  };
}

function safeStringify(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
