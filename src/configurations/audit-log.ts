/**
 * The audit log: who changed what in a workspace's configuration, and when (AuditEvent rows).
 * Every change the configuration service makes is recorded here; App Home shows the latest.
 */
import { randomUUID } from "node:crypto";
import type { DbClient } from "../db/database";

export type AuditAction =
  | "configuration.created"
  | "configuration.updated"
  | "configuration.deleted"
  | "configuration.connected"
  | "topics.subscribed"
  | "topics.unsubscribed"
  | "role.set"
  | "role.cleared"
  | "test.sent"
  | "workspace.removed"
  | "managers.added"
  | "managers.removed"
  | "account.linked"
  | "account.unlinked"
  | "mentions.changed"
  | "mutes.set"
  | "mutes.ended"
  | "mutes.permission"
  | "notification.acknowledged";

export interface AuditEntry {
  teamId: string;
  /** The Slack user who made the change; null for changes the app made on its own. */
  userId: string | null;
  action: AuditAction;
  /** One line a person can read, e.g. "subscribed alerts (#C123) to arn:aws:sns:…". */
  detail: string;
  /**
   * Whether people who are not managers may see it (App Home's "Recent changes"). Say so only for
   * entries about a public channel; an entry naming an ARN is never shown to them whatever this says.
   */
  visibleToAll?: boolean;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  createdAt: Date;
}

const DETAIL_MAX = 1000;

/** Topic and role ARNs are for managers' eyes (issue 11: a topic ARN is what another workspace needs). */
const NAMES_AN_ARN = /\barn:/i;

export async function recordAudit(prisma: DbClient, entry: AuditEntry): Promise<void> {
  await prisma.auditEvent.create({
    data: {
      id: randomUUID(),
      teamId: entry.teamId,
      userId: entry.userId,
      action: entry.action,
      detail: entry.detail.length > DETAIL_MAX ? `${entry.detail.slice(0, DETAIL_MAX - 1)}…` : entry.detail,
      visibleToAll: entry.visibleToAll === true && !NAMES_AN_ARN.test(entry.detail),
    },
  });
}

/** The workspace's latest entries, newest first; for people who are not managers, only those they may see. */
export async function latestAudit(
  prisma: DbClient,
  teamId: string,
  limit = 10,
  audience: "managers" | "everyone" = "managers",
): Promise<AuditRecord[]> {
  const rows = await prisma.auditEvent.findMany({
    where: { teamId, ...(audience === "everyone" ? { visibleToAll: true } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
  });
  return rows.map((row) => ({
    id: row.id,
    teamId: row.teamId,
    userId: row.userId,
    action: row.action as AuditAction,
    detail: row.detail ?? "",
    visibleToAll: row.visibleToAll,
    createdAt: row.createdAt,
  }));
}
