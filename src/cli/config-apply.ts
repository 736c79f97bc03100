/**
 * `chatbot apply FILE [--dry-run] [--prune]`: validates a configuration file, prints the plan, and
 * (without --dry-run) applies it, one transaction per workspace (src/config-as-code/).
 * Exit codes: 0 applied or nothing to do, 2 invalid file, 3 plan refused, 1 other failure.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { referencedVariable } from "../config";
import { applyWorkspacePlan } from "../config-as-code/apply-plan";
import { readDeploymentState } from "../config-as-code/deployment-state";
import type { ConfigFile } from "../config-as-code/file-schema";
import {
  hasWrites,
  planWorkspace,
  type RoomWanted,
  refusals,
  renderPlan,
  type WorkspacePlan,
} from "../config-as-code/plan";
import { type FileProblem, formatProblems, type Path, readConfigFile } from "../config-as-code/read-file";
import { ExternalIds } from "../configurations/external-id";
import { OPERATOR_TEAM_ID } from "../configurations/topic-access";
import { parseWebhookUrl } from "../webhooks/webhook-url";
import { type CliContext, withCliContext } from "./configurations";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";
import { withSubscriptions } from "./webhooks";

/** The plan would give a workspace topics of AWS accounts not linked to it. */
export const EXIT_REFUSED = 3;

const USAGE = `usage: chatbot apply FILE [--dry-run] [--prune]

Validates FILE (a configuration file, see \`chatbot export\` and \`chatbot schema\`), prints what
would be created, changed and deleted, and applies it: one transaction per workspace.
  --dry-run  print the plan only
  --prune    delete what is in the database but not in the file (else it is left and listed)
Exit codes: 0 applied or nothing to do, 2 invalid file, 3 plan refused, 1 other failure.
`;

interface Arguments {
  file: string;
  dryRun: boolean;
  prune: boolean;
}

function parse(args: string[]): Arguments | string {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { "dry-run": { type: "boolean" }, prune: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) return "say which file to apply";
    return { file: positionals[0], dryRun: values["dry-run"] === true, prune: values.prune === true };
  } catch (error) {
    return (error as Error).message;
  }
}

