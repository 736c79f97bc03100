/**
 * The real server as a CHILD PROCESS (`node --require tsx/cjs src/main.ts`, exactly what `npm run
 * dev` runs, migrations included; or with `compiled`, `node dist/main.js` as `npm start` runs it),
 * for what an in-process server cannot show: kill -9 mid-burst, SIGTERM, a restart on the same
 * database, the process's own memory, start-up logs. Resolves once /healthz answers.
 *
 *   const server = await startServerProcess({ env: { DATABASE_URL, SLACK_BOT_TOKEN, SLACK_API_URL } });
 *   … await server.kill("SIGKILL"); …
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import path from "node:path";
import type { Environment } from "../../src/config";
import { TEST_SIGNING_SECRET } from "./server";

const REPO = path.resolve(__dirname, "..", "..");
const TSX_REQUIRE = path.join(REPO, "node_modules", "tsx", "dist", "cjs", "index.cjs");
const MAIN = path.join(REPO, "src", "main.ts");
const COMPILED_MAIN = path.join(REPO, "dist", "main.js");

export interface ServerProcessOptions {
  /**
   * DATABASE_URL, ENCRYPTION_KEY, SLACK_* …; HOST, SLACK_SIGNING_SECRET and LOG_LEVEL (info) have
   * defaults. Without PORT the server listens on a port of the kernel's choosing, read back from
   * /proc, so no other process can take the port between choosing and listening.
   */
  env: Environment;
  /** How long to wait for /healthz. Default 30 s. */
  startTimeoutMs?: number;
  /** Run dist/main.js (build it first: bin/build-if-needed.js) instead of src/main.ts through tsx. */
  compiled?: boolean;
  /** Working directory (where `.env` and the default ./data are looked for); default the repository. */
  cwd?: string;
  /** Extra node options, e.g. ["--require", hook]. */
  nodeArgs?: string[];
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

/**
 * The TCP port the process listens on, from /proc (Linux): its socket inodes, looked up among the
 * listening sockets. (Read before the "listening" log line is written, and whatever LOG_LEVEL says.)
 */
function listeningPort(pid: number): number | undefined {
  let inodes: Set<string>;
  try {
    inodes = new Set(
      readdirSync(`/proc/${pid}/fd`)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
  } catch {
    return undefined;
  }
  for (const table of ["tcp", "tcp6"]) {
    let lines: string[];
    try {
      lines = readFileSync(`/proc/${pid}/net/${table}`, "utf8").split("\n").slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const columns = line.trim().split(/\s+/);
      // local_address is "ADDR:PORT" in hex; st 0A is LISTEN; the inode is column 9.
      if (columns.length > 9 && columns[3] === "0A" && inodes.has(columns[9])) {
        return Number.parseInt(columns[1].split(":")[1], 16);
      }
    }
  }
  return undefined;
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const port = options.env.PORT ?? "0";
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
  const entry = options.compiled ? [COMPILED_MAIN] : ["--require", TSX_REQUIRE, MAIN];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), ...entry], {
    cwd: options.cwd ?? REPO,
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
  const fixedUrl = port === "0" ? undefined : `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  let exit: ProcessExit | undefined;
  void exited.then((value) => {
    exit = value;
  });
  let url = fixedUrl ?? "";
  for (;;) {
    const listening =
      fixedUrl === undefined && child.pid !== undefined ? listeningPort(child.pid) : undefined;
    const known = fixedUrl ?? (listening === undefined ? undefined : `http://127.0.0.1:${listening}`);
    if (known !== undefined && (await healthy(known))) {
      url = known;
      break;
    }
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
