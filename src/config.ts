/**
 * The only reader of process.env (and of `.env`). Parses the environment of CONTRACT.md once into a
 * typed Config and fails fast with one line per problem, all at once, each naming the variable and
 * the expected form.
 */
import fs from "node:fs";
import { parseEnv } from "node:util";
import { z } from "zod";
import { type DeliverySettings, parseDeliverySettings } from "./delivery/settings";
import { ChatbotError, ErrorCode, isChatbotError } from "./errors";
import { parseRetentionSettings, type RetentionSettings } from "./retention/retention-settings";

export const DEFAULT_SNS_CERT_URL_PATTERN =
  "^https://sns\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[^?#]+\\.pem$";
export const DEFAULT_SLACK_API_URL = "https://slack.com/api/";
export const DEFAULT_DATABASE_URL = "file:./data/chatbot.db";

export type DatabaseKind = "sqlite" | "postgres";

export interface SlackConfig {
  signingSecret?: string;
  botToken?: string;
  appToken?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  apiUrl: string;
  command: string;
}

/**
 * Who may subscribe a topic (TOPIC_ACCESS): `linked`, only a workspace its AWS account is linked to
 * (configurations/topic-access.ts); `any`, every workspace (one workspace, SLACK_BOT_TOKEN).
 */
export type TopicAccessPolicy = "linked" | "any";

export interface Config {
  /**
   * No Slack credentials at all: `npm start` serves the setup page (src/first-run/) instead of the
   * Slack app, on localhost unless HOST says otherwise.
   */
  firstRun: boolean;
  port: number;
  host: string;
  publicUrl?: string;
  database: { url: string; kind: DatabaseKind; sqliteFile?: string };
  /** 32-byte key; absent only on SQLite, where db/ generates one next to the database file. */
  encryptionKey?: Buffer;
  /**
   * ENCRYPTION_KEY_PREVIOUS: keys that secrets may still be sealed with during a key rotation; they
   * only decrypt, and `npx chatbot reencrypt` re-seals everything under the current key.
   */
  previousEncryptionKeys: Buffer[];
  slack: SlackConfig;
  sns: { certUrlPattern: RegExp; certUrlPatternOverridden: boolean };
  webhookUrlPattern?: RegExp;
  awsRegion?: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Overrides of AWS endpoints, for loopback fakes (the SDK also honours them on its own). */
  awsEndpoints: { sns?: string; sts?: string; cloudwatch?: string };
  /** DELIVERY_* tuning of the outbox worker (src/delivery/settings.ts). */
  delivery: DeliverySettings;
  /** TOPIC_ACCESS; default `any` with SLACK_BOT_TOKEN (one workspace), else `linked`. */
  topicAccess: TopicAccessPolicy;
  /** RETENTION and AUDIT_RETENTION (src/retention/retention-settings.ts). */
  retention: RetentionSettings;
}

export type Environment = Record<string, string | undefined>;

/** Which parts of the configuration a command needs: the server needs Slack, the CLI may not. */
export interface LoadConfigOptions {
  requireSlack?: boolean;
}

function invalid(variable: string, expected: string): ChatbotError {
  return new ChatbotError(ErrorCode.ConfigInvalid, `${variable} ${expected}`);
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === "" ? undefined : value.trim();

function parseWith<T>(schema: z.ZodType<T>, variable: string, raw: string | undefined, expected: string): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw invalid(variable, expected);
  return result.data;
}

function parseRegex(variable: string, raw: string): RegExp {
  try {
    return new RegExp(raw);
  } catch {
    throw invalid(variable, "must be a valid regular expression");
  }
}

function parseHttpUrl(variable: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid(
      variable,
      `must be an absolute http(s) URL, e.g. https://chatbot.example.com (got "${raw}")`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalid(variable, `must be an http(s) URL (got "${raw}")`);
  }
  return raw;
}

