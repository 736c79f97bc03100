/**
 * First-run mode over real HTTP: the setup page's checklist, the create-from-manifest link, the
 * preview (samples, pastes, hostile and oversized input), and the refusals on Slack's and SNS's routes.
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../../src/config";
import { migrateDatabase } from "../../src/db/migrate";
import { type FirstRunServer, startFirstRunServer } from "../../src/first-run/first-run-server";
import { CONTENT_SECURITY_POLICY } from "../../src/first-run/page-style";
import { readSample } from "../../src/first-run/samples";
import { parseEnvelope, renderNotification } from "../../src/notifications";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";

interface Started {
  server: FirstRunServer;
  testDb: TestDatabase;
  logs: () => string;
}

async function start(kind: "sqlite" | "postgres", env: Record<string, string> = {}): Promise<Started> {
  const testDb = await createTestDatabase(kind);
  const config = loadConfig(
    { PORT: "0", DATABASE_URL: testDb.url, ENCRYPTION_KEY: randomBytes(32).toString("base64"), ...env },
    { requireSlack: true },
  );
  expect(config.firstRun).toBe(true);
  const { logger, text } = capturingLogger("info");
  await migrateDatabase(config.database, logger);
  return { server: await startFirstRunServer(config, logger), testDb, logs: text };
}

async function stop(started: Started): Promise<void> {
  await started.server.close();
  await started.testDb.drop();
}

/** The manifest inside the "Create the Slack app" link. */
function manifestOf(page: string): Record<string, unknown> {
  const href = /id="create-app"[^>]*href="([^"]+)"|href="([^"]+)"[^>]*id="create-app"/.exec(page);
  const url = new URL((href?.[1] ?? href?.[2] ?? "").replace(/&amp;/g, "&"));
  expect(`${url.origin}${url.pathname}`).toBe("https://api.slack.com/apps");
  expect(url.searchParams.get("new_app")).toBe("1");
  return JSON.parse(url.searchParams.get("manifest_json") ?? "") as Record<string, unknown>;
}

function checklistItem(page: string, id: string): string {
  const match = new RegExp(`<li class="(ok|todo)" data-item="${id}">([\\s\\S]*?)</li>`).exec(page);
  if (!match) throw new Error(`no checklist item ${id}`);
  return `${match[1]}: ${match[2]}`;
}

async function postPreview(url: string, message: string): Promise<Response> {
  return fetch(`${url}/preview`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ message }).toString(),
  });
}

