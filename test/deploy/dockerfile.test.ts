/**
 * The Dockerfile without a Docker engine: its policy (multi-stage, slim Node 22/24 runtime, non-root,
 * /data volume, HEALTHCHECK on /healthz, no secret baked in) and its runtime stage performed for
 * real in a clean temporary folder — the same COPYs, the same `npm ci --omit=dev` (from the npm
 * cache when it can), the compiled dist/ (what the build stage makes), then CMD started and its
 * HEALTHCHECK run against it. What only an image has (/data owned by `node`) is checked, not done.
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureCompiled, startNodeProcess } from "../support/compiled-server";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack";
import { freePort } from "../support/ports";
import { copyArgs, envPairs, execForm, parseDockerfile, type Stage } from "./dockerfile";

const root = path.resolve(__dirname, "..", "..");
const dockerfile = parseDockerfile(path.join(root, "Dockerfile"));
const runtime = dockerfile.stages[dockerfile.stages.length - 1];
const build = dockerfile.stages[0];

const instructions = (stage: Stage, keyword: string) =>
  stage.instructions.filter((instruction) => instruction.keyword === keyword);
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|ENCRYPTION_KEY|SLACK_|AWS_ACCESS|AWS_SECRET/;
/**
 * Steps of RUN lines that only make sense inside an image — paths outside the app, or emptying npm's
 * cache (which here is the machine's own) — checked for, never run. Every other step must be `npm ci`.
 */
const IMAGE_ONLY_STEPS = ["mkdir -p /data", "chown node:node /data", "npm cache clean --force"];
const steps = (run: string) => run.split(" && ").map((step) => step.trim());

describe("Dockerfile policy", () => {
  it("builds in one stage and runs on a slim Node 22 or 24 image in another", () => {
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(["build", "runtime"]);
    expect(runtime.from).toMatch(/^node:(22|24)-slim$/);
    expect(build.from).toBe(runtime.from);
    expect(instructions(build, "RUN").map((run) => run.args)).toContain("npm run build");
  });

  it("installs production dependencies only, runs as a non-root user, keeps SQLite in /data", () => {
    const runs = instructions(runtime, "RUN").map((run) => run.args);
    expect(runs.some((run) => /^npm ci --omit=dev\b/.test(run))).toBe(true);
    const users = instructions(runtime, "USER");
    expect(users.at(-1)?.args).toBe("node");
    expect(instructions(runtime, "VOLUME").map((volume) => execForm(volume.args))).toEqual([["/data"]]);
    const env = Object.assign({}, ...instructions(runtime, "ENV").map((entry) => envPairs(entry.args)));
    expect(env.DATABASE_URL).toBe("file:/data/chatbot.db");
    expect(runs.flatMap(steps)).toEqual(expect.arrayContaining(["mkdir -p /data", "chown node:node /data"]));
  });

  it("checks its health on /healthz and bakes in no secret", () => {
    const [healthcheck] = instructions(runtime, "HEALTHCHECK");
    expect(execForm(healthcheck.args).join(" ")).toContain("/healthz");
    for (const stage of dockerfile.stages) {
      for (const entry of instructions(stage, "ENV")) {
        expect(Object.keys(envPairs(entry.args)).filter((name) => SECRET_NAME.test(name))).toEqual([]);
      }
      for (const entry of instructions(stage, "ARG")) expect(entry.args).not.toMatch(SECRET_NAME);
    }
    const ignored = fs.readFileSync(path.join(root, ".dockerignore"), "utf8").split("\n");
    for (const entry of [".env", "node_modules", "data", "dist", ".git"]) expect(ignored).toContain(entry);
  });

  it("copies only files that exist in the repository", () => {
    for (const stage of dockerfile.stages) {
      for (const copy of instructions(stage, "COPY").map((entry) => copyArgs(entry.args))) {
        if (copy.from !== undefined) continue;
        for (const source of copy.sources) expect(fs.existsSync(path.join(root, source))).toBe(true);
      }
    }
  });
});