function parseDatabase(raw: string | undefined): Config["database"] {
  const url = raw ?? DEFAULT_DATABASE_URL;
  if (/^postgres(ql)?:\/\//.test(url)) return { url, kind: "postgres" };
  if (url.startsWith("file:")) {
    const sqliteFile = url.slice("file:".length).replace(/\?.*$/, "");
    if (sqliteFile === "") throw invalid("DATABASE_URL", "must name a file, e.g. file:./data/chatbot.db");
    return { url, kind: "sqlite", sqliteFile };
  }
  throw invalid(
    "DATABASE_URL",
    "must be file:<path> (SQLite) or postgres://user@host:5432/db (PostgreSQL), e.g. file:./data/chatbot.db",
  );
}

function parseEncryptionKey(raw: string | undefined, kind: DatabaseKind): Buffer | undefined {
  if (raw === undefined) {
    if (kind === "postgres") {
      throw invalid(
        "ENCRYPTION_KEY",
        "is required with PostgreSQL: 32 random bytes in base64 (openssl rand -base64 32)",
      );
    }
    return undefined;
  }
  return parseBase64Key("ENCRYPTION_KEY", raw, "must be 32 bytes in base64 (openssl rand -base64 32)");
}

function parseBase64Key(variable: string, raw: string, form: string): Buffer {
  const key = Buffer.from(raw, "base64");
  if (key.length !== 32 || key.toString("base64").replace(/=+$/, "") !== raw.replace(/=+$/, "")) {
    throw invalid(variable, form);
  }
  return key;
}

/** ENCRYPTION_KEY_PREVIOUS: comma-separated base64 keys, newest first. */
function parsePreviousEncryptionKeys(raw: string | undefined): Buffer[] {
  if (raw === undefined) return [];
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) =>
      parseBase64Key(
        "ENCRYPTION_KEY_PREVIOUS",
        part,
        "must be the earlier ENCRYPTION_KEY values (32 bytes in base64 each), comma-separated",
      ),
    );
}

/**
 * Collects every problem of the environment, so one start-up names them all. A parser that fails
 * gives a fallback value so the others still run; the fallback is never used (loadConfig throws).
 */
class Problems {
  readonly lines: string[] = [];

  add(variable: string, expected: string): void {
    this.lines.push(`${variable} ${expected}`);
  }

  attempt<T>(parse: () => T, fallback: T): T {
    try {
      return parse();
    } catch (error) {
      if (!isChatbotError(error, ErrorCode.ConfigInvalid)) throw error;
      this.lines.push(...error.message.split("\n"));
      return fallback;
    }
  }
}

const OAUTH_VARIABLE_HELP = "is required for OAuth (from the app's Basic Information page)";

const SLACK_CREDENTIALS = [
  "SLACK_SIGNING_SECRET",
  "SLACK_BOT_TOKEN",
  "SLACK_APP_TOKEN",
  "SLACK_CLIENT_ID",
  "SLACK_CLIENT_SECRET",
  "SLACK_STATE_SECRET",
] as const;

/** Nothing of Slack's set: a fresh install, not a half-configured one (which must fail loudly). */
function hasNoSlackCredentials(env: Environment): boolean {
  return SLACK_CREDENTIALS.every((variable) => nonEmpty(env[variable]) === undefined);
}

