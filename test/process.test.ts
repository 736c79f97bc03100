/**
 * The commands of CONTRACT.md as real processes: the compiled server (`npm start` runs
 * `node dist/main.js` after building) and the `chatbot` CLI (bin/chatbot.js).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureCompiled } from "./support/compiled-server";
import { type FakeSlack, startFakeSlack } from "./support/fake-slack";
import { freePort } from "./support/ports";
import { startServerProcess } from "./support/server-process";
import { SHARED_SNS_FIXTURES_DIR } from "./support/sns-signing";
import { waitUntil } from "./support/wait-until";

const root = path.resolve(__dirname, "..");
const mainJs = path.join(root, "dist", "main.js");
const chatbotBin = path.join(root, "bin", "chatbot.js");
const baseEnv = { PATH: process.env.PATH ?? "", HOME: os.tmpdir() };

beforeAll(async () => {
  await ensureCompiled();
}, 180_000);

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-process-"));
}

describe("npm start (dist/main.js)", () => {
  // With nothing of Slack's set it does not exit but serves the setup page: see
  // test/first-run/setup-page-browser.test.ts, which starts dist/main.js so.
  it("with a Slack variable but not the others exits non-zero with one line naming the missing one", () => {
    const env = { ...baseEnv, SLACK_BOT_TOKEN: "xoxb-1" };
    const result = spawnSync(process.execPath, [mainJs], { cwd: tempDir(), env, encoding: "utf8" });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toEqual([expect.stringMatching(/^aws-chatbot: SLACK_SIGNING_SECRET is required/)]);
    expect(result.stdout).toBe("");
  });

  it("reports every malformed variable at once, one line each, and starts nothing", () => {
    const cwd = tempDir();
    const env = {
      ...baseEnv,
      SLACK_SIGNING_SECRET: "x",
      SLACK_BOT_TOKEN: "xoxp-a-user-token",
      PORT: "http",
      LOG_LEVEL: "loud",
      DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test",
      DELIVERY_LEASE_MS: "soon",
    };
    const result = spawnSync(process.execPath, [mainJs], { cwd, env, encoding: "utf8" });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines.map((line) => /^aws-chatbot: (\S+) /.exec(line)?.[1])).toEqual([
      "PORT",
      "ENCRYPTION_KEY",
      "SLACK_BOT_TOKEN",
      "LOG_LEVEL",
      "DELIVERY_LEASE_MS",
    ]);
    expect(result.stdout).toBe("");
    expect(fs.existsSync(path.join(cwd, "data"))).toBe(false);
  });

  it("names a malformed variable", () => {
    const env = { ...baseEnv, SLACK_SIGNING_SECRET: "x", SLACK_BOT_TOKEN: "xoxb-1", PORT: "http" };
    const result = spawnSync(process.execPath, [mainJs], { cwd: tempDir(), env, encoding: "utf8" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^aws-chatbot: PORT must be a TCP port/);
  });

  describe("with a signing secret and a bot token", () => {
    let fake: FakeSlack;
    beforeAll(async () => {
      fake = await startFakeSlack();
    });
    afterAll(async () => {
      await fake.close();
    });

    it("migrates, serves /healthz, /readyz and /metrics, generates a key for SQLite, and stops on SIGTERM", async () => {
      const cwd = tempDir();
      const port = await freePort();
      const child = spawn(process.execPath, [mainJs], {
        cwd,
        env: {
          ...baseEnv,
          PORT: String(port),
          HOST: "127.0.0.1",
          SLACK_SIGNING_SECRET: "secret",
          SLACK_BOT_TOKEN: fake.addWorkspace({ teamId: "T0PROCESS" }).botToken,
          SLACK_API_URL: fake.url,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.stderr.on("data", (chunk: Buffer) => {
        output += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        await waitUntil(
          async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null))?.status === 200,
          30_000, // a child process starting on a busy machine
        );
        expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
        const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
        expect(metrics.status).toBe(200);
        expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/);
        expect(fs.existsSync(path.join(cwd, "data", "chatbot.db"))).toBe(true);
        expect(fs.readFileSync(path.join(cwd, "data", "encryption.key"), "utf8").trim()).toMatch(
          /^[A-Za-z0-9+/]{43}=$/,
        );
        expect(output).toContain("ENCRYPTION_KEY is not set");
        expect(output).toContain("applied migration");
      } finally {
        child.kill("SIGTERM");
      }
      expect(await exited).toBe(0);
      expect(output).not.toContain("xoxb-");
    }, 60_000);
  });
});

describe("npm start: .env, start-up log lines, no TypeScript", () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterAll(async () => {
    await fake.close();
  });

  const logLines = (output: string) =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it("reads .env from the working directory (the environment wins), logs the listening URL in clear and warns that PUBLIC_URL is unset", async () => {
    const cwd = tempDir();
    const { botToken } = fake.addWorkspace({ teamId: "T0DOTENV" });
    // PORT and LOG_LEVEL in the file are malformed: the server starts only if the environment's win.
    fs.writeFileSync(
      path.join(cwd, ".env"),
      `# copied from .env.example\nSLACK_BOT_TOKEN=${botToken}\nSLACK_API_URL="${fake.url}"\nPORT=http\nLOG_LEVEL=loud\n`,
    );
    const server = await startServerProcess({ compiled: true, cwd, env: { HOME: os.tmpdir() } });
    try {
      const lines = logLines(server.output());
      const listening = lines.find((line) => line.msg === `aws-chatbot listening on ${server.url}`);
      expect(listening).toMatchObject({ url: server.url, database: "sqlite", mode: "http" });
      expect(listening?.snsEndpoint).toBeUndefined();
      expect(lines.some((line) => line.level === 40 && /^PUBLIC_URL is not set/.test(String(line.msg)))).toBe(
        true,
      );
      expect(fs.existsSync(path.join(cwd, "data", "chatbot.db"))).toBe(true);
    } finally {
      await server.kill("SIGTERM");
    }
    expect(server.output()).not.toContain(botToken);
  }, 60_000);

  it("starts from a built dist/ with TypeScript unresolvable, logs the SNS endpoint, warns about an http PUBLIC_URL and names the Slack API host that failed", async () => {
    // npm start = prestart (bin/build-if-needed.js) + node dist/main.js; both run here with a hook
    // that makes `typescript` unresolvable, as after `npm ci --omit=dev`.
    const hook = path.join(tempDir(), "no-typescript.js");
    fs.writeFileSync(
      hook,
      `const Module = require("node:module");
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === "typescript" || request.startsWith("typescript/")) {
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: "MODULE_NOT_FOUND" });
  }
  return resolve.call(this, request, ...rest);
};
`,
    );
    const probe = spawnSync(process.execPath, ["--require", hook, "-e", 'require.resolve("typescript")'], {
      cwd: root,
      encoding: "utf8",
    });
    expect(probe.status).not.toBe(0);
    const prestart = spawnSync(
      process.execPath,
      ["--require", hook, path.join(root, "bin", "build-if-needed.js")],
      {
        cwd: root,
        env: baseEnv,
        encoding: "utf8",
      },
    );
    expect(prestart.status).toBe(0);
    expect(prestart.stderr).toBe("");

    const deadSlack = `http://127.0.0.1:${await freePort()}/api/`;
    const server = await startServerProcess({
      compiled: true,
      cwd: tempDir(),
      nodeArgs: ["--require", hook],
      env: {
        SLACK_BOT_TOKEN: "xoxb-never-reaches-slack",
        SLACK_API_URL: deadSlack,
        PUBLIC_URL: "http://chatbot.example.com/",
      },
    });
    try {
      const lines = () => logLines(server.output());
      expect(lines().find((line) => String(line.msg).startsWith("aws-chatbot listening"))).toMatchObject({
        url: server.url,
        snsEndpoint: "http://chatbot.example.com/sns/events",
      });
      expect(
        lines().some((line) => line.level === 40 && /^PUBLIC_URL is not https/.test(String(line.msg))),
      ).toBe(true);
      // Bolt's auth.test at start fails ("fetch failed"); the line names the host it tried.
      await waitUntil(
        async () =>
          lines().some((line) => line.component === "bolt" && /fetch failed/.test(String(line.msg))),
        30_000,
      );
      const failed = lines().find(
        (line) => line.component === "bolt" && /fetch failed/.test(String(line.msg)),
      );
      expect(failed?.slackApi).toBe(new URL(deadSlack).host);
    } finally {
      await server.kill("SIGTERM");
    }
    expect(server.output()).not.toContain("xoxb-never-reaches-slack");
  }, 60_000);
});

describe("npx chatbot", () => {
  const run = (args: string[], input?: string, env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [chatbotBin, ...args], {
      cwd: root,
      env: { ...baseEnv, ...env },
      input,
      encoding: "utf8",
    });

  it("render FILE prints exactly what would be posted", () => {
    const fixture = JSON.parse(
      fs.readFileSync(path.join(SHARED_SNS_FIXTURES_DIR, "cw-alarm-ec2-cpu-alarm.json"), "utf8"),
    ) as { envelope: unknown };
    const file = path.join(tempDir(), "message.json");
    fs.writeFileSync(file, JSON.stringify(fixture.envelope));
    const result = run(["render", file]);
    expect(result.status).toBe(0);
    const output = JSON.parse(result.stdout) as {
      slack: { text: string; blocks: unknown[] };
      webhook: { Content: string };
    };
    expect(output.slack.text).toContain("web-fleet-cpu-high-i-0c4f2a9e81b3d5f60");
    expect(output.slack.blocks.length).toBeGreaterThan(0);
    expect(output.webhook.Content.startsWith("/md ")).toBe(true);
  });

  it("render - reads stdin; input that is not an SNS message exits 2 with a message", () => {
    const result = run(["render", "-"], '{"hello": "world"}');
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/chatbot render: /);
  });

  it("migrate applies the migrations once", () => {
    const env = { DATABASE_URL: `file:${path.join(tempDir(), "cli.db")}` };
    const first = run(["migrate"], undefined, env);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^applied \d+ migration\(s\) to sqlite/);
    const second = run(["migrate"], undefined, env);
    expect(second.stdout).toMatch(/is up to date/);
  });

  it("an unknown command exits 2 with the usage", () => {
    const result = run(["frobnicate"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "frobnicate"');
    expect(result.stderr).toContain("chatbot render");
  });
});
