/**
 * The first-run page in a real browser (Debian's chromium, driven by playwright-core): the compiled
 * server started as `npm start` runs it, with no Slack variables at all. Leaves a screenshot in
 * test-artifacts/ (gitignored). .ci/run installs chromium when /usr/bin/chromium is missing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import {
  COMPILED_MAIN,
  ensureCompiled,
  type NodeProcess,
  startNodeProcess,
} from "../support/compiled-server";
import { freePort } from "../support/ports";

const root = path.resolve(__dirname, "..", "..");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = path.join(root, "test-artifacts");

/** Flags for a headless run that reaches nothing but the server under test. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const HOSTILE = JSON.stringify(
  {
    Type: "Notification",
    MessageId: "6f1e0b7a-0000-4000-8000-00000000b0b0",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
    Subject: "<img src=x onerror=alert(1)> </textarea><script>alert(2)</script>",
    Message: "<script>alert(3)</script> <javascript:alert(4)|click me> *<svg onload=alert(5)>*",
    Timestamp: "2026-03-04T17:43:27.123Z",
  },
  null,
  2,
);

describe("the first-run page in chromium", () => {
  let server: NodeProcess;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    }
    await ensureCompiled();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-first-run-"));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // Nothing of Slack's, no HOST: first-run mode on loopback. No AWS keys and no metadata service.
    server = startNodeProcess([COMPILED_MAIN], {
      cwd,
      env: { PATH: process.env.PATH ?? "", HOME: cwd, PORT: String(port), AWS_EC2_METADATA_DISABLED: "true" },
    });
    await server.healthy(url);
    context = await chromium.launchPersistentContext(
      fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-chromium-")),
      {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_ARGS,
      },
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    server?.child.kill("SIGTERM");
  });

  it("listens on loopback only, having said where", () => {
    expect(server.output()).toContain("first-run mode");
    expect(server.output()).toContain('"host":"127.0.0.1"');
  });

  it("shows the checklist and the create-app link", async () => {
    await page.goto(`${url}/`);
    await expect(page.title()).resolves.toBe("aws-chatbot — setup");
    const items = page.locator("#checklist li");
    await expect(items.count()).resolves.toBe(4);
    await expect(page.locator('[data-item="slack"]').getAttribute("class")).resolves.toBe("todo");
    await expect(page.locator('[data-item="database"]').getAttribute("class")).resolves.toBe("ok");
    await expect(page.locator('[data-item="aws"]').getAttribute("class")).resolves.toBe("todo");
    const href = (await page.locator("#create-app").getAttribute("href")) ?? "";
    expect(href.startsWith("https://api.slack.com/apps?new_app=1&manifest_json=")).toBe(true);
  });

  it("renders a sample picked from the list", async () => {
    await page.selectOption("#sample", "guardduty-finding");
    await Promise.all([page.waitForURL(/sample=guardduty-finding/), page.click("#show-sample")]);
    await expect(page.locator("#preview-slack .bk-header").isVisible()).resolves.toBe(true);
    const header = (await page.locator("#preview-slack .bk-header").textContent()) ?? "";
    expect(header.length).toBeGreaterThan(5);
    await expect(page.locator("#preview-webhook").textContent()).resolves.toMatch(/^\/md /);
    await expect(page.locator("#message").inputValue()).resolves.toContain('"Type": "Notification"');
  });

  it("shows a pasted hostile message as text: no script runs, no element is injected", async () => {
    await page.fill("#message", HOSTILE);
    await Promise.all([page.waitForURL(/\/preview$/), page.click("#render")]);
    const slack = page.locator("#preview-slack");
    await expect(slack.locator(".bk-header").textContent()).resolves.toBe(
      "<img src=x onerror=alert(1)> </textarea><script>alert(2)</script>",
    );
    await expect(slack.textContent()).resolves.toContain("<script>alert(3)</script>");
    await expect(page.locator("script, img, svg, iframe").count()).resolves.toBe(0);
    await expect(page.locator('a[href^="javascript:"]').count()).resolves.toBe(0);
    await expect(page.locator("#message").inputValue()).resolves.toBe(HOSTILE);
    expect(dialogs).toEqual([]);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "first-run-hostile-preview.png"), fullPage: true });
  });

  it("keeps a screenshot of the page with a sample rendered", async () => {
    await page.goto(`${url}/?sample=cloudwatch-alarm`);
    const file = path.join(ARTIFACTS, "first-run-setup-page.png");
    await page.screenshot({ path: file, fullPage: true });
    expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  });
});
