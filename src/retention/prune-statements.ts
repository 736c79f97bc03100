/**
 * The statements of retention, one per step, each deleting at most `limit` rows (one short
 * transaction; an index range scan on the time column of 0008_retention_indexes). Order matters:
 * threads first, so the parent deliveries of threads just pruned go in the same run; messages last,
 * once nothing refers to them. The outbox's steps (deliveries, digests, messages) are its own SQL,
 * in `outbox/prune.ts`.
 *
 * Each statement repeats its conditions outside the subquery: on PostgreSQL a row changed between
 * the subquery and the DELETE (a dead letter replayed, a thread used again) is re-checked and kept.
 */
import type { DatabaseKind } from "../config";
import { OUTBOX_PRUNE_STEPS, type PruneStepOf } from "../outbox/prune";

/** The `table` label of chatbot_retention_pruned_total. */
export type RetentionTable = "alarm_thread" | "delivery" | "digest" | "message" | "audit_event";

export const RETENTION_TABLES: readonly RetentionTable[] = [
  "alarm_thread",
  "delivery",
  "digest",
  "message",
  "audit_event",
];

export type PruneStep = PruneStepOf<RetentionTable>;

export const PRUNE_STEPS: readonly PruneStep[] = [
  {
    name: "alarm threads unused",
    table: "alarm_thread",
    horizon: "retention",
    template: `WITH batch AS MATERIALIZED (
        SELECT "configurationId", "threadKey" FROM "AlarmThread" WHERE "updatedAt" < :cutoff LIMIT :limit :lock)
      DELETE FROM "AlarmThread" WHERE ("configurationId", "threadKey") IN (SELECT * FROM batch)
        AND "updatedAt" < :cutoff`,
  },
  ...OUTBOX_PRUNE_STEPS,
  {
    name: "audit events",
    table: "audit_event",
    horizon: "audit",
    template: `WITH batch AS MATERIALIZED (
        SELECT "id" FROM "AuditEvent" WHERE "createdAt" < :cutoff LIMIT :limit :lock)
      DELETE FROM "AuditEvent" WHERE "id" IN (SELECT "id" FROM batch) AND "createdAt" < :cutoff`,
  },
];

/**
 * The step's SQL for one provider. PostgreSQL: `$1` the cutoff (ISO text cast to `timestamp`, UTC as
 * Prisma writes it), `$2` the limit, rows locked SKIP LOCKED so a batch never waits on the worker,
 * and the batch MATERIALIZED: a LIMIT … FOR UPDATE subquery inside `IN (…)` may be rescanned per
 * row, each rescan skipping the rows already deleted and locking the next ones, so one statement
 * deleted every old row instead of `limit` (measured: 1,200 for a limit of 500).
 * SQLite: named parameters `@cutoff` (text as Prisma stores a DateTime) and `@limit`.
 */
export function pruneSql(step: PruneStep, kind: DatabaseKind): string {
  const postgres = kind === "postgres";
  return step.template
    .replaceAll(":cutoff", postgres ? "$1::timestamp" : "@cutoff")
    .replaceAll(":limit", postgres ? "$2" : "@limit")
    .replaceAll(" :lock", postgres ? " FOR UPDATE SKIP LOCKED" : "");
}
