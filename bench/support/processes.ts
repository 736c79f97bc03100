/**
 * Child processes for the HTTP benchmarks: the bare Node baseline server, the real server, and the
 * peak resident memory of a process (Linux /proc).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { freePort } from "../../test/support/ports";

const { buildIfNeeded } = require("../../bin/build-if-needed.js") as { buildIfNeeded(): void };

const REPO = path.resolve(__dirname, "..", "..");

/**
 * What any HTTP endpoint must do at least with an SNS body: read it and JSON.parse it. Nothing else
 * (no verification, no storage), so its throughput is the ceiling the real endpoint is measured
 * against, on the same machine, in the same run.
 */
const BASELINE_SERVER = `
const http = require("node:http");
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    let ok = true;
    try {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      ok = false;
    }
    response.writeHead(ok ? 200 : 400, { "content-type": "application/json" });
    response.end(ok ? '{"ok":true,"reason":"stored"}' : '{"ok":false}');
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => server.close(() => process.exit(0)));
`;

export interface ChildServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface ChatbotServerProcess extends ChildServer {
  /** The last 64 KiB of stdout + stderr (pino JSON lines), for diagnostics. */
  output(): string;
  /**
   * SIGTERM, then SIGKILL if the graceful shutdown has not finished within `graceMs` (default 15 s).
   * Resolves with how the process ended.
   */
  shutdown(graceMs?: number): Promise<"clean" | "killed">;
}

export interface ChatbotServerOptions {
  /** DATABASE_URL, ENCRYPTION_KEY, SLACK_*, …; PORT, HOST and SLACK_SIGNING_SECRET have defaults. */
  env: Record<string, string | undefined>;
  /** Node flags before the script, e.g. ["--cpu-prof", "--cpu-prof-dir=/tmp/prof"]. */
  nodeArgs?: string[];
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

async function waitUntilAnswering(
  url: string,
  child: ChildProcess,
  what: string,
  output = () => "",
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await answers(url))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`${what} did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startBaselineServer(): Promise<ChildServer> {
  const port = await freePort();
  const child = spawn(process.execPath, ["-e", BASELINE_SERVER], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(url, child, "the baseline server");
  if (child.pid === undefined) throw new Error("the baseline server has no pid");
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * The real server as `npm start` runs it (`node dist/main.js`, compiled first if the sources are
 * newer; migrations included), in its own process so the load generator never competes with it for
 * the event loop. Not through tsx: its transform wraps every function in a naming helper, a cost
 * production never pays. Resolves once /healthz answers.
 */
export async function startChatbotServer(options: ChatbotServerOptions): Promise<ChatbotServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    HOST: "127.0.0.1",
    SLACK_SIGNING_SECRET: "bench-signing-secret-0123456789abcdef",
  };
  for (const [key, value] of Object.entries({ ...options.env, PORT: String(port) })) {
    if (value !== undefined) env[key] = value;
  }
  buildIfNeeded();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.join(REPO, "dist", "main.js")], {
    cwd: REPO,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(`${url}/healthz`, child, "the server process", () => output);
  if (child.pid === undefined) throw new Error("the server process has no pid");
  const shutdown = async (graceMs = 15_000): Promise<"clean" | "killed"> => {
    if (child.exitCode !== null || child.signalCode !== null) return "clean";
    child.kill("SIGTERM");
    const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), graceMs).unref());
    if ((await Promise.race([exited.then(() => "exited" as const), timer])) === "exited") return "clean";
    child.kill("SIGKILL");
    await exited;
    return "killed";
  };
  return {
    url,
    pid: child.pid,
    output: () => output,
    shutdown,
    async stop() {
      await shutdown();
    },
  };
}

/** Peak resident set size (VmHWM) of a live process, in MiB; NaN where /proc is not available. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = Number(/^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1]);
    return Math.round((kib / 1024) * 10) / 10;
  } catch {
    return Number.NaN;
  }
}
