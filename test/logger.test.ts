import { boltLoggerFrom, scrubSecrets } from "../src/logger";
import { capturingLogger } from "./support/log-capture";

const BOT_TOKEN = "xoxb-1111-2222-abcdefSECRET";
const WEBHOOK = "https://hooks.chime.aws/incomingwebhooks/abc-123?token=SECRETTOKEN";

describe("logger", () => {
  it("redacts tokens, secrets, webhook URLs and Authorization headers by key", () => {
    const { logger, text } = capturingLogger();
    logger.info(
      {
        token: BOT_TOKEN,
        installation: { bot: { token: BOT_TOKEN, refreshToken: "xoxe-1-REFRESH" } },
        headers: { authorization: `Bearer ${BOT_TOKEN}` },
        webhookUrl: WEBHOOK,
        client_secret: "CLIENTSECRET",
      },
      "stored",
    );
    const out = text();
    expect(out).toContain("stored");
    for (const secret of [BOT_TOKEN, "REFRESH", "SECRETTOKEN", "CLIENTSECRET"])
      expect(out).not.toContain(secret);
  });

  it("keeps a base URL in a url field readable, and redacts any url with a path, query or credentials", () => {
    const { logger, lines } = capturingLogger();
    logger.info(
      { url: "http://127.0.0.1:3000", snsEndpoint: "https://chatbot.example.com/sns/events" },
      "up",
    );
    logger.warn({ url: WEBHOOK, delivery: { url: "https://example.com/hooks/SECRETHOOK" } }, "failed");
    logger.warn({ url: "https://user:SECRETPASS@example.com" }, "credentials");
    logger.warn({ url: "https://example.com/?token=SECRETQUERY" }, "query");
    const [up, failed, credentials, query] = lines().map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    expect(up).toMatchObject({
      url: "http://127.0.0.1:3000",
      snsEndpoint: "https://chatbot.example.com/sns/events",
    });
    expect(failed).toMatchObject({ url: "[Redacted]", delivery: { url: "[Redacted]" } });
    expect(credentials.url).toBe("[Redacted]");
    expect(query.url).toBe("[Redacted]");
    expect(lines().join("\n")).not.toContain("SECRET");
  });

  it("scrubs token-shaped text from messages and errors", () => {
    const { logger, text } = capturingLogger();
    logger.warn(`posting with ${BOT_TOKEN} to ${WEBHOOK}`);
    logger.error({ err: new Error(`invalid_auth for ${BOT_TOKEN}`) }, "failed");
    const out = text();
    expect(out).toContain("[Redacted]");
    expect(out).not.toContain("SECRET");
  });

  it("Bolt's logger adapter writes through pino and scrubs too", () => {
    const { logger, lines } = capturingLogger();
    const bolt = boltLoggerFrom(logger);
    bolt.info("token is", BOT_TOKEN, { nested: BOT_TOKEN });
    const [line] = lines();
    expect(JSON.parse(line)).toMatchObject({ level: 30, component: "bolt" });
    expect(line).not.toContain("SECRET");
  });

  it("scrubSecrets leaves ordinary text alone", () => {
    expect(scrubSecrets("alarm web-fleet-cpu-high in us-east-1")).toBe(
      "alarm web-fleet-cpu-high in us-east-1",
    );
  });
});
