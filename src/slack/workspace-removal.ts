/**
 * Removing a workspace: its installation (tokens) and every configuration of it. Used on
 * `app_uninstalled` / `tokens_revoked`.
 */
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import { installKeyOf } from "./installation-store";

export interface WorkspaceRef {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

export class WorkspaceRemoval {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
  ) {}

  async removeWorkspace(workspace: WorkspaceRef, reason: string): Promise<void> {
    const installKey = installKeyOf(workspace);
    const teamIds = workspace.teamId ? [workspace.teamId] : [];
    const [installations, configurations] = await this.prisma.$transaction([
      this.prisma.installation.deleteMany({ where: { installKey } }),
      this.prisma.channelConfiguration.deleteMany({ where: { teamId: { in: teamIds } } }),
    ]);
    this.logger.info(
      { installKey, reason, installations: installations.count, configurations: configurations.count },
      "workspace removed",
    );
  }
}