/** Each webhook room's URL, from the environment variable or file it names; problems name the line. */
function resolveRooms(
  file: ConfigFile,
  fileDir: string,
  lineOf: (path: Path) => number,
  webhookUrlPattern: RegExp | undefined,
): { rooms: RoomWanted[][]; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const rooms = file.workspaces.map((workspace, w) =>
    workspace.webhook_rooms.flatMap((entry, r): RoomWanted[] => {
      const key = entry.url_from_env === undefined ? "url_file" : "url_from_env";
      const at: Path = ["workspaces", w, "webhook_rooms", r, key];
      const problem = (message: string) => {
        problems.push({ line: lineOf(at), field: `workspaces[${w}].webhook_rooms[${r}].${key}`, message });
        return [];
      };
      let url: string | undefined;
      if (entry.url_from_env !== undefined) {
        url = referencedVariable(entry.url_from_env);
        if (url === undefined) return problem(`the environment variable ${entry.url_from_env} is not set`);
      } else {
        try {
          url = fs.readFileSync(path.resolve(fileDir, entry.url_file ?? ""), "utf8").trim();
        } catch (error) {
          return problem(
            `cannot read ${entry.url_file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
          );
        }
      }
      try {
        parseWebhookUrl(url, { allowPattern: webhookUrlPattern, provider: entry.provider });
      } catch (error) {
        // The parser's message never repeats the URL's secret parts; say where it came from.
        return problem(`the URL it holds is not accepted: ${(error as Error).message.split("\n")[0]}`);
      }
      return [{ entry, url }];
    }),
  );
  return { rooms, problems };
}

async function notes(context: CliContext, file: ConfigFile, io: CliIo): Promise<void> {
  const wanted = file.settings?.topic_access;
  if (wanted !== undefined && wanted !== context.config.topicAccess)
    io.stderr.write(
      `note: the file says topic_access: ${wanted}; this deployment runs with TOPIC_ACCESS=${context.config.topicAccess} (settings come from the environment)\n`,
    );
  for (const { team_id } of file.workspaces) {
    if (team_id === OPERATOR_TEAM_ID) continue;
    const installed = await context.db.prisma.installation.count({
      where: { OR: [{ teamId: team_id }, { enterpriseId: team_id }] },
    });
    if (installed === 0 && context.config.slack.botToken === undefined)
      io.stderr.write(`note: no workspace ${team_id} has installed the app (yet)\n`);
  }
}

async function applyPlans(
  context: CliContext,
  plans: WorkspacePlan[],
  actor: string,
  io: CliIo,
): Promise<number> {
  const { config, db, secrets, logger } = context;
  return withSubscriptions(context, async (subscriptions) => {
    const deps = {
      prisma: db.prisma,
      secrets,
      externalIds: new ExternalIds(context.encryptionKey),
      subscriptions,
      logger,
      webhookUrlPattern: config.webhookUrlPattern,
    };
    for (const plan of plans.filter(hasWrites)) {
      try {
        const applied = await applyWorkspacePlan(deps, plan, actor);
        io.stdout.write(`applied workspace ${plan.teamId}\n`);
        for (const topic of applied.subscribed)
          io.stdout.write(
            `  topic ${topic.topicArn}: ${topic.status}${topic.statusReason === null ? "" : ` (${topic.statusReason})`}\n`,
          );
        for (const failure of applied.releaseFailures)
          io.stdout.write(`  topic ${failure.topicArn}: SNS unsubscribe failed (${failure.reason})\n`);
      } catch (error) {
        io.stderr.write(
          `chatbot apply: workspace ${plan.teamId} was not changed: ${(error as Error).message}\n`,
        );
        return EXIT_FAILURE;
      }
    }
    return EXIT_OK;
  });
}

export async function runApply(args: string[], io: CliIo): Promise<number> {
  const parsed = parse(args);
  if (typeof parsed === "string") {
    io.stderr.write(`chatbot apply: ${parsed}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  let text: string;
  try {
    text = fs.readFileSync(parsed.file, "utf8");
  } catch (error) {
    io.stderr.write(
      `chatbot apply: cannot read ${parsed.file}: ${(error as NodeJS.ErrnoException).code ?? "error"}\n`,
    );
    return EXIT_USAGE;
  }
  const read = readConfigFile(text);
  if (!read.ok) {
    io.stderr.write(
      `${formatProblems(parsed.file, read.problems)}\nchatbot apply: ${parsed.file} is not valid; nothing was changed\n`,
    );
    return EXIT_USAGE;
  }
  return withCliContext("apply", io, async (context) => {
    const { file } = read;
    const resolved = resolveRooms(
      file,
      path.dirname(path.resolve(parsed.file)),
      read.lineOf,
      context.config.webhookUrlPattern,
    );
    if (resolved.problems.length > 0) {
      io.stderr.write(
        `${formatProblems(parsed.file, resolved.problems)}\nchatbot apply: nothing was changed\n`,
      );
      return EXIT_USAGE;
    }
    await notes(context, file, io);
    const states = await readDeploymentState(
      context.db.prisma,
      context.secrets,
      file.workspaces.map((w) => w.team_id),
    );
    const plans = file.workspaces.map((wanted, w) =>
      planWorkspace({
        wanted,
        rooms: resolved.rooms[w],
        current: states.find((state) => state.team_id === wanted.team_id),
        prune: parsed.prune,
        policy: context.config.topicAccess,
      }),
    );
    io.stdout.write(renderPlan(plans));
    const refused = plans.flatMap(refusals);
    if (refused.length > 0) {
      for (const reason of refused)
        io.stderr.write(`chatbot apply: refused, nothing was changed: ${reason}\n`);
      return EXIT_REFUSED;
    }
    if (parsed.dryRun || !plans.some(hasWrites)) return EXIT_OK;
    return applyPlans(context, plans, `config file ${read.sha256.slice(0, 12)}`, io);
  });
}