function parseSlack(env: Environment, requireSlack: boolean, problems: Problems): SlackConfig {
  const signingSecret = nonEmpty(env.SLACK_SIGNING_SECRET);
  const botToken = nonEmpty(env.SLACK_BOT_TOKEN);
  const appToken = nonEmpty(env.SLACK_APP_TOKEN);
  const clientId = nonEmpty(env.SLACK_CLIENT_ID);
  const clientSecret = nonEmpty(env.SLACK_CLIENT_SECRET);
  const stateSecret = nonEmpty(env.SLACK_STATE_SECRET);
  const apiUrl = problems.attempt(
    () => parseHttpUrl("SLACK_API_URL", nonEmpty(env.SLACK_API_URL) ?? DEFAULT_SLACK_API_URL),
    DEFAULT_SLACK_API_URL,
  );
  const command = nonEmpty(env.SLACK_COMMAND) ?? "/aws";
  if (!/^\/[a-z0-9_-]{1,31}$/.test(command)) {
    problems.add("SLACK_COMMAND", 'must be a slash command of at most 32 characters, e.g. "/aws"');
  }
  if (botToken?.startsWith("xoxe.")) {
    // A rotating token expires after 12 hours and nothing here could refresh it (issue 15).
    problems.add(
      "SLACK_BOT_TOKEN",
      "is a rotating token (xoxe.…) that expires within 12 hours and is never refreshed in single-workspace mode: turn token rotation off (token_rotation_enabled: false in the manifest), reinstall, and use the new xoxb-… token; or use OAuth mode",
    );
  } else if (botToken !== undefined && !botToken.startsWith("xoxb-")) {
    problems.add("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-");
  }
  if (appToken !== undefined && !appToken.startsWith("xapp-")) {
    problems.add("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-");
  }
  let oauth: SlackConfig["oauth"];
  if ((clientId ?? clientSecret ?? stateSecret) !== undefined) {
    if (clientId === undefined) problems.add("SLACK_CLIENT_ID", OAUTH_VARIABLE_HELP);
    if (clientSecret === undefined) problems.add("SLACK_CLIENT_SECRET", OAUTH_VARIABLE_HELP);
    if (stateSecret === undefined) {
      problems.add(
        "SLACK_STATE_SECRET",
        "is required for OAuth: any long random string (openssl rand -hex 32)",
      );
    }
    if (clientId !== undefined && clientSecret !== undefined && stateSecret !== undefined) {
      oauth = { clientId, clientSecret, stateSecret };
    }
  }
  if (appToken !== undefined && botToken === undefined) {
    problems.add(
      "SLACK_BOT_TOKEN",
      "is required with SLACK_APP_TOKEN: Socket Mode runs for one workspace (xoxb-…)",
    );
  }
  if (requireSlack) {
    if (appToken === undefined && signingSecret === undefined) {
      problems.add("SLACK_SIGNING_SECRET", "is required (from the Slack app's Basic Information page)");
    }
    if (
      botToken === undefined &&
      appToken === undefined &&
      clientId === undefined &&
      clientSecret === undefined &&
      stateSecret === undefined
    ) {
      problems.add(
        "SLACK_BOT_TOKEN",
        "is required (xoxb-…), or set SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET for OAuth",
      );
    }
  }
  return { signingSecret, botToken, appToken, oauth, apiUrl, command };
}

/**
 * Loads `.env` (or `file`) into `env` when the file exists, with Node's own parser (util.parseEnv,
 * the parser of process.loadEnvFile and --env-file); variables already set win over the file, as with
 * process.loadEnvFile. Parsing and assigning here, rather than process.loadEnvFile, lets the target
 * be any object (jest gives each test file its own process.env). Called by main.ts and the CLI only.
 * Returns whether a file was read.
 */
export function loadDotEnv(file = ".env", env: Environment = process.env): boolean {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw new ChatbotError(ErrorCode.ConfigInvalid, `${file} could not be read: ${(error as Error).message}`);
  }
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] === undefined) env[name] = value;
  }
  return true;
}

/**
 * Parses the environment. Throws ChatbotError(ConfigInvalid) whose message holds one line per
 * problem (every problem at once), each naming the variable and what it should look like.
 */
