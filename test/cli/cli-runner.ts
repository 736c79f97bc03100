/**
 * Runs `chatbot …` in-process (runCli) with an environment of its own: process.env is replaced for
 * the call and restored after, exactly what `npx chatbot` would read.
 */
import { PassThrough } from "node:stream";
import { runCli } from "../../src/cli/index";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString("utf8");
}

export async function runChatbot(argv: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const saved = { ...process.env };
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  try {
    const code = await runCli(argv, { stdin: new PassThrough(), stdout, stderr });
    return { code, stdout: out(), stderr: err() };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}
