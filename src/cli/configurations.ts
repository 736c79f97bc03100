/**
 * `chatbot configurations list [--json]`: every configuration of the deployment — Slack channels and
 * incoming webhooks — with its topics and their SNS subscription state, role and state. Webhook URLs
 * are shown redacted (host and last 4 characters). Also home of `openCliContext`, what the
 * configuration commands share: the server's environment, the database, the secret box.
 */
import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../config";
import { type Database, openDatabase } from "../db/database";
import { resolveEncryptionKey } from "../db/encryption-key";
import { SecretBox } from "../db/secret-box";
import { isChatbotError } from "../errors";
import { createLogger, type Logger } from "../logger";
import { PROVIDER_LABELS } from "../webhooks/webhook-providers";
import { listWebhookConfigurations } from "../webhooks/webhook-queries";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

export interface CliContext {
  config: Config;
  db: Database;
  secrets: SecretBox;
  encryptionKey: Buffer;
  logger: Logger;
  close(): Promise<void>;
}

/** Loads the environment (as the server does) and opens the database; logs go to stderr. */
export async function openCliContext(io: CliIo): Promise<CliContext> {
  const config = loadConfig();
  const level = config.logLevel === "debug" || config.logLevel === "trace" ? config.logLevel : "error";
  const logger = createLogger({ level, destination: { write: (line: string) => io.stderr.write(line) } });
  const encryptionKey = resolveEncryptionKey(config, logger);
  const db = await openDatabase(config.database);
  return {
    config,
    db,
    secrets: new SecretBox(encryptionKey, config.previousEncryptionKeys),
    encryptionKey,
    logger,
    close: () => db.close(),
  };
}

/** Prisma's "table does not exist": the database was never migrated. */
export function missingTablesHint(error: unknown): string | undefined {
  const code = (error as { code?: string } | null)?.code;
  return code === "P2021"
    ? "the database has no tables yet: run `npx chatbot migrate` (or start the server) first"
    : undefined;
}

/** Runs `body` with an open context; maps ChatbotErrors and unmigrated databases to exit codes. */
export async function withCliContext(
  command: string,
  io: CliIo,
  body: (context: CliContext) => Promise<number>,
  usageCodes: readonly string[] = ["invalid_argument"],
): Promise<number> {
  let context: CliContext | undefined;
  try {
    context = await openCliContext(io);
    return await body(context);
  } catch (error) {
    const hint = missingTablesHint(error);
    if (hint !== undefined) {
      io.stderr.write(`chatbot ${command}: ${hint}\n`);
      return EXIT_FAILURE;
    }
    if (!isChatbotError(error)) throw error;
    io.stderr.write(`chatbot ${command}: ${error.message}\n`);
    return usageCodes.includes(error.code) ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    await context?.close();
  }
}

const USAGE = `usage: chatbot configurations list [--json]

Lists every configuration (Slack channels and incoming webhooks): id, kind, name, channel or
redacted webhook, topics with their SNS subscription state, IAM role and state.
`;

interface TopicLine {
  topicArn: string;
  status: string;
  statusReason: string | null;
}

export interface ConfigurationLine {
  id: string;
  kind: string;
  name: string;
  teamId: string;
  /** `#channel (C123)` for Slack, `<provider> <redacted URL> "Room/Webhook"` for webhooks. */
  target: string;
  iamRoleArn: string | null;
  state: string;
  stateReason: string | null;
  topics: TopicLine[];
}

async function allConfigurations(context: CliContext): Promise<ConfigurationLine[]> {
  const prisma = context.db.prisma;
  const slack = await prisma.channelConfiguration.findMany({
    where: { kind: { not: "webhook" } },
    orderBy: [{ teamId: "asc" }, { name: "asc" }, { id: "asc" }],
    include: { topics: { orderBy: { createdAt: "asc" }, select: { topicArn: true, topic: true } } },
  });
  const lines: ConfigurationLine[] = slack.map((row) => ({
    id: row.id,
    kind: row.kind,
    name: row.name,
    teamId: row.teamId,
    target: `#${row.channelName ?? row.channelId ?? "?"}${row.channelName !== null && row.channelId !== null ? ` (${row.channelId})` : ""}`,
    iamRoleArn: row.iamRoleArn,
    state: row.state,
    stateReason: row.stateReason,
    topics: row.topics.map((t) => ({
      topicArn: t.topicArn,
      status: t.topic.status,
      statusReason: t.topic.statusReason,
    })),
  }));
  for (const webhook of await listWebhookConfigurations(prisma, context.secrets)) {
    lines.push({
      id: webhook.id,
      kind: "webhook",
      name: webhook.name,
      teamId: webhook.teamId,
      target: `${PROVIDER_LABELS[webhook.provider]} ${webhook.redactedUrl} "${webhook.description}"`,
      iamRoleArn: webhook.iamRoleArn,
      state: webhook.state,
      stateReason: webhook.stateReason,
      topics: webhook.topics.map((t) => ({
        topicArn: t.topicArn,
        status: t.status,
        statusReason: t.statusReason,
      })),
    });
  }
  return lines;
}

/** The block one configuration prints as, shared with `webhooks list`. */
export function formatConfiguration(line: ConfigurationLine): string {
  const out = [
    `${line.id}  ${line.kind}  ${line.name}  [${line.state}${line.stateReason === null ? "" : `: ${line.stateReason}`}]`,
    `  ${line.kind === "webhook" ? "webhook" : "channel"}: ${line.target}`,
    `  team:    ${line.teamId}`,
    `  role:    ${line.iamRoleArn ?? "none"}`,
  ];
  if (line.topics.length === 0) out.push("  topics:  none");
  for (const topic of line.topics) {
    out.push(
      `  topic:   ${topic.topicArn}  ${topic.status}${topic.statusReason === null ? "" : ` (${topic.statusReason})`}`,
    );
  }
  return out.join("\n");
}

export async function runConfigurations(args: string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const parsed = parseArgs({
      args,
      options: { json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    json = parsed.values.json === true;
    if (parsed.positionals.length !== 1 || parsed.positionals[0] !== "list") {
      io.stderr.write(`chatbot configurations: expected "list"\n${USAGE}`);
      return EXIT_USAGE;
    }
  } catch (error) {
    io.stderr.write(`chatbot configurations: ${(error as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  return withCliContext("configurations", io, async (context) => {
    const lines = await allConfigurations(context);
    if (json) io.stdout.write(`${JSON.stringify(lines, null, 2)}\n`);
    else if (lines.length === 0) io.stdout.write("no configurations\n");
    else io.stdout.write(`${lines.map(formatConfiguration).join("\n\n")}\n`);
    return EXIT_OK;
  });
}
