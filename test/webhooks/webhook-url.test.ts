import { ErrorCode, isChatbotError } from "../../src/errors";
import { parseWebhookUrl, redactWebhookSecrets, redactWebhookUrl } from "../../src/webhooks/webhook-url";

const CHIME =
  "https://hooks.chime.aws/incomingwebhooks/4d1c2b3a-0f9e-4d8c-b7a6-5e4f3d2c1b0a?token=QmFzZTY0LWxpa2UtdG9rZW4tMDEyMzQ1Njc4OQ";
const SLACK = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/abcdefghijklmnopqrstuvwx";
const TEAMS_POWER_PLATFORM =
  "https://default0a1b2c3d4e5f6071829304a5b6c7d8.e9.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/0f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo";
const TEAMS_LOGIC_APPS =
  "https://prod-23.westeurope.logic.azure.com:443/workflows/0f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFyYmF6cXV4MTIz";
const TEAMS_CONNECTOR =
  "https://contoso.webhook.office.com/webhookb2/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0@a1b2c3d4-e5f6-0718-2930-4a5b6c7d8e9f/IncomingWebhook/0123456789abcdef0123456789abcdef/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/V2abcDEF_ghi-jkl";

/** The refusal message, after checking it is an InvalidArgument that shows valid forms and not the URL. */
function refusal(url: string, pattern?: RegExp): string {
  try {
    parseWebhookUrl(url, { allowPattern: pattern });
  } catch (error) {
    if (!isChatbotError(error, ErrorCode.InvalidArgument)) throw error;
    expect(error.message).toContain("https://hooks.chime.aws/incomingwebhooks/<id>?token=<token>");
    expect(error.message).not.toContain("token=QmFz");
    return error.message;
  }
  throw new Error(`accepted ${url}`);
}

describe("parseWebhookUrl: the built-in providers", () => {
  it.each([
    ["Amazon Chime", CHIME, "chime", "hooks.chime.aws"],
    ["Slack incoming webhook", SLACK, "slack-incoming", "hooks.slack.com"],
    [
      "Teams Workflows (Power Platform)",
      TEAMS_POWER_PLATFORM,
      "teams",
      "default0a1b2c3d4e5f6071829304a5b6c7d8.e9.environment.api.powerplatform.com",
    ],
    ["Teams Workflows (Logic Apps)", TEAMS_LOGIC_APPS, "teams", "prod-23.westeurope.logic.azure.com"],
    ["Teams connector (legacy)", TEAMS_CONNECTOR, "teams", "contoso.webhook.office.com"],
  ])("accepts %s", (_label, url, provider, host) => {
    expect(parseWebhookUrl(url)).toEqual({ url, provider, host, viaPattern: false });
  });

  it("accepts the trailing slash Power Automate sometimes shows after invoke", () => {
    const url = TEAMS_POWER_PLATFORM.replace("/invoke?", "/invoke/?");
    expect(parseWebhookUrl(url).provider).toBe("teams");
  });

  it("trims surrounding whitespace from a pasted URL", () => {
    expect(parseWebhookUrl(`  ${CHIME}\n`).url).toBe(CHIME);
  });

  it("holds Chime URLs to AWS Chatbot's own pattern and 255 characters", () => {
    expect(refusal(`${CHIME}&x=1`)).toMatch(/exactly https:\/\/hooks\.chime\.aws\/incomingwebhooks/);
    expect(refusal("https://hooks.chime.aws/incomingwebhooks/abc")).toMatch(/exactly/);
    expect(
      refusal(`https://hooks.chime.aws/incomingwebhooks/${"a".repeat(200)}?token=${"b".repeat(60)}`),
    ).toMatch(/at most 255 characters/);
  });

  it("checks each provider's path shape", () => {
    expect(refusal("https://hooks.slack.com/workflows/T1/A2/3/abc")).toMatch(/hooks\.slack\.com\/services/);
    expect(refusal("https://prod-1.westus.logic.azure.com/workflows/abc/run")).toMatch(/\/paths\/invoke/);
    expect(refusal(TEAMS_LOGIC_APPS.replace(/&sig=[^&]+/, ""))).toMatch(/sig=/);
    expect(refusal("https://contoso.webhook.office.com/other/path")).toMatch(/webhookb2/);
  });

  it("refuses a provider that contradicts the host", () => {
    expect(() => parseWebhookUrl(CHIME, { provider: "teams" })).toThrow(
      /Amazon Chime host, not Microsoft Teams/,
    );
    expect(() => parseWebhookUrl(CHIME, { provider: "irc" })).toThrow(
      /not a webhook provider: use one of chime/,
    );
  });
});

