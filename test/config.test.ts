import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_SLACK_API_URL, loadConfig, loadDotEnv } from "../src/config";
import { ChatbotError } from "../src/errors";

const KEY = Buffer.alloc(32, 7).toString("base64");
const slackHttp = { SLACK_SIGNING_SECRET: "s3cret", SLACK_BOT_TOKEN: "xoxb-1-2-abc" };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ChatbotError);
    return (error as Error).message;
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig", () => {
  it("ENCRYPTION_KEY_PREVIOUS: comma-separated earlier keys, none by default", () => {
    const other = Buffer.alloc(32, 9).toString("base64");
    expect(loadConfig({ ENCRYPTION_KEY: KEY }, { requireSlack: false }).previousEncryptionKeys).toEqual([]);
    const rotating = loadConfig(
      { ENCRYPTION_KEY: KEY, ENCRYPTION_KEY_PREVIOUS: ` ${other} ,${KEY}` },
      { requireSlack: false },
    );
    expect(rotating.previousEncryptionKeys.map((key) => key.toString("base64"))).toEqual([other, KEY]);
  });

  it("TOPIC_ACCESS: linked by default in OAuth mode, any with SLACK_BOT_TOKEN; either may be chosen", () => {
    const oauth = {
      SLACK_SIGNING_SECRET: "s",
      SLACK_CLIENT_ID: "1.2",
      SLACK_CLIENT_SECRET: "c",
      SLACK_STATE_SECRET: "st",
    };
    expect(loadConfig(oauth, { requireSlack: true }).topicAccess).toBe("linked");
    expect(loadConfig(slackHttp, { requireSlack: true }).topicAccess).toBe("any");
    expect(loadConfig({}, { requireSlack: false }).topicAccess).toBe("linked");
    expect(loadConfig({ ...oauth, TOPIC_ACCESS: "any" }, { requireSlack: true }).topicAccess).toBe("any");
    expect(loadConfig({ ...slackHttp, TOPIC_ACCESS: " Linked " }, { requireSlack: true }).topicAccess).toBe(
      "linked",
    );
  });

  it.each(["none", "all", "linked,any", "1"])(
    "a malformed TOPIC_ACCESS (%j) stops start-up naming it",
    (value) => {
      const message = messageOf(() =>
        loadConfig({ ...slackHttp, TOPIC_ACCESS: value }, { requireSlack: true }),
      );
      expect(message).toMatch(/^TOPIC_ACCESS must be linked .* or any$/);
    },
  );

  it("applies the contract's defaults", () => {
    const config = loadConfig(slackHttp, { requireSlack: true });
    expect(config.firstRun).toBe(false);
    expect(config.port).toBe(3000);
    expect(config.host).toBe("0.0.0.0");
    expect(config.database).toEqual({
      url: "file:./data/chatbot.db",
      kind: "sqlite",
      sqliteFile: "./data/chatbot.db",
    });
    expect(config.slack.apiUrl).toBe(DEFAULT_SLACK_API_URL);
    expect(config.slack.command).toBe("/aws");
    expect(config.logLevel).toBe("info");
    expect(config.encryptionKey).toBeUndefined();
    expect(config.sns.certUrlPatternOverridden).toBe(false);
    expect(
      config.sns.certUrlPattern.test("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem"),
    ).toBe(true);
    expect(config.sns.certUrlPattern.test("https://sns.us-east-1.amazonaws.com.evil.example/x.pem")).toBe(
      false,
    );
  });

  it("with no Slack credentials at all is first-run mode, on loopback unless HOST says otherwise", () => {
    const config = loadConfig({}, { requireSlack: true });
    expect(config.firstRun).toBe(true);
    expect(config.host).toBe("127.0.0.1");
    expect(loadConfig({ HOST: "0.0.0.0" }, { requireSlack: true }).host).toBe("0.0.0.0");
    // Blank values count as unset, as everywhere in config.ts.
    expect(loadConfig({ SLACK_BOT_TOKEN: " " }, { requireSlack: true }).firstRun).toBe(true);
  });

  it("any one Slack credential leaves first-run mode and names what else is needed", () => {
    expect(messageOf(() => loadConfig({ SLACK_BOT_TOKEN: "xoxb-1" }, { requireSlack: true }))).toMatch(
      /^SLACK_SIGNING_SECRET is required/,
    );
    expect(messageOf(() => loadConfig({ SLACK_STATE_SECRET: "s" }, { requireSlack: true }))).toMatch(
      /^SLACK_CLIENT_ID is required/,
    );
  });

  it("asks for a bot token or the OAuth variables", () => {
    const message = messageOf(() => loadConfig({ SLACK_SIGNING_SECRET: "x" }, { requireSlack: true }));
    expect(message).toMatch(/^SLACK_BOT_TOKEN is required/);
    expect(message).toContain("SLACK_CLIENT_ID");
  });

  it("names the missing OAuth variable when only some are set", () => {
    const env = { SLACK_SIGNING_SECRET: "x", SLACK_CLIENT_ID: "1.2", SLACK_CLIENT_SECRET: "abc" };
    expect(messageOf(() => loadConfig(env, { requireSlack: true }))).toMatch(
      /^SLACK_STATE_SECRET is required/,
    );
  });

  it("accepts OAuth mode", () => {
    const env = {
      SLACK_SIGNING_SECRET: "x",
      SLACK_CLIENT_ID: "1.2",
      SLACK_CLIENT_SECRET: "abc",
      SLACK_STATE_SECRET: "s",
    };
    expect(loadConfig(env, { requireSlack: true }).slack.oauth).toEqual({
      clientId: "1.2",
      clientSecret: "abc",
      stateSecret: "s",
    });
  });

  it("requires a bot token with Socket Mode", () => {
    expect(messageOf(() => loadConfig({ SLACK_APP_TOKEN: "xapp-1-x" }, { requireSlack: true }))).toMatch(
      /^SLACK_BOT_TOKEN is required with SLACK_APP_TOKEN/,
    );
  });

  it.each([
    [{ PORT: "70000" }, /^PORT must be a TCP port/],
    [{ PORT: "abc" }, /^PORT must be a TCP port/],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL must be file:/],
    [{ DATABASE_URL: "file:" }, /^DATABASE_URL must name a file/],
    [{ DATABASE_URL: "postgres://u@h/db" }, /^ENCRYPTION_KEY is required with PostgreSQL/],
    [{ ENCRYPTION_KEY: "short" }, /^ENCRYPTION_KEY must be 32 bytes in base64/],
    [{ ENCRYPTION_KEY: Buffer.alloc(31).toString("base64") }, /^ENCRYPTION_KEY must be 32 bytes/],
    [
      { ENCRYPTION_KEY_PREVIOUS: `${KEY},short` },
      /^ENCRYPTION_KEY_PREVIOUS must be the earlier ENCRYPTION_KEY values/,
    ],
    [{ SLACK_API_URL: "not a url" }, /^SLACK_API_URL must be an absolute http\(s\) URL/],
    [{ PUBLIC_URL: "ftp://x" }, /^PUBLIC_URL must be an http\(s\) URL/],
    [{ SNS_CERT_URL_PATTERN: "([" }, /^SNS_CERT_URL_PATTERN must be a valid regular expression/],
    [{ WEBHOOK_URL_PATTERN: "*" }, /^WEBHOOK_URL_PATTERN must be a valid regular expression/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL must be one of/],
    [{ SLACK_COMMAND: "aws" }, /^SLACK_COMMAND must be a slash command/],
    [{ SLACK_BOT_TOKEN: "xoxp-user" }, /^SLACK_BOT_TOKEN must be a bot token/],
    [{ AWS_ENDPOINT_URL_SNS: "localhost:4566" }, /^AWS_ENDPOINT_URL_SNS must be/],
  ])("rejects %p with one line naming the variable", (env, expected) => {
    const message = messageOf(() => loadConfig({ ...slackHttp, ...env }, { requireSlack: true }));
    expect(message).toMatch(expected);
    expect(message).not.toContain("\n");
  });

  it("parses PostgreSQL with a key, a public URL and endpoint overrides", () => {
    const config = loadConfig({
      ...slackHttp,
      DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test",
      ENCRYPTION_KEY: KEY,
      PUBLIC_URL: "https://chatbot.example.com/",
      AWS_ENDPOINT_URL_SNS: "http://127.0.0.1:4566",
      SNS_CERT_URL_PATTERN: "^http://127\\.0\\.0\\.1:\\d+/.*\\.pem$",
      LOG_LEVEL: "DEBUG",
    });
    expect(config.database.kind).toBe("postgres");
    expect(config.encryptionKey?.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(config.publicUrl).toBe("https://chatbot.example.com");
    expect(config.awsEndpoints.sns).toBe("http://127.0.0.1:4566");
    expect(config.sns.certUrlPatternOverridden).toBe(true);
    expect(config.logLevel).toBe("debug");
  });

  it("reports every missing and malformed variable at once, one line each", () => {
    const env = {
      PORT: "http",
      DATABASE_URL: "postgres://u@h/db",
      PUBLIC_URL: "ftp://x",
      LOG_LEVEL: "loud",
      SLACK_COMMAND: "aws",
      SLACK_CLIENT_ID: "1.2",
      DELIVERY_LEASE_MS: "soon",
      DELIVERY_MAX_ATTEMPTS: "0",
      RETENTION: "forever",
    };
    const lines = messageOf(() => loadConfig(env, { requireSlack: true })).split("\n");
    expect(lines.map((line) => line.split(" ")[0]).sort()).toEqual(
      [
        "PORT",
        "PUBLIC_URL",
        "ENCRYPTION_KEY",
        "LOG_LEVEL",
        "SLACK_COMMAND",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
        "SLACK_SIGNING_SECRET",
        "DELIVERY_LEASE_MS",
        "DELIVERY_MAX_ATTEMPTS",
        "RETENTION",
      ].sort(),
    );
  });

  it("with one OAuth variable set, names every other missing one together", () => {
    // With nothing of Slack's set it is first-run mode instead (above).
    const lines = messageOf(() => loadConfig({ SLACK_STATE_SECRET: "s" }, { requireSlack: true })).split(
      "\n",
    );
    expect(lines.sort()).toEqual([
      expect.stringMatching(/^SLACK_CLIENT_ID is required for OAuth/),
      expect.stringMatching(/^SLACK_CLIENT_SECRET is required for OAuth/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required/),
    ]);
  });

  it("refuses a rotating bot token in single-workspace mode, saying how to turn rotation off", () => {
    const message = messageOf(() =>
      loadConfig({ SLACK_SIGNING_SECRET: "x", SLACK_BOT_TOKEN: "xoxe.xoxb-1-abc" }, { requireSlack: true }),
    );
    expect(message).toMatch(/^SLACK_BOT_TOKEN is a rotating token .*expires within 12 hours/);
    expect(message).toContain("token_rotation_enabled: false");
    expect(message).not.toContain("xoxe.xoxb-1-abc");
  });
});

describe("loadDotEnv", () => {
  const names = ["CHATBOT_DOTENV_A", "CHATBOT_DOTENV_B"];
  afterEach(() => {
    for (const name of names) delete process.env[name];
  });

  it("reads the file into process.env; variables already set win", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-dotenv-")), ".env");
    fs.writeFileSync(file, "# comment\nCHATBOT_DOTENV_A=from-file\nCHATBOT_DOTENV_B='quoted value'\n");
    process.env.CHATBOT_DOTENV_A = "from-environment";
    expect(loadDotEnv(file)).toBe(true);
    expect(process.env.CHATBOT_DOTENV_A).toBe("from-environment");
    expect(process.env.CHATBOT_DOTENV_B).toBe("quoted value");
  });

  it("does nothing when the file is absent", () => {
    expect(loadDotEnv(path.join(os.tmpdir(), "no-such-dir", ".env"))).toBe(false);
    expect(process.env.CHATBOT_DOTENV_B).toBeUndefined();
  });
});
