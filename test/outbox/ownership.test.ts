/**
 * One owner for the outbox tables: every query on Message and Delivery lives in src/outbox/ (as a
 * job-queue library keeps all its SQL in one folder). This reads every other source file and names
 * the file and line of any Prisma call on `.message` / `.delivery` or raw SQL naming those tables.
 */
import fs from "node:fs";
import path from "node:path";

const SRC = path.resolve(__dirname, "..", "..", "src");
const OWNER = path.join(SRC, "outbox");
const GENERATED = path.join(SRC, "db", "generated");

const PRISMA_OPERATION =
  "findMany|findFirst|findFirstOrThrow|findUnique|findUniqueOrThrow|create|createMany|createManyAndReturn|" +
  "update|updateMany|updateManyAndReturn|upsert|delete|deleteMany|count|aggregate|groupBy";

/**
 * What counts as a query on the outbox tables, whatever the client is called (prisma, tx, db…) and
 * however the call is wrapped over lines.
 */
const OUTBOX_QUERY: readonly RegExp[] = [
  new RegExp(`\\.(?:message|delivery)\\s*\\.\\s*(?:${PRISMA_OPERATION})\\b`, "g"),
  /\b(?:from|join|into|update|table)\s+"(?:message|delivery)"/gi,
  /\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(?:Message|Delivery)\b/g,
];

/** Where `text` queries Message or Delivery: the line (from 1) each query starts on, once per line. */
function outboxQueries(text: string): Array<{ line: number; text: string }> {
  const lines = text.split("\n");
  const starts = new Set<number>();
  for (const pattern of OUTBOX_QUERY)
    for (const match of text.matchAll(pattern)) starts.add(text.slice(0, match.index).split("\n").length);
  return [...starts].sort((a, b) => a - b).map((line) => ({ line, text: (lines[line - 1] ?? "").trim() }));
}

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return full === GENERATED ? [] : sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function queriesUnder(files: string[]): string[] {
  return files.flatMap((file) =>
    outboxQueries(fs.readFileSync(file, "utf8")).map(
      (hit) => `${path.relative(path.dirname(SRC), file)}:${hit.line}: ${hit.text}`,
    ),
  );
}

describe("the outbox owns Message and Delivery", () => {
  it("no file outside src/outbox/ queries them", () => {
    const elsewhere = sourceFiles(SRC).filter((file) => !file.startsWith(`${OWNER}${path.sep}`));
    expect(elsewhere.length).toBeGreaterThan(100);
    expect(queriesUnder(elsewhere)).toEqual([]);
  });

  it("recognises the queries src/outbox/ is made of", () => {
    // The patterns must match the code as it is written, or the check above proves nothing.
    const owned = queriesUnder(sourceFiles(OWNER));
    for (const file of ["claim.ts", "leases.ts", "bulk-writes.ts", "enqueue.ts", "prune.ts", "inspect.ts"])
      expect(owned.some((hit) => hit.startsWith(`src/outbox/${file}:`))).toBe(true);
  });

  it("finds Prisma calls on any client and raw SQL on either table, not the words alone", () => {
    const hits = outboxQueries(
      [
        "await prisma.delivery.findMany({ where });",
        "tx.message.create({ data })",
        "this.deps.db.prisma.delivery",
        "  .updateMany({ where })",
        'UPDATE "Delivery" SET "status" = \'posted\'',
        'SELECT 1 FROM "Message" AS m',
        'insert into "delivery" ("id") values (?)',
        "DELETE FROM Message WHERE id = ?",
        // Not queries: an SNS field, a loaded row's property, prose.
        '["Message", envelope.Message],',
        "const received = entry.delivery.createdAt.getTime();",
        "// deliveries come back from delivery to Slack",
      ].join("\n"),
    );
    expect(hits.map((hit) => hit.line)).toEqual([1, 2, 3, 5, 6, 7, 8]);
  });
});