describe("parseWebhookUrl: SSRF attempts are refused at configuration time", () => {
  it.each([
    ["plain http", CHIME.replace("https://", "http://"), /use https:\/\//],
    ["http to another host", "http://example.com/hook", /uses http:\/\/ — webhook URLs must use https/],
    ["loopback IPv4", "https://127.0.0.1/incomingwebhooks/x?token=y", /IP address \(127\.0\.0\.1\)/],
    ["loopback in another spelling", "https://2130706433/hook", /IP address \(127\.0\.0\.1\)/],
    ["short IPv4", "https://127.1/hook", /IP address \(127\.0\.0\.1\)/],
    ["instance metadata", "https://169.254.169.254/latest/meta-data/", /IP address \(169\.254\.169\.254\)/],
    ["IPv6 loopback", "https://[::1]/hook", /IP address \(\[::1\]\)/],
    ["IPv4-mapped IPv6", "https://[::ffff:127.0.0.1]/hook", /IP address \(\[::ffff:7f00:1\]\)/],
    [
      "another host",
      "https://evil.example/incomingwebhooks/x?token=y",
      /evil\.example is not a known incoming-webhook host/,
    ],
    ["a look-alike host", "https://hooks.chime.aws.evil.example/incomingwebhooks/x?token=y", /not a known/],
    [
      "a host suffix without a label boundary",
      "https://evillogic.azure.com/workflows/a/triggers/manual/paths/invoke?sig=x",
      /not a known/,
    ],
    [
      "the bare suffix",
      "https://logic.azure.com/workflows/a/triggers/manual/paths/invoke?sig=x",
      /not a known/,
    ],
    [
      "user-info before the provider host",
      `https://hooks.chime.aws@evil.example/incomingwebhooks/x?token=y`,
      /user information/,
    ],
    [
      "user-info with a password",
      "https://user:pass@hooks.chime.aws/incomingwebhooks/x?token=y",
      /user information/,
    ],
    [
      "a fragment hiding the provider host",
      "https://evil.example#@hooks.chime.aws/incomingwebhooks/x?token=y",
      /user information|fragment/,
    ],
    ["a fragment", `${CHIME}#x`, /#fragment/],
    [
      "a port on a provider host",
      CHIME.replace("hooks.chime.aws", "hooks.chime.aws:8443"),
      /port 443, not 8443/,
    ],
    ["encoded dots", "https://hooks%2echime%2eaws/incomingwebhooks/x?token=y", /percent-encoded/],
    [
      "encoded dots after the provider host",
      "https://hooks.chime.aws%2eevil.example/incomingwebhooks/x?token=y",
      /percent-encoded/,
    ],
    ["a backslash", "https://evil.example\\@hooks.chime.aws/incomingwebhooks/x?token=y", /backslash/],
    ["a backslash as a path separator", "https://hooks.chime.aws\\incomingwebhooks/x?token=y", /backslash/],
    ["inner whitespace", "https://hooks.chime.aws/incoming webhooks/x?token=y", /whitespace/],
    ["a tab the parser would drop", "https://hooks.chi\tme.aws/incomingwebhooks/x?token=y", /whitespace/],
    ["a newline the parser would drop", "https://evil.example\n/hooks.chime.aws", /whitespace/],
    ["not a URL", "hooks.chime.aws/incomingwebhooks/x?token=y", /not an absolute URL/],
    ["another scheme", "file:///etc/passwd", /file:\/\/ — webhook URLs must use https/],
    ["empty", "", /is empty/],
  ])("%s", (_label, url, expected) => {
    expect(refusal(url)).toMatch(expected);
  });
});

describe("parseWebhookUrl: WEBHOOK_URL_PATTERN", () => {
  const loopback = /^http:\/\/127\.0\.0\.1:\d+\//;

  it("admits what the pattern matches, provider from the path", () => {
    expect(parseWebhookUrl("http://127.0.0.1:8065/hooks/abc123xyz", { allowPattern: loopback })).toEqual({
      url: "http://127.0.0.1:8065/hooks/abc123xyz",
      provider: "mattermost",
      host: "127.0.0.1:8065",
      viaPattern: true,
    });
    expect(
      parseWebhookUrl("http://127.0.0.1:9000/incomingwebhooks/room-1?token=abc", { allowPattern: loopback })
        .provider,
    ).toBe("chime");
    expect(
      parseWebhookUrl("http://127.0.0.1:9000/services/T1/B2/xyz", { allowPattern: loopback }).provider,
    ).toBe("slack-incoming");
    expect(
      parseWebhookUrl("https://chat.example.org/hooks/abc/def", {
        allowPattern: /^https:\/\/chat\.example\.org\/hooks\//,
      }).provider,
    ).toBe("mattermost");
  });

  it("asks for --provider when the path does not tell", () => {
    expect(() => parseWebhookUrl("http://127.0.0.1:9000/anything", { allowPattern: loopback })).toThrow(
      /--provider/,
    );
    expect(
      parseWebhookUrl("http://127.0.0.1:9000/anything", { allowPattern: loopback, provider: "teams" })
        .provider,
    ).toBe("teams");
  });

  it("still refuses loopback and metadata addresses the pattern does not match", () => {
    expect(refusal("http://127.0.0.1:9000/hooks/abc")).toMatch(/http:\/\//);
    expect(refusal("https://169.254.169.254/hooks/abc", loopback)).toMatch(/IP address/);
    expect(refusal("https://[::1]:9000/hooks/abc", loopback)).toMatch(/IP address/);
  });

  it("must match from the start through the whole host: an unanchored pattern cannot be smuggled in", () => {
    const unanchored = /chat\.example\.org/;
    expect(refusal("https://evil.example/?x=chat.example.org/hooks/abc", unanchored)).toMatch(/not a known/);
    const noSlash = /^https:\/\/chat\.example\.org/;
    expect(refusal("https://chat.example.org.evil.example/hooks/abc", noSlash)).toMatch(/not a known/);
    expect(parseWebhookUrl("https://chat.example.org/hooks/abc", { allowPattern: noSlash }).viaPattern).toBe(
      true,
    );
  });

  it("does not loosen the built-in providers' rules", () => {
    expect(refusal(CHIME.replace("https://", "http://"), /^http:\/\//)).toMatch(/use https/);
  });

  it("refuses user-info even when the pattern would match", () => {
    expect(refusal("http://x@127.0.0.1:9000/hooks/abc", loopback)).toMatch(/user information/);
  });
});

describe("redactWebhookUrl", () => {
  it("shows the host and the last 4 characters only", () => {
    expect(redactWebhookUrl(CHIME)).toBe("hooks.chime.aws/…OTg5".replace("OTg5", CHIME.slice(-4)));
    expect(redactWebhookUrl(CHIME)).not.toContain("token");
    expect(redactWebhookUrl(TEAMS_POWER_PLATFORM)).toMatch(
      /^default.*\.environment\.api\.powerplatform\.com\/…[\w]{4}$/,
    );
    expect(redactWebhookUrl("not a url")).toBe("(unreadable URL)");
  });
});

describe("redactWebhookSecrets", () => {
  const chime =
    "https://hooks.chime.aws/incomingwebhooks/4d1c2b3a-0f9e-4b7a-9c1d-2e3f4a5b6c7d?token=c2VjcmV0LXRva2Vu";
  const teams =
    "https://prod-23.westeurope.logic.azure.com:443/workflows/0f1e2d3c4b5a69788796a5b4c3d2e1f0/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

  it.each([
    ["the whole URL", chime, chime],
    [
      "the path and query",
      chime,
      "/incomingwebhooks/4d1c2b3a-0f9e-4b7a-9c1d-2e3f4a5b6c7d?token=c2VjcmV0LXRva2Vu",
    ],
    ["the token alone", chime, "c2VjcmV0LXRva2Vu"],
    ["a path segment", chime, "4d1c2b3a-0f9e-4b7a-9c1d-2e3f4a5b6c7d"],
    ["the JSON-escaped path", chime, "\\/incomingwebhooks\\/4d1c2b3a-0f9e-4b7a-9c1d-2e3f4a5b6c7d"],
    [
      "the percent-encoded path",
      chime,
      encodeURIComponent("/incomingwebhooks/4d1c2b3a-0f9e-4b7a-9c1d-2e3f4a5b6c7d"),
    ],
    ["a Teams signature", teams, "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"],
    ["a Teams decoded query value", teams, "/triggers/manual/run"],
  ])("removes %s", (_label, url, echoed) => {
    const redacted = redactWebhookSecrets(`error: ${echoed} was refused`, url);
    expect(redacted).toBe("error: [redacted] was refused");
  });

  it("leaves short words of the URL and the rest of the text alone", () => {
    expect(redactWebhookSecrets("hooks said: token expired (1.0)", chime)).toBe(
      "hooks said: token expired (1.0)",
    );
  });
});