describe("first-run mode without PUBLIC_URL", () => {
  let started: Started;
  beforeAll(async () => {
    started = await start("sqlite");
  });
  afterAll(async () => {
    await stop(started);
  });

  it("serves the setup page under a strict Content-Security-Policy, and logs where it is", async () => {
    const response = await fetch(`${started.server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain("script-src");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await response.text();
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/style=/i);
    expect(started.logs()).toContain("first-run mode");
    expect(started.logs()).toContain(`"setupPage":"${started.server.url}/"`);
    const css = await fetch(`${started.server.url}/setup.css`);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
  });

  it("lists what is configured and what is missing, each with the thing to do", async () => {
    const page = await (await fetch(`${started.server.url}/`)).text();
    expect(checklistItem(page, "slack")).toMatch(/^todo: [\s\S]*SLACK_SIGNING_SECRET[\s\S]*SLACK_BOT_TOKEN/);
    expect(checklistItem(page, "public-url")).toMatch(/^todo: [\s\S]*set PUBLIC_URL/);
    expect(checklistItem(page, "database")).toMatch(/^ok: [\s\S]*SQLite at [\s\S]*migrated/);
    // test/support/aws-test-env.ts gives every test process fake keys.
    expect(checklistItem(page, "aws")).toMatch(/^ok: /);
    expect(page).toContain("2 of 4 done");
    // The page asks for no secret: no text input but the message box, no password field.
    expect(page).not.toMatch(/type="password"/);
    expect(page.match(/<(input|textarea)\b/g)).toEqual(["<textarea"]);
  });

  it("links to Slack's create-from-manifest flow with a Socket Mode manifest", async () => {
    const manifest = manifestOf(await (await fetch(`${started.server.url}/`)).text());
    const text = JSON.stringify(manifest);
    expect(text).not.toContain("chatbot.example.com");
    expect(text).not.toContain("request_url");
    expect(manifest.settings).toMatchObject({ socket_mode_enabled: true, token_rotation_enabled: false });
    expect(manifest.features).toMatchObject({ slash_commands: [{ command: "/aws" }] });
    expect(manifest.oauth_config).toMatchObject({ scopes: { bot: expect.arrayContaining(["chat:write"]) } });
  });

  it("renders a bundled sample as Slack and a webhook room would show it", async () => {
    const response = await fetch(`${started.server.url}/?sample=cloudwatch-alarm`);
    expect(response.status).toBe(200);
    const page = await response.text();
    const expected = renderNotification(parseEnvelope(readSample("cloudwatch-alarm") ?? ""));
    expect(page).toMatch(/<option value="cloudwatch-alarm" selected>/);
    expect(page).toContain('<div class="bk-header">🔴 ALARM · web-fleet-cpu-high-i-0c4f2a9e81b3d5f60</div>');
    expect(page).toContain("<strong>OK → ALARM</strong>");
    expect(page).toContain('class="bk-button" href="https://console.aws.amazon.com/cloudwatch/home?');
    // The Block Kit Builder link carries exactly the blocks delivery would post.
    const builder = /id="block-kit-builder" href="([^"]+)"/.exec(page)?.[1] ?? "";
    const fragment = decodeURIComponent(builder.replace(/&amp;/g, "&").split("#")[1] ?? "");
    expect(builder.startsWith("https://app.slack.com/block-kit-builder#")).toBe(true);
    expect(JSON.parse(fragment)).toEqual({ blocks: expected.slack.blocks });
    const webhook = /<pre id="preview-webhook">([\s\S]*?)<\/pre>/.exec(page)?.[1] ?? "";
    expect(webhook.replace(/&gt;/g, ">").replace(/&#39;/g, "'")).toBe(expected.webhook.Content);
  });

  it("every bundled sample renders", async () => {
    const page = await (await fetch(`${started.server.url}/`)).text();
    const ids = [...page.matchAll(/<option value="([^"]+)"/g)].map((match) => match[1]);
    expect(ids.length).toBeGreaterThanOrEqual(5);
    for (const id of ids) {
      const response = await fetch(`${started.server.url}/?sample=${id}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('id="preview-slack"');
    }
  });

  it("answers 404 for a sample that is not one, without reading outside samples/", async () => {
    for (const name of ["../package", "..%2Fmanifest.yml", "nope"]) {
      const response = await fetch(`${started.server.url}/?sample=${name}`);
      expect(response.status).toBe(404);
      const page = await response.text();
      expect(page).toContain("There is no sample named");
      expect(page).not.toContain("aws-chatbot@");
    }
  });

  it("escapes a hostile pasted message everywhere it appears", async () => {
    const hostile = {
      Type: "Notification",
      MessageId: "6f1e0b7a-0000-4000-8000-000000000001",
      TopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
      Subject: '<img src=x onerror="alert(1)"> </textarea><script>alert(2)</script>',
      Message:
        '<script>alert(3)</script> <a href="javascript:alert(4)">x</a> <javascript:alert(5)|click> *"><svg onload=alert(6)>*',
      Timestamp: "2026-03-04T17:43:27.123Z",
    };
    const response = await postPreview(started.server.url, JSON.stringify(hostile));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    const page = await response.text();
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<svg/i);
    expect(page).not.toMatch(/href="javascript:/i);
    expect(page).not.toMatch(/<[^>]*\sonerror\s*=/i);
    expect(page).toContain(
      '<span id="preview-fallback">&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &lt;/textarea&gt;',
    );
    // The box echoes the paste as text: one textarea, closed once.
    expect(page.match(/<\/textarea>/g)).toHaveLength(1);
    expect(page).toContain("&lt;script&gt;alert(3)&lt;/script&gt;");
    expect(page).toContain('id="preview-slack"');
  });

  it("says what is wrong with input that is not an SNS Notification", async () => {
    const cases: [string, RegExp][] = [
      ["not json", /not an SNS message: the input is not JSON/],
      ['{"Type":"SubscriptionConfirmation"}', /only Notification messages render/],
      ['{"envelope":{}}', /looks like a test fixture/],
      ["   ", /Paste an SNS message body/],
    ];
    for (const [message, error] of cases) {
      const response = await postPreview(started.server.url, message);
      expect(response.status).toBe(400);
      const page = await response.text();
      const shown = /<div id="preview-error"[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1] ?? "";
      expect(shown.replace(/&quot;/g, '"')).toMatch(error);
    }
  });

  it("refuses oversized input with a clear page: over SNS's 256 KiB, and over the form limit", async () => {
    const envelope = (size: number) =>
      JSON.stringify({
        Type: "Notification",
        MessageId: "m",
        TopicArn: "arn:aws:sns:us-east-1:123456789012:t",
        Message: "x".repeat(size),
        Timestamp: "2026-03-04T17:43:27.123Z",
      });
    const big = await postPreview(started.server.url, envelope(300 * 1024));
    expect(big.status).toBe(400);
    expect(await big.text()).toContain("larger than 256 KiB");
    const huge = await postPreview(started.server.url, envelope(2 * 1024 * 1024));
    expect(huge.status).toBe(413);
    const page = await huge.text();
    expect(page).toContain("larger than 1 MB");
    expect(huge.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
  });

  it("is alive but not ready, and refuses Slack and SNS clearly (503, so SNS retries)", async () => {
    const health = await fetch(`${started.server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", mode: "first-run" });
    const ready = await fetch(`${started.server.url}/readyz`);
    expect(ready.status).toBe(503);
    for (const path of ["/sns/events", "/slack/events", "/slack/install"]) {
      const response = await fetch(`${started.server.url}${path}`, {
        method: path === "/slack/install" ? "GET" : "POST",
        body: path === "/slack/install" ? undefined : "{}",
      });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("3600");
      expect(await response.text()).toContain("first-run mode: Slack is not configured");
    }
  });
});

describeEachDatabase("first-run mode with an https PUBLIC_URL", (kind) => {
  let started: Started;
  beforeAll(async () => {
    started = await start(kind, { PUBLIC_URL: "https://chatbot.acme.test/", SLACK_COMMAND: "/aws-prod" });
  });
  afterAll(async () => {
    await stop(started);
  });

  it("fills manifest.yml in for PUBLIC_URL and the command, and checks the database", async () => {
    const page = await (await fetch(`${started.server.url}/`)).text();
    const manifest = manifestOf(page);
    expect(JSON.stringify(manifest)).not.toContain("chatbot.example.com");
    expect(manifest.features).toMatchObject({
      slash_commands: [{ command: "/aws-prod", url: "https://chatbot.acme.test/slack/events" }],
    });
    expect(manifest.oauth_config).toMatchObject({
      redirect_urls: ["https://chatbot.acme.test/slack/oauth_redirect"],
    });
    expect(manifest.settings).toMatchObject({
      socket_mode_enabled: false,
      event_subscriptions: { request_url: "https://chatbot.acme.test/slack/events" },
      interactivity: { request_url: "https://chatbot.acme.test/slack/events" },
    });
    expect(checklistItem(page, "public-url")).toMatch(
      /^ok: [\s\S]*SNS endpoint https:\/\/chatbot\.acme\.test\/sns\/events/,
    );
    expect(checklistItem(page, "database")).toMatch(
      kind === "sqlite" ? /^ok: [\s\S]*SQLite/ : /^ok: [\s\S]*PostgreSQL/,
    );
    expect(page).toContain("3 of 4 done");
  });
});
