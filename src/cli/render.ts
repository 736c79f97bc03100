import { readFile } from "node:fs/promises";
import { ChatbotError, ErrorCode, isChatbotError } from "../errors";
import { parseEnvelope, renderNotification } from "../notifications";

/**
 * `chatbot render FILE|-`: prints what would be posted for one SNS HTTP message body, without
 * posting (CONTRACT.md). Exit 0 for any Notification SNS could deliver, 2 for anything else.
 */

export interface RenderIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `Usage: chatbot render FILE|-

Reads an Amazon SNS HTTP message body (the JSON SNS posts) from FILE, or from standard input with -,
and prints {"slack": {"text", "blocks"}, "webhook": {"Content"}}: what would be posted. Nothing is sent.
`;

/** Far above SNS's 256 KiB, so every real message passes; a runaway pipe does not eat memory. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export async function runRender(args: string[], io: RenderIo): Promise<number> {
  try {
    if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
      await write(io.stdout, USAGE);
      return 0;
    }
    if (args.length !== 1) {
      throw new ChatbotError(
        ErrorCode.InvalidArgument,
        `expected one FILE argument (or - for stdin).\n\n${USAGE}`,
      );
    }
    const text = args[0] === "-" ? await readStream(io.stdin) : await readInputFile(args[0]);
    const envelope = parseEnvelope(text);
    await write(io.stdout, `${JSON.stringify(renderNotification(envelope))}\n`);
    return 0;
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    await write(io.stderr, `chatbot render: ${error.message}\n`);
    return 2;
  }
}

async function readInputFile(path: string): Promise<string> {
  try {
    const data = await readFile(path);
    if (data.length > MAX_INPUT_BYTES) throw tooLarge();
    return data.toString("utf8");
  } catch (error) {
    if (isChatbotError(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String(code ?? error);
    throw new ChatbotError(ErrorCode.InvalidArgument, `cannot read ${path}: ${reason}`, { cause: error });
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(): ChatbotError {
  return new ChatbotError(
    ErrorCode.NotSnsMessage,
    `input is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB; an SNS message is at most 256 KiB`,
  );
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    // A closed pipe (`| head`) is not an error worth a stack trace.
    stream.write(text, () => resolve());
  });
}
