/**
 * The managers list of a workspace: people made managers with `/aws managers add` (WorkspaceManager
 * rows). Workspace admins, owners and the installer are managers without a row; permissions.ts
 * decides. One query per function.
 */
import type { DbClient } from "../db/database";

export interface ListedManager {
  userId: string;
  addedBy: string;
  createdAt: Date;
}

/** At most this many people on a workspace's list: the list is shown in one Slack message. */
export const MAX_LISTED_MANAGERS = 100;

export async function listManagers(prisma: DbClient, teamId: string): Promise<ListedManager[]> {
  const rows = await prisma.workspaceManager.findMany({
    where: { teamId },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
    take: MAX_LISTED_MANAGERS,
  });
  return rows.map((row) => ({ userId: row.userId, addedBy: row.addedBy, createdAt: row.createdAt }));
}

export async function isListedManager(prisma: DbClient, teamId: string, userId: string): Promise<boolean> {
  const row = await prisma.workspaceManager.findUnique({ where: { teamId_userId: { teamId, userId } } });
  return row !== null;
}

export async function countManagers(prisma: DbClient, teamId: string): Promise<number> {
  return prisma.workspaceManager.count({ where: { teamId } });
}

/** Adds the user; false when they were already on the list. */
export async function addManager(
  prisma: DbClient,
  entry: { teamId: string; userId: string; addedBy: string },
): Promise<boolean> {
  try {
    await prisma.workspaceManager.create({ data: entry });
    return true;
  } catch (error) {
    // Already listed (perhaps by someone else a moment ago): nothing to change.
    if ((error as { code?: string } | null)?.code === "P2002") return false;
    throw error;
  }
}

/** Removes the user; false when they were not on the list. */
export async function removeManager(prisma: DbClient, teamId: string, userId: string): Promise<boolean> {
  const deleted = await prisma.workspaceManager.deleteMany({ where: { teamId, userId } });
  return deleted.count > 0;
}

/** The user who installed the app in the workspace (OAuth mode); null in single-workspace mode. */
export async function installerOf(
  prisma: DbClient,
  teamId: string,
  enterpriseId?: string,
): Promise<string | null> {
  const row = await prisma.installation.findFirst({
    where: {
      OR: [
        { installKey: `T:${teamId}` },
        ...(enterpriseId === undefined ? [] : [{ installKey: `E:${enterpriseId}` }]),
      ],
    },
    orderBy: { installKey: "desc" },
    select: { installerUserId: true },
  });
  return row?.installerUserId ?? null;
}
