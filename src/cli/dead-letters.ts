/**
 * `chatbot dead-letters list|replay [--configuration ID]`: the deliveries given up on, and putting
 * them back in the queue. A running server picks replayed ones up at its next poll; one that Slack
 * already has (a posted ts) is marked posted, never posted twice.
 */
import { type Environment, loadConfig } from "../config";
import { type Database, openDatabase } from "../db/database";
import { isChatbotError } from "../errors";
import {
  countDeadLetters,
  type DeadLetter,
  listDeadLetters,
  replayDeadLetters,
} from "../outbox/dead-letters";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

const USAGE = "usage: chatbot dead-letters list|replay [--configuration ID] [--limit N]\n";
const DEFAULT_LIMIT = 100;

interface Parsed {
  action: "list" | "replay";
  configurationId?: string;
  limit: number;
}

function parse(args: string[]): Parsed | string {
  const [action, ...rest] = args;
  if (action !== "list" && action !== "replay") {
    return action === undefined ? "say list or replay" : `unknown action "${action}": say list or replay`;
  }
  const parsed: Parsed = { action, limit: DEFAULT_LIMIT };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (flag === "--configuration" || flag === "--limit") {
      if (value === undefined || value.startsWith("--")) return `${flag} needs a value`;
      i++;
      if (flag === "--configuration") parsed.configurationId = value;
      else if (action === "replay")
        return "--limit is for list only: replay takes every dead letter in scope";
      else if (!/^[1-9]\d{0,5}$/.test(value)) return `--limit must be a whole number from 1, got "${value}"`;
      else parsed.limit = Number(value);
    } else {
      return `unexpected argument "${flag}"`;
    }
  }
  return parsed;
}

function cell(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ");
  return (flat.length > width ? `${flat.slice(0, width - 1)}…` : flat).padEnd(width);
}

function table(rows: DeadLetter[]): string {
  const header = ["DELIVERY", "CONFIGURATION", "CHANNEL", "ATTEMPTS", "LAST ERROR", "CREATED", "TOPIC"];
  const widths = [36, 24, 12, 8, 40, 24, 0];
  const line = (values: string[]) =>
    values
      .map((value, i) => (widths[i] === 0 ? value : cell(value, widths[i])))
      .join("  ")
      .trimEnd();
  return [
    line(header),
    ...rows.map((row) =>
      line([
        row.id,
        row.configurationName,
        row.channelId ?? "-",
        String(row.attempts),
        row.lastError ?? "-",
        row.createdAt.toISOString(),
        row.topicArn,
      ]),
    ),
  ].join("\n");
}

async function run(db: Database, parsed: Parsed, io: CliIo): Promise<number> {
  const prisma = db.prisma;
  if (parsed.configurationId !== undefined) {
    const exists = await prisma.channelConfiguration.count({ where: { id: parsed.configurationId } });
    if (exists === 0) {
      io.stderr.write(
        `chatbot dead-letters: no configuration with id "${parsed.configurationId}" (see chatbot configurations list)\n`,
      );
      return EXIT_USAGE;
    }
  }
  const filter = { configurationId: parsed.configurationId };
  if (parsed.action === "replay") {
    const result = await replayDeadLetters(prisma, filter);
    io.stdout.write(
      `re-queued ${result.requeued} dead letter(s)` +
        (result.alreadyPosted > 0
          ? `; ${result.alreadyPosted} already in Slack, marked posted (not posted again)`
          : "") +
        "\n",
    );
    return EXIT_OK;
  }
  const [rows, total] = await Promise.all([
    listDeadLetters(prisma, { ...filter, limit: parsed.limit }),
    countDeadLetters(prisma, filter),
  ]);
  if (total === 0) {
    io.stdout.write("no dead letters\n");
    return EXIT_OK;
  }
  io.stdout.write(`${table(rows)}\n`);
  io.stdout.write(
    `${total} dead letter(s)${total > rows.length ? ` (showing the oldest ${rows.length}; use --limit)` : ""}\n`,
  );
  return EXIT_OK;
}

export async function runDeadLetters(
  args: string[],
  io: CliIo,
  env: Environment = process.env,
): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    io.stderr.write(`chatbot dead-letters: ${parsed}\n${USAGE}`);
    return EXIT_USAGE;
  }
  let db: Database | undefined;
  try {
    db = await openDatabase(loadConfig(env).database);
    return await run(db, parsed, io);
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    io.stderr.write(`chatbot dead-letters: ${error.message}\n`);
    return EXIT_FAILURE;
  } finally {
    await db?.close();
  }
}
