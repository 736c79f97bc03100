/**
 * `--filter KEY=VALUE` of `chatbot webhooks add` and `chatbot webhooks update ID --filter …`: a
 * webhook room's filters, in the slash grammar's words (configurations/filter-grammar.ts). Each
 * option is one criterion; together they replace the room's filter (`--filter none` removes it).
 * Changes are audited (user: none, the operator) and reach a running server within a second.
 */
import { parseArgs } from "node:util";
import { ChannelFilters } from "../configurations/channel-filters";
import { parseFilterAssignments } from "../configurations/filter-grammar";
import { type ChannelFilter, describeFilter } from "../configurations/filters";
import type { DbClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { withCliContext } from "./configurations";
import { type CliIo, EXIT_OK } from "./io";

export const FILTER_USAGE = `--filter KEY=VALUE (repeatable; together they replace the room's filter, none removes it):
  severity=critical|high|medium|low|info[,strict]   services=ID[,ID…]   exclude-services=ID[,ID…]
  states=STATE[,STATE…]   exclude-states=STATE[,…]   accounts=ACCOUNT-ID[,…]   regions=REGION[,…]
  match=TEXT   exclude=TEXT   (TEXT: a substring, any case, or /regex/)`;

/** The filter the options describe, or undefined when there were none; throws on a bad one. */
export function filterFromOptions(values: string[] | undefined): ChannelFilter | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const parsed = parseFilterAssignments(values);
  if (!parsed.ok) throw new FilterOptionError(parsed.problem);
  return parsed.filter;
}

export class FilterOptionError extends Error {}

/** Sets a webhook room's filter; throws NotFound for an id that is no webhook configuration. */
export async function setWebhookFilter(prisma: DbClient, id: string, filter: ChannelFilter) {
  const configuration = await prisma.channelConfiguration.findFirst({ where: { id, kind: "webhook" } });
  if (configuration === null)
    throw new ChatbotError(ErrorCode.NotFound, `no webhook configuration with id ${id}`);
  return new ChannelFilters({ prisma }).replace(null, configuration, filter);
}

/** `chatbot webhooks update ID --filter …`. */
export async function updateWebhook(
  args: string[],
  io: CliIo,
  usageError: (message: string) => number,
): Promise<number> {
  let id: string;
  let filter: ChannelFilter | undefined;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { filter: { type: "string", multiple: true } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new FilterOptionError("update takes exactly one configuration ID");
    id = positionals[0];
    filter = filterFromOptions(values.filter);
    if (filter === undefined) throw new FilterOptionError("update needs at least one --filter");
  } catch (error) {
    return usageError((error as Error).message);
  }
  const wanted = filter;
  return withCliContext("webhooks update", io, async (context) => {
    const change = await setWebhookFilter(context.db.prisma, id, wanted);
    const verb = change.changed ? "updated" : "unchanged:";
    io.stdout.write(`${verb} webhook configuration ${id}\n  filters: ${describeFilter(change.filter)}\n`);
    return EXIT_OK;
  });
}
