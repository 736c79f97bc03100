import { scrubSecrets } from "../../src/logger";
import { capturingLogger } from "../support/log-capture";

const URLS = {
  chime: "https://hooks.chime.aws/incomingwebhooks/4d1c2b3a-0f9e?token=SECRETCHIME",
  slack: "https://hooks.slack.com/services/T0123/B0456/SECRETSLACK",
  teamsPowerPlatform:
    "https://default0a1b2c.e9.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0f1e/triggers/manual/paths/invoke?api-version=1&sig=SECRETTEAMS",
  teamsLogicApps:
    "https://prod-23.westeurope.logic.azure.com:443/workflows/0f1e/triggers/manual/paths/invoke?sig=SECRETLOGIC",
  teamsConnector: "https://contoso.webhook.office.com/webhookb2/a@b/IncomingWebhook/c/SECRETCONNECTOR",
  mattermost: "https://chat.example.org/hooks/SECRETMATTERMOST",
  rocketChat: "https://rocket.example.org/hooks/abc/SECRETROCKET",
  loopbackPattern: "http://127.0.0.1:8065/incomingwebhooks/x?token=SECRETLOOPBACK",
};

describe("webhook URLs never reach a log line", () => {
  it.each(Object.entries(URLS))("%s URL is scrubbed from free text", (_provider, url) => {
    const scrubbed = scrubSecrets(`posting to ${url} failed`);
    expect(scrubbed).not.toMatch(/SECRET/);
    expect(scrubbed).toContain("[Redacted]");
  });

  it("scrubs messages and webhookUrl / url fields of a real log line", () => {
    const { logger, text } = capturingLogger();
    logger.warn(
      { webhookUrl: URLS.teamsPowerPlatform, target: { url: URLS.mattermost } },
      `could not post to ${URLS.rocketChat}`,
    );
    expect(text()).not.toMatch(/SECRET/);
  });
});

describe("webhook secrets echoed without their URL", () => {
  it("scrubs `/hooks/…` paths and token= / sig= values from the message and from string fields", () => {
    const { logger, text } = capturingLogger();
    logger.warn(
      { reason: "the chat service answered 500: token=/hooks/SECRETPATH sig=SECRETSIG" },
      "echo of /hooks/SECRETMSG with token=SECRETMSGTOKEN",
    );
    expect(text()).not.toMatch(/SECRET/);
    expect(text()).toContain("the chat service answered 500");
  });
});
