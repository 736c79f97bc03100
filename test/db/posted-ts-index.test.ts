/**
 * Migration 0011: a posted message's deliveries are found by (configuration, ts) through an index.
 * Every update of a thread parent asks who acknowledged it; without the index both databases scanned
 * every delivery for that (on SQLite, synchronously on the server's main thread: 1.25 ms a lookup at
 * 20,000 deliveries, growing with the table).
 */
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";

/** The lookup as Prisma writes it for `acknowledgement.findMany({ where: { delivery: {…} } })`. */
const ACKNOWLEDGED_AT = `
  SELECT a."deliveryId", a."userId" FROM "Acknowledgement" AS a
  LEFT JOIN "Delivery" AS d ON d."id" = a."deliveryId"
  WHERE d."configurationId" = 'c1' AND d."postedTs" = '1700000000.000100' AND d."id" IS NOT NULL
  ORDER BY a."createdAt" ASC, a."userId" ASC`;

describeEachDatabase("deliveries by posted ts", (kind) => {
  let opened: Awaited<ReturnType<typeof openMigratedTestDatabase>>;

  beforeEach(async () => {
    opened = await openMigratedTestDatabase(kind);
  });
  afterEach(() => opened.dispose());

  it("are looked up through Delivery_configurationId_postedTs_idx, not a scan", async () => {
    const prisma = opened.db.prisma;
    if (kind === "sqlite") {
      const plan = await prisma.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN ${ACKNOWLEDGED_AT}`,
      );
      const steps = plan.map((row) => row.detail);
      expect(steps).toContain(
        "SEARCH d USING INDEX Delivery_configurationId_postedTs_idx (configurationId=? AND postedTs=?)",
      );
      expect(steps.filter((step) => step.startsWith("SCAN"))).toEqual([]);
    } else {
      // With sequential scans ruled out, the planner picks the best index it has: the other
      // (configurationId, status) index would do, filtering postedTs row by row, if this one were missing.
      const plan = await prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe("SET LOCAL enable_seqscan = off");
        return tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(`EXPLAIN ${ACKNOWLEDGED_AT}`);
      });
      const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
      expect(text).toMatch(
        /Index (Only )?Scan using "?Delivery_configurationId_postedTs_idx"? on "?Delivery"?/,
      );
    }
  });
});
