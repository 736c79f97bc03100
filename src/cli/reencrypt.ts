/**
 * `chatbot reencrypt [--dry-run]`: the last step of an ENCRYPTION_KEY rotation. Every stored secret
 * (Slack installations, webhook URLs) that only a key of ENCRYPTION_KEY_PREVIOUS opens is sealed
 * again under ENCRYPTION_KEY. Safe beside a running server: each row is replaced only if it still
 * holds the value that was read (compare and set), so a token the server rotated meanwhile is kept.
 * Run it again until it reports nothing left; then ENCRYPTION_KEY_PREVIOUS can go.
 */
import { parseArgs } from "node:util";
import type { SecretBox } from "../db/secret-box";
import { isChatbotError } from "../errors";
import { webhookUrlContext } from "../webhooks/webhook-queries";
import { type CliContext, withCliContext } from "./configurations";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

const USAGE = `usage: chatbot reencrypt [--dry-run]

Re-seals every stored secret (Slack tokens, webhook URLs) under ENCRYPTION_KEY that is still sealed
with a key of ENCRYPTION_KEY_PREVIOUS. --dry-run only counts them. See README "Rotating ENCRYPTION_KEY".
`;

/** A sealed column: how to list its rows and replace one row's value only if it is unchanged. */
interface SealedColumn {
  label: string;
  rows(context: CliContext): Promise<{ id: string; sealed: string; secretContext: string }[]>;
  replace(context: CliContext, id: string, from: string, to: string): Promise<boolean>;
}

const SEALED_COLUMNS: SealedColumn[] = [
  {
    label: "Slack installations",
    rows: async ({ db }) =>
      (
        await db.prisma.installation.findMany({
          select: { id: true, installKey: true, dataEnc: true },
          orderBy: { id: "asc" },
        })
      ).map((row) => ({ id: row.id, sealed: row.dataEnc, secretContext: row.installKey })),
    replace: async ({ db }, id, from, to) =>
      (await db.prisma.installation.updateMany({ where: { id, dataEnc: from }, data: { dataEnc: to } }))
        .count === 1,
  },
  {
    label: "webhook URLs",
    rows: async ({ db }) =>
      (
        await db.prisma.channelConfiguration.findMany({
          where: { webhookUrlEnc: { not: null } },
          select: { id: true, webhookUrlEnc: true },
          orderBy: { id: "asc" },
        })
      ).map((row) => ({
        id: row.id,
        sealed: row.webhookUrlEnc ?? "",
        secretContext: webhookUrlContext(row.id),
      })),
    replace: async ({ db }, id, from, to) =>
      (
        await db.prisma.channelConfiguration.updateMany({
          where: { id, webhookUrlEnc: from },
          data: { webhookUrlEnc: to },
        })
      ).count === 1,
  },
];

interface ColumnReport {
  label: string;
  current: number;
  resealed: number;
  unreadable: string[];
}

async function reencryptColumn(
  context: CliContext,
  column: SealedColumn,
  secrets: SecretBox,
  dryRun: boolean,
): Promise<ColumnReport> {
  const report: ColumnReport = { label: column.label, current: 0, resealed: 0, unreadable: [] };
  for (const row of await column.rows(context)) {
    let resealed: string | undefined;
    try {
      resealed = secrets.resealed(row.sealed, row.secretContext);
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      report.unreadable.push(row.id);
      continue;
    }
    if (resealed === undefined) report.current += 1;
    // A row changed since it was read was just written under the current key: nothing to do.
    else if (dryRun || (await column.replace(context, row.id, row.sealed, resealed))) report.resealed += 1;
    else report.current += 1;
  }
  return report;
}

function describe(report: ColumnReport, dryRun: boolean): string {
  const verb = dryRun ? "to re-seal" : "re-sealed";
  const unreadable =
    report.unreadable.length === 0
      ? ""
      : `, ${report.unreadable.length} open with no key given (ids: ${report.unreadable.join(", ")})`;
  return `${report.label}: ${report.resealed} ${verb}, ${report.current} already under ENCRYPTION_KEY${unreadable}\n`;
}

export async function runReencrypt(args: string[], io: CliIo): Promise<number> {
  let dryRun: boolean;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) throw new Error(`unexpected argument ${JSON.stringify(positionals[0])}`);
    dryRun = values["dry-run"] ?? false;
  } catch (error) {
    io.stderr.write(`chatbot reencrypt: ${(error as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  return withCliContext("reencrypt", io, async (context) => {
    let unreadable = 0;
    for (const column of SEALED_COLUMNS) {
      const report = await reencryptColumn(context, column, context.secrets, dryRun);
      unreadable += report.unreadable.length;
      io.stdout.write(describe(report, dryRun));
    }
    if (unreadable > 0) {
      io.stderr.write(
        "chatbot reencrypt: some secrets open with neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS: add the key they were sealed with to ENCRYPTION_KEY_PREVIOUS, or reinstall those workspaces / re-add those webhooks\n",
      );
      return EXIT_FAILURE;
    }
    return EXIT_OK;
  });
}
