/**
 * The real server as a CHILD PROCESS (`node --require tsx/cjs src/main.ts`, exactly what `npm run
 * dev` runs, migrations included), for what an in-process server cannot show: kill -9 mid-burst,
 * SIGTERM, a restart on the same database, the process's own memory. Resolves once /healthz answers.
 *
 *   const server = await startServerProcess({ env: { DATABASE_URL, SLACK_BOT_TOKEN, SLACK_API_URL } });
 *   … await server.kill("SIGKILL"); …
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import type { Environment } from "../../src/config";
import { freePort } from "./ports";
import { TEST_SIGNING_SECRET } from "./server";

const REPO = path.resolve(__dirname, "..", "..");
const TSX_REQUIRE = path.join(REPO, "node_modules", "tsx", "dist", "cjs", "index.cjs");
const MAIN = path.join(REPO, "src", "main.ts");

export interface ServerProcessOptions {
  /** DATABASE_URL, ENCRYPTION_KEY, SLACK_* …; PORT, HOST and SLACK_SIGNING_SECRET have defaults. */
  env: Environment;
  /** How long to wait for /healthz. Default 30 s. */
  startTimeoutMs?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** stdout + stderr so far (pino JSON lines). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<ProcessExit>;
  /** Sends the signal and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = options.env.PORT ?? String(await freePort());
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    LOG_LEVEL: "info",
  };
  for (const [key, value] of Object.entries({ ...options.env, PORT: port })) {
    if (value !== undefined) env[key] = value;
  }
  const child: ChildProcess = spawn(process.execPath, ["--require", TSX_REQUIRE, MAIN], {
    cwd: REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const output = () => chunks.join("");
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let exit: ProcessExit | undefined;
  void exited.then((value) => {
    exit = value;
  });
  while (!(await healthy(url))) {
    if (exit !== undefined) {
      throw new Error(
        `server process exited (${exit.code ?? exit.signal}) before it was healthy:\n${output()}`,
      );
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `server process not healthy after ${options.startTimeoutMs ?? 30_000} ms:\n${output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("server process has no pid");
  return {
    url,
    pid,
    output,
    exited,
    async kill(signal) {
      if (exit === undefined) child.kill(signal);
      return exited;
    },
  };
}