export function loadConfig(env: Environment = process.env, options: LoadConfigOptions = {}): Config {
  const problems = new Problems();
  const port = problems.attempt(
    () =>
      parseWith(
        z.coerce.number().int().min(0).max(65535),
        "PORT",
        nonEmpty(env.PORT) ?? "3000",
        "must be a TCP port number 0-65535, e.g. 3000",
      ),
    0,
  );
  const firstRun = hasNoSlackCredentials(env);
  // The setup page is for the person at this machine, so it stays on loopback unless asked.
  const host = nonEmpty(env.HOST) ?? (firstRun ? "127.0.0.1" : "0.0.0.0");
  const publicUrlRaw = nonEmpty(env.PUBLIC_URL);
  const publicUrl =
    publicUrlRaw === undefined
      ? undefined
      : problems.attempt(() => parseHttpUrl("PUBLIC_URL", publicUrlRaw).replace(/\/+$/, ""), undefined);
  const database = problems.attempt(
    () => parseDatabase(nonEmpty(env.DATABASE_URL)),
    parseDatabase(undefined),
  );
  const encryptionKey = problems.attempt(
    () => parseEncryptionKey(nonEmpty(env.ENCRYPTION_KEY), database.kind),
    undefined,
  );
  const previousEncryptionKeys = problems.attempt(
    () => parsePreviousEncryptionKeys(nonEmpty(env.ENCRYPTION_KEY_PREVIOUS)),
    [],
  );
  const slack = parseSlack(env, (options.requireSlack ?? false) && !firstRun, problems);
  const certPatternRaw = nonEmpty(env.SNS_CERT_URL_PATTERN);
  const webhookPatternRaw = nonEmpty(env.WEBHOOK_URL_PATTERN);
  const logLevel = problems.attempt(
    () =>
      parseWith(
        z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
        "LOG_LEVEL",
        nonEmpty(env.LOG_LEVEL)?.toLowerCase() ?? "info",
        "must be one of fatal, error, warn, info, debug, trace, silent",
      ),
    "info",
  );
  const endpoint = (variable: string) => {
    const raw = nonEmpty(env[variable]);
    return raw === undefined ? undefined : problems.attempt(() => parseHttpUrl(variable, raw), undefined);
  };
  const certUrlPattern = problems.attempt(
    () => parseRegex("SNS_CERT_URL_PATTERN", certPatternRaw ?? DEFAULT_SNS_CERT_URL_PATTERN),
    new RegExp(DEFAULT_SNS_CERT_URL_PATTERN),
  );
  const webhookUrlPattern =
    webhookPatternRaw === undefined
      ? undefined
      : problems.attempt(() => parseRegex("WEBHOOK_URL_PATTERN", webhookPatternRaw), undefined);
  const awsEndpoints = {
    sns: endpoint("AWS_ENDPOINT_URL_SNS"),
    sts: endpoint("AWS_ENDPOINT_URL_STS"),
    cloudwatch: endpoint("AWS_ENDPOINT_URL_CLOUDWATCH"),
  };
  const delivery = problems.attempt(() => parseDeliverySettings(env), undefined);
  const topicAccess = problems.attempt<TopicAccessPolicy>(
    () =>
      parseWith(
        z.enum(["linked", "any"]),
        "TOPIC_ACCESS",
        nonEmpty(env.TOPIC_ACCESS)?.toLowerCase() ?? (slack.botToken === undefined ? "linked" : "any"),
        "must be linked (a workspace subscribes only topics of AWS accounts linked to it) or any",
      ),
    "linked",
  );
  const retention = problems.attempt(() => parseRetentionSettings(env), undefined);
  if (problems.lines.length > 0 || delivery === undefined || retention === undefined) {
    throw new ChatbotError(ErrorCode.ConfigInvalid, problems.lines.join("\n"));
  }
  return {
    firstRun,
    port,
    host,
    publicUrl,
    database,
    encryptionKey,
    previousEncryptionKeys,
    slack,
    sns: { certUrlPattern, certUrlPatternOverridden: certPatternRaw !== undefined },
    webhookUrlPattern,
    awsRegion: nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION),
    logLevel,
    awsEndpoints,
    delivery,
    topicAccess,
    retention,
  };
}

/**
 * The value of an environment variable a configuration file names for a secret (a webhook room's
 * `url_from_env`, issue 16): read here so this module stays the only reader of process.env.
 */
export function referencedVariable(name: string, env: Environment = process.env): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
