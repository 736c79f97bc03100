/**
 * Which AWS accounts are linked to which Slack workspace (LinkedAccount rows): the record behind
 * TOPIC_ACCESS=linked. One query per function; deciding what a link allows is topic-access.ts's job.
 */
import type { DbClient } from "../db/database";

/** How an account came to be linked. */
export type LinkedVia = "operator" | "role_proof" | "migration";

export interface LinkedAccountRecord {
  teamId: string;
  accountId: string;
  linkedVia: LinkedVia;
  /** The Slack user whose role proved access; null for the operator and the migration. */
  linkedBy: string | null;
  /** "ROLE_ARN read TOPIC_ARN" for a role proof. */
  proof: string | null;
  linkedAt: Date;
}

export interface NewLink {
  teamId: string;
  accountId: string;
  linkedVia: LinkedVia;
  linkedBy?: string | null;
  proof?: string | null;
}

const UNIQUE_VIOLATION = "P2002";

function recordOf(row: {
  teamId: string;
  accountId: string;
  linkedVia: string;
  linkedBy: string | null;
  proof: string | null;
  linkedAt: Date;
}): LinkedAccountRecord {
  return { ...row, linkedVia: row.linkedVia as LinkedVia };
}

/** Links the account; an existing link is kept as it was (created: false). */
export async function linkAccount(
  prisma: DbClient,
  link: NewLink,
): Promise<{ created: boolean; record: LinkedAccountRecord }> {
  const where = { teamId_accountId: { teamId: link.teamId, accountId: link.accountId } };
  const existing = await prisma.linkedAccount.findUnique({ where });
  if (existing !== null) return { created: false, record: recordOf(existing) };
  try {
    const row = await prisma.linkedAccount.create({
      data: {
        teamId: link.teamId,
        accountId: link.accountId,
        linkedVia: link.linkedVia,
        linkedBy: link.linkedBy ?? null,
        proof: link.proof ?? null,
      },
    });
    return { created: true, record: recordOf(row) };
  } catch (error) {
    // Linked concurrently (two proofs, or the operator at the same time): the first one stands.
    if ((error as { code?: string } | null)?.code !== UNIQUE_VIOLATION) throw error;
    return { created: false, record: recordOf(await prisma.linkedAccount.findUniqueOrThrow({ where })) };
  }
}

/** Removes the link; false when there was none. */
export async function unlinkAccount(prisma: DbClient, teamId: string, accountId: string): Promise<boolean> {
  const { count } = await prisma.linkedAccount.deleteMany({ where: { teamId, accountId } });
  return count > 0;
}

export async function listLinkedAccounts(
  prisma: DbClient,
  filter: { teamId?: string } = {},
): Promise<LinkedAccountRecord[]> {
  const rows = await prisma.linkedAccount.findMany({
    where: filter.teamId === undefined ? {} : { teamId: filter.teamId },
    orderBy: [{ teamId: "asc" }, { accountId: "asc" }],
  });
  return rows.map(recordOf);
}

/** Those of `accountIds` that are linked to the workspace. */
export async function linkedAccountIds(
  prisma: DbClient,
  teamId: string,
  accountIds: readonly string[],
): Promise<Set<string>> {
  if (accountIds.length === 0) return new Set();
  const rows = await prisma.linkedAccount.findMany({
    where: { teamId, accountId: { in: [...accountIds] } },
    select: { accountId: true },
  });
  return new Set(rows.map((row) => row.accountId));
}

export interface HeldTopic {
  teamId: string;
  configurationId: string;
  configurationName: string;
  topicArn: string;
  accountId: string;
}

/**
 * Topics of workspace configurations whose AWS account is not linked to the workspace: under
 * TOPIC_ACCESS=linked they receive nothing (ingest holds them back) until the account is linked.
 */
export async function heldTopics(prisma: DbClient, filter: { teamId?: string } = {}): Promise<HeldTopic[]> {
  const rows = await prisma.configurationTopic.findMany({
    where: { configuration: { teamId: filter.teamId ?? { not: "cli" } } },
    select: { topicArn: true, configuration: { select: { id: true, name: true, teamId: true } } },
    orderBy: [{ configurationId: "asc" }, { topicArn: "asc" }],
  });
  const links = await prisma.linkedAccount.findMany({
    where: { teamId: { in: [...new Set(rows.map((row) => row.configuration.teamId))] } },
    select: { teamId: true, accountId: true },
  });
  const linked = new Set(links.map((link) => `${link.teamId}:${link.accountId}`));
  return rows
    .map((row) => ({
      teamId: row.configuration.teamId,
      configurationId: row.configuration.id,
      configurationName: row.configuration.name,
      topicArn: row.topicArn,
      accountId: row.topicArn.split(":")[4] ?? "",
    }))
    .filter((topic) => topic.teamId !== "cli" && !linked.has(`${topic.teamId}:${topic.accountId}`));
}
