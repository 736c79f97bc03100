import { DEFAULT_SLACK_API_URL, loadConfig } from "../src/config";
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
    const config = loadConfig({}, { requireSlack: false });
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

  it("names SLACK_SIGNING_SECRET first when nothing is set for the server", () => {
    expect(messageOf(() => loadConfig({}, { requireSlack: true }))).toMatch(
      /^SLACK_SIGNING_SECRET is required/,
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
});
