import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ChatbotError, ErrorCode, isChatbotError } from "../errors";
import { renderNotification, type SnsNotificationEnvelope } from "../notifications";

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

const NON_RENDERING_TYPES = new Set(["SubscriptionConfirmation", "UnsubscribeConfirmation"]);

const notificationSchema = z.object({
  Type: z.literal("Notification"),
  MessageId: z.string(),
  TopicArn: z.string(),
  // Lambda-style records carry `Subject: null` when there is none.
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string(),
  MessageAttributes: z
    .record(z.string(), z.object({ Type: z.string(), Value: z.string().optional() }))
    .optional()
    .catch(undefined),
});

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

/** Only a Notification envelope renders; anything else says what it is and what was expected. */
export function parseEnvelope(text: string): SnsNotificationEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `not an SNS message: the input is not JSON (${(error as Error).message})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      "not an SNS message: expected a JSON object with Type and Message",
    );
  }
  const record = value as Record<string, unknown>;
  const type = record.Type;
  if (type === undefined) {
    const hint =
      "envelope" in record
        ? ' (this looks like a test fixture: render its "envelope" object)'
        : "Records" in record
          ? " (this looks like a Lambda event: render Records[0].Sns)"
          : "";
    throw new ChatbotError(ErrorCode.NotSnsMessage, `not an SNS message: no "Type" field${hint}`);
  }
  if (typeof type === "string" && NON_RENDERING_TYPES.has(type)) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `this is an SNS ${type}; only Notification messages render (subscriptions are confirmed by the server)`,
    );
  }
  if (type !== "Notification") {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `not an SNS message: unknown Type ${JSON.stringify(type)}`,
    );
  }
  const parsed = notificationSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new ChatbotError(ErrorCode.NotSnsMessage, `not a valid SNS Notification: ${problems}`);
  }
  const { Subject, MessageAttributes, ...rest } = parsed.data;
  return {
    ...rest,
    ...(typeof Subject === "string" ? { Subject } : {}),
    ...(MessageAttributes === undefined ? {} : { MessageAttributes }),
  };
}

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    // A closed pipe (`| head`) is not an error worth a stack trace.
    stream.write(text, () => resolve());
  });
}
