/**
 * `chatbot accounts link|unlink --team TEAM_ID --account ACCOUNT_ID` and `chatbot accounts list
 * [--json]`: which AWS accounts' SNS topics each Slack workspace may subscribe (TOPIC_ACCESS=linked).
 * The operator is trusted: linking needs no proof. Unlinking holds the workspace's topics of that
 * account (ingest stops fanning them out at once) without deleting its configurations; linking the
 * account again resumes them.
 */
import { parseArgs } from "node:util";
import { recordAudit } from "../configurations/audit-log";
import {
  heldTopics,
  type LinkedAccountRecord,
  linkAccount,
  listLinkedAccounts,
  unlinkAccount,
} from "../configurations/linked-accounts";
import { withCliContext } from "./configurations";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

const USAGE = `usage: chatbot accounts link --team TEAM_ID --account ACCOUNT_ID
       chatbot accounts unlink --team TEAM_ID --account ACCOUNT_ID
       chatbot accounts list [--json]

Links an AWS account to a Slack workspace, so the workspace may subscribe that account's SNS topics
(TOPIC_ACCESS=linked). TEAM_ID is the workspace's id (T…, as \`configurations list\` shows it);
ACCOUNT_ID the 12-digit AWS account id of the topics.
`;

/** A Slack workspace (T…) or Enterprise Grid org (E…) id. */
const TEAM_ID = /^[TE][A-Z0-9]{2,31}$/;
const ACCOUNT_ID = /^\d{12}$/;

type Parsed =
  | { action: "link" | "unlink"; teamId: string; accountId: string }
  | { action: "list"; json: boolean };

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

const OPTIONS = {
  team: { type: "string" },
  account: { type: "string" },
  json: { type: "boolean" },
} as const;

function readArgs(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

function parse(args: string[]): Parsed | string {
  let parsed: ReturnType<typeof readArgs>;
  try {
    parsed = readArgs(args);
  } catch (error) {
    return (error as Error).message;
  }
  const { positionals, values } = parsed;
  const action = positionals[0];
  if (positionals.length > 1) return `unexpected argument ${shown(positionals[1])}`;
  if (action === "list") {
    if (values.team !== undefined || values.account !== undefined) return "list takes only --json";
    return { action, json: values.json === true };
  }
  if (action !== "link" && action !== "unlink") {
    return action === undefined
      ? "say link, unlink or list"
      : `unknown action ${shown(action)}: say link, unlink or list`;
  }
  if (values.json !== undefined) return `--json is for list only`;
  const team = values.team?.trim();
  const account = values.account?.trim();
  if (team === undefined) return `${action} needs --team TEAM_ID (the Slack workspace id, e.g. T0123ABCD)`;
  if (account === undefined) return `${action} needs --account ACCOUNT_ID (12 digits, e.g. 123456789012)`;
  if (!TEAM_ID.test(team)) {
    return `--team ${shown(team)} is not a Slack workspace id: it starts with T (or E for an org) followed by capital letters and digits, e.g. T0123ABCD`;
  }
  if (!ACCOUNT_ID.test(account)) {
    return `--account ${shown(account)} is not an AWS account id: exactly 12 digits, e.g. 123456789012`;
  }
  return { action, teamId: team, accountId: account };
}

function table(records: LinkedAccountRecord[]): string {
  const header = ["TEAM", "ACCOUNT", "LINKED VIA", "BY", "LINKED AT", "PROOF"];
  const rows = records.map((r) => [
    r.teamId,
    r.accountId,
    r.linkedVia,
    r.linkedBy ?? "-",
    r.linkedAt.toISOString(),
    r.proof ?? "",
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

export async function runAccounts(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    io.stderr.write(`chatbot accounts: ${parsed}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  return withCliContext("accounts", io, async ({ db }) => {
    const prisma = db.prisma;
    if (parsed.action === "list") {
      const records = await listLinkedAccounts(prisma);
      if (parsed.json) io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
      else io.stdout.write(records.length === 0 ? "no linked accounts\n" : table(records));
      return EXIT_OK;
    }
    const { teamId, accountId } = parsed;
    if (parsed.action === "link") {
      const installed = await prisma.installation.count({
        where: { OR: [{ teamId }, { enterpriseId: teamId }] },
      });
      if (installed === 0)
        io.stderr.write(`chatbot accounts: note: no workspace ${teamId} has installed the app (yet)\n`);
      const { created, record } = await linkAccount(prisma, { teamId, accountId, linkedVia: "operator" });
      if (!created) {
        io.stdout.write(
          `AWS account ${accountId} was already linked to ${teamId} (${record.linkedVia}, ${record.linkedAt.toISOString()})\n`,
        );
        return EXIT_OK;
      }
      await recordAudit(prisma, {
        teamId,
        userId: null,
        action: "account.linked",
        detail: `the operator linked AWS account ${accountId}`,
      });
      io.stdout.write(`linked AWS account ${accountId} to ${teamId}: its topics may be subscribed there\n`);
      return EXIT_OK;
    }
    if (!(await unlinkAccount(prisma, teamId, accountId))) {
      io.stderr.write(
        `chatbot accounts: AWS account ${accountId} is not linked to ${teamId}; nothing changed\n`,
      );
      return EXIT_FAILURE;
    }
    const held = (await heldTopics(prisma, { teamId })).filter((topic) => topic.accountId === accountId);
    await recordAudit(prisma, {
      teamId,
      userId: null,
      action: "account.unlinked",
      detail: `the operator unlinked AWS account ${accountId}${held.length === 0 ? "" : `: ${held.length} subscribed topic(s) no longer delivered`}`,
    });
    io.stdout.write(`unlinked AWS account ${accountId} from ${teamId}\n`);
    for (const topic of held) {
      io.stdout.write(
        `  held (not delivered until linked again): ${topic.configurationName}  ${topic.topicArn}\n`,
      );
    }
    return EXIT_OK;
  });
}