describe("Dockerfile runtime stage, performed in a clean folder", () => {
  let app: string;
  let fake: FakeSlack;
  let npmSeconds = 0;

  beforeAll(async () => {
    await ensureCompiled();
    fake = await startFakeSlack();
    app = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-image-")), "app");
    fs.mkdirSync(app);
    const nodeBin = path.dirname(process.execPath);
    for (const { keyword, args } of runtime.instructions) {
      if (keyword === "COPY") {
        const { from, sources, dest } = copyArgs(args);
        for (const source of sources) {
          // --from=build: the build stage's /app/<path>, i.e. what `npm run build` left in the repository.
          const origin =
            from === undefined ? path.join(root, source) : path.join(root, path.relative("/app", source));
          const target = dest.endsWith("/")
            ? path.join(app, dest, path.basename(source))
            : path.join(app, dest);
          fs.cpSync(origin, target, { recursive: true });
        }
      } else if (keyword === "RUN") {
        for (const step of steps(args)) {
          if (IMAGE_ONLY_STEPS.includes(step)) continue;
          expect(step).toMatch(/^npm ci /);
          const started = Date.now();
          execFileSync("sh", ["-c", step], {
            cwd: app,
            stdio: ["ignore", "ignore", "inherit"],
            // The npm cache first (CI has just run `npm ci`); the registry only for what it lacks.
            env: {
              PATH: `${nodeBin}:${process.env.PATH ?? ""}`,
              HOME: process.env.HOME ?? "",
              npm_config_prefer_offline: "true",
            },
          });
          npmSeconds += (Date.now() - started) / 1000;
        }
      }
    }
  }, 180_000);

  afterAll(async () => {
    await fake?.close();
    if (app) fs.rmSync(path.dirname(app), { recursive: true, force: true });
  });

  it("holds what the image holds: dist/, production dependencies, no sources, no dev tools", () => {
    process.stdout.write(`npm steps of the runtime stage took ${npmSeconds.toFixed(1)} s\n`);
    for (const entry of [
      "dist/main.js",
      "node_modules/better-sqlite3",
      "prisma/migrations",
      "manifest.yml",
      "samples",
    ]) {
      expect(fs.existsSync(path.join(app, entry))).toBe(true);
    }
    // (typescript itself stays: npm keeps it as an optional peer of prisma and @prisma/client.)
    for (const entry of [
      "src",
      "test",
      ".env",
      "node_modules/jest",
      "node_modules/ts-jest",
      "node_modules/playwright-core",
    ]) {
      expect(fs.existsSync(path.join(app, entry))).toBe(false);
    }
  });

  it("starts with CMD, answers /healthz and /readyz, and its HEALTHCHECK passes — then fails once it stops", async () => {
    const env: Record<string, string> = Object.assign(
      { PATH: process.env.PATH ?? "", HOME: app },
      ...instructions(runtime, "ENV").map((entry) => envPairs(entry.args)),
    );
    const data = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-image-data-"));
    const port = await freePort();
    // What `docker run -e …` would add. /data exists only in the image, so SQLite goes to a temp folder.
    Object.assign(env, {
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: `file:${path.join(data, "chatbot.db")}`,
      SLACK_SIGNING_SECRET: "image-test-signing-secret",
      SLACK_BOT_TOKEN: fake.addWorkspace({ teamId: "T0IMAGE" }).botToken,
      SLACK_API_URL: fake.url,
    });
    const [command, ...args] = execForm(instructions(runtime, "CMD")[0].args);
    expect(command).toBe("node");
    const server = startNodeProcess(args, { cwd: app, env });
    const healthcheck = () => {
      const [, ...checkArgs] = execForm(instructions(runtime, "HEALTHCHECK")[0].args);
      return spawnSync(process.execPath, checkArgs, { env, timeout: 10_000 }).status;
    };
    try {
      await server.healthy(`http://127.0.0.1:${port}`);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(healthcheck()).toBe(0);
      expect(server.output()).toContain("applied migration");
      // The CLI works in the image too (no src/, no TypeScript there).
      const cli = spawnSync(process.execPath, ["bin/chatbot.js", "migrate"], {
        cwd: app,
        env,
        encoding: "utf8",
      });
      expect(cli.stderr).toBe("");
      expect(cli.stdout).toMatch(/is up to date/);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(healthcheck()).toBe(1);
    fs.rmSync(data, { recursive: true, force: true });
  }, 90_000);
});
