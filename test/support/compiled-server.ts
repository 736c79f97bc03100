/**
 * dist/ built once for the test files that start the compiled server (`node dist/main.js`, as
 * `npm start` does). Jest runs files in parallel workers; without a lock two of them could run tsc
 * into dist/ at once while a third reads it. The lock is a file created exclusively; the others
 * wait for it to go, then find dist/ up to date.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitUntil } from "./wait-until";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const COMPILED_MAIN = path.join(REPO_ROOT, "dist", "main.js");

const LOCK = path.join(
  os.tmpdir(),
  `chatbot-build-${createHash("sha256").update(REPO_ROOT).digest("hex").slice(0, 12)}.lock`,
);
/** A lock older than this was left by a killed run. */
const STALE_MS = 5 * 60_000;

async function lockGone(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fs.existsSync(LOCK)) {
    try {
      if (Date.now() - fs.statSync(LOCK).mtimeMs > STALE_MS) fs.rmSync(LOCK, { force: true });
    } catch {
      // Removed between the two calls: gone, as wanted.
    }
    if (Date.now() > deadline) throw new Error(`${LOCK} still held after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Compiles src/ into dist/ if it is missing or older than src/ (bin/build-if-needed.js). */
export async function ensureCompiled(timeoutMs = 180_000): Promise<void> {
  for (;;) {
    let fd: number;
    try {
      fd = fs.openSync(LOCK, "wx");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      await lockGone(timeoutMs);
      continue;
    }
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, "bin", "build-if-needed.js")], {
        cwd: REPO_ROOT,
        stdio: "inherit",
      });
      return;
    } finally {
      fs.closeSync(fd);
      fs.rmSync(LOCK, { force: true });
    }
  }
}

export interface NodeProcess {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** Resolves once GET url/healthz answers 200; throws with the output if the process exits first. */
  healthy(url: string, timeoutMs?: number): Promise<void>;
}

/** `node ARGS…` in `cwd` with exactly `env` (nothing inherited), its output collected. */
export function startNodeProcess(
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): NodeProcess {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  const output = () => chunks.join("");
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output,
    exited,
    healthy: (url, timeoutMs = 60_000) =>
      waitUntil(async () => {
        if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}):\n${output()}`);
        return (await fetch(`${url}/healthz`).catch(() => null))?.status === 200;
      }, timeoutMs),
  };
}
