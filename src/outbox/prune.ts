/**
 * Retention's statements on the outbox (run by `retention/`, which fills in the placeholders per
 * provider and runs them in this order, after the alarm threads): posted deliveries, old dead
 * letters, digests no delivery refers to, then messages no delivery refers to.
 *
 * Each statement repeats its conditions outside the subquery: on PostgreSQL a row changed between
 * the subquery and the DELETE (a dead letter replayed, a thread used again) is re-checked and kept.
 */

/** One step of retention; `Table` is the `table` label of chatbot_retention_pruned_total. */
export interface PruneStepOf<Table extends string> {
  name: string;
  table: Table;
  /** Which horizon the cutoff is: RETENTION, or AUDIT_RETENTION (dead letters, audit log). */
  horizon: "retention" | "audit";
  /** `:cutoff` (a timestamp), `:limit` and `:lock` (row locks on PostgreSQL) are filled per provider. */
  template: string;
}

export type OutboxPruneStep = PruneStepOf<"delivery" | "digest" | "message">;

/** Rows of `table` older than the cutoff (by `time`) that no delivery refers to (by `column`). */
function unreferencedByDeliveries(table: "Digest" | "Message", time: string, column: string): string {
  const unreferenced = (row: string) =>
    `NOT EXISTS (SELECT 1 FROM "Delivery" AS d WHERE d."${column}" = ${row}."id")`;
  return `WITH batch AS MATERIALIZED (
        SELECT r."id" FROM "${table}" AS r
        WHERE r."${time}" < :cutoff AND ${unreferenced("r")}
        LIMIT :limit :lock)
      DELETE FROM "${table}" WHERE "id" IN (SELECT "id" FROM batch)
        AND "${time}" < :cutoff AND ${unreferenced(`"${table}"`)}`;
}

export const OUTBOX_PRUNE_STEPS: readonly OutboxPruneStep[] = [
  {
    // A live thread's parent stays: its next change re-renders the parent from this row.
    name: "posted deliveries",
    table: "delivery",
    horizon: "retention",
    template: `WITH batch AS MATERIALIZED (
        SELECT d."id" FROM "Delivery" AS d
        WHERE d."status" = 'posted' AND d."updatedAt" < :cutoff
          AND NOT EXISTS (SELECT 1 FROM "AlarmThread" AS t
            WHERE t."configurationId" = d."configurationId" AND t."parentTs" = d."postedTs")
        LIMIT :limit :lock)
      DELETE FROM "Delivery" WHERE "id" IN (SELECT "id" FROM batch)
        AND "status" = 'posted' AND "updatedAt" < :cutoff`,
  },
  {
    name: "dead letters",
    table: "delivery",
    horizon: "audit",
    template: `WITH batch AS MATERIALIZED (
        SELECT "id" FROM "Delivery" WHERE "status" = 'dead' AND "updatedAt" < :cutoff LIMIT :limit :lock)
      DELETE FROM "Delivery" WHERE "id" IN (SELECT "id" FROM batch)
        AND "status" = 'dead' AND "updatedAt" < :cutoff`,
  },
  {
    // Storm digests (issue 14) once none of their deliveries is left: the rest go with their lines.
    name: "digests emptied",
    table: "digest",
    horizon: "retention",
    template: unreferencedByDeliveries("Digest", "updatedAt", "digestId"),
  },
  {
    // Only once no delivery refers to it: pending, held and dead ones keep their message.
    name: "messages delivered",
    table: "message",
    horizon: "retention",
    template: unreferencedByDeliveries("Message", "receivedAt", "messageId"),
  },
];
