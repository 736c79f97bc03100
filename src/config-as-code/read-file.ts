/**
 * Reading a configuration file: YAML (with line numbers kept), the zod schema, then what a schema
 * cannot say (duplicates, filter patterns). Every problem names the file,
 * the line and the field; all problems are reported at once, and nothing is read from the database.
 */
import { createHash } from "node:crypto";
import { isMap, isNode, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { type ChannelFilter, parseStoredFilter, serializeFilter } from "../configurations/filters";
import { type ConfigFile, configFileSchema } from "./file-schema";

/** Bigger than any real deployment's file; a bigger one is refused before parsing. */
export const FILE_MAX_BYTES = 5 * 1024 * 1024;

export interface FileProblem {
  line: number;
  /** Where in the file: "workspaces[0].channels[2].topics[1]". */
  field: string;
  message: string;
}

export type ReadResult =
  | {
      ok: true;
      file: ConfigFile;
      sha256: string;
      /** The line of a field, for problems found later (webhook URLs). */
      lineOf: (path: Path) => number;
    }
  | { ok: false; problems: FileProblem[] };

export type Path = readonly PropertyKey[];

export function fieldName(path: Path): string {
  let out = "";
  for (const key of path)
    out += typeof key === "number" ? `[${key}]` : `${out === "" ? "" : "."}${String(key)}`;
  return out === "" ? "(top level)" : out;
}

/** The 1-based line of the deepest node on `path` (a key's own line when `key` is given). */
function lineOf(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: Path,
  key?: string,
): number {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (!isNode(node)) continue;
    let target: Node = node;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find(
        (item) => isNode(item.key) && String((item.key as Node & { value?: unknown }).value) === key,
      );
      if (pair !== undefined && isNode(pair.key)) target = pair.key;
    }
    const offset = target.range?.[0];
    if (offset !== undefined) return counter.linePos(offset).line;
  }
  return 1;
}

function schemaProblems(
  issues: readonly z.core.$ZodIssue[],
  where: (path: Path, key?: string) => number,
): FileProblem[] {
  const problems: FileProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          line: where(issue.path, key),
          field: fieldName([...issue.path, key]),
          message: `unknown key "${key}"`,
        });
      }
      continue;
    }
    problems.push({ line: where(issue.path), field: fieldName(issue.path), message: issue.message });
  }
  return problems;
}

/** What the schema cannot say: one workspace, channel, name and mention target once; patterns. */
function crossChecks(file: ConfigFile, where: (path: Path) => number): FileProblem[] {
  const problems: FileProblem[] = [];
  const once = (seen: Map<string, number>, value: string, path: Path, what: string) => {
    const first = seen.get(value);
    if (first === undefined) seen.set(value, where(path));
    else
      problems.push({
        line: where(path),
        field: fieldName(path),
        message: `duplicate ${what} "${value}" (first on line ${first})`,
      });
  };
  // What the schema cannot say about a filter (its text patterns compile), said by the filter module.
  const filterProblem = (filter: ChannelFilter | undefined, path: Path) => {
    if (filter === undefined) return;
    const stored = parseStoredFilter(serializeFilter(filter));
    if (!stored.ok) problems.push({ line: where(path), field: fieldName(path), message: stored.problem });
  };
  const teams = new Map<string, number>();
  file.workspaces.forEach((workspace, w) => {
    const base = ["workspaces", w];
    once(teams, workspace.team_id, [...base, "team_id"], "workspace");
    const channels = new Map<string, number>();
    const names = new Map<string, number>();
    const lists = [
      ["managers", workspace.managers, "manager"],
      ["linked_accounts", workspace.linked_accounts, "account"],
    ] as const;
    for (const [key, values, what] of lists) {
      const seen = new Map<string, number>();
      values.forEach((value, i) => {
        once(seen, value, [...base, key, i], what);
      });
    }
    workspace.channels.forEach((channel, c) => {
      const at = [...base, "channels", c];
      once(channels, channel.channel_id, [...at, "channel_id"], "channel");
      once(names, channel.name.toLowerCase(), [...at, "name"], "configuration name");
      const topics = new Map<string, number>();
      channel.topics.forEach((arn, t) => {
        once(topics, arn, [...at, "topics", t], "topic");
      });
      filterProblem(channel.filters, [...at, "filters"]);
      const targets = new Map<string, number>();
      channel.mentions?.forEach((mention, m) => {
        once(targets, mention.target, [...at, "mentions", m, "target"], "mention");
      });
    });
    workspace.webhook_rooms.forEach((room, r) => {
      const at = [...base, "webhook_rooms", r];
      filterProblem(room.filters, [...at, "filters"]);
      once(names, room.name.toLowerCase(), [...at, "name"], "configuration name");
      const topics = new Map<string, number>();
      room.topics.forEach((arn, t) => {
        once(topics, arn, [...at, "topics", t], "topic");
      });
    });
  });
  return problems;
}

/** Parses and validates a file's text. */
export function readConfigFile(text: string): ReadResult {
  if (Buffer.byteLength(text, "utf8") > FILE_MAX_BYTES)
    return {
      ok: false,
      problems: [{ line: 1, field: "(file)", message: `larger than ${FILE_MAX_BYTES} bytes` }],
    };
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        line: counter.linePos(error.pos[0]).line,
        field: "(YAML)",
        message: error.message.split("\n")[0],
      })),
    };
  }
  const where = (path: Path, key?: string) => lineOf(doc, counter, path, key);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [{ line: 1, field: "(YAML)", message: (error as Error).message }] };
  }
  const parsed = configFileSchema.safeParse(data ?? {});
  if (!parsed.success) return { ok: false, problems: schemaProblems(parsed.error.issues, where) };
  const problems = crossChecks(parsed.data, where);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    file: parsed.data,
    sha256: createHash("sha256").update(text).digest("hex"),
    lineOf: (path) => where(path),
  };
}

export function formatProblems(fileName: string, problems: readonly FileProblem[]): string {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  return sorted.map((p) => `${fileName}:${p.line}: ${p.field}: ${p.message}`).join("\n");
}
