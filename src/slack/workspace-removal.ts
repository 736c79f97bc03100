/**
 * Removing a workspace: its installation (tokens), every configuration of it and its audit log,
 * then the SNS subscriptions no configuration wants any more. Used on `app_uninstalled` /
 * `tokens_revoked`, and by App Home's "Remove workspace configuration", which — as in AWS Chatbot —
 * is refused while any channel configuration exists, and is for workspace admins and owners and the
 * person who installed the app.
 */
import { recordAudit } from "../configurations/audit-log";
import { countWorkspaceConfigurations } from "../configurations/configuration-queries";
import { installerOf } from "../configurations/managers";
import { releaseTopics, type TopicSubscriber } from "../configurations/topic-changes";
import type { PrismaClient } from "../db/database";
import type { Logger } from "../logger";
import { installKeyOf } from "./installation-store";

export interface WorkspaceRef {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

export type RemovalCheck =
  | { allowed: true }
  | { allowed: false; reason: "not_permitted"; installerUserId: string | null }
  | { allowed: false; reason: "configurations_remain"; count: number };

export class WorkspaceRemoval {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    private readonly subscriptions: Pick<TopicSubscriber, "release">,
  ) {}

  /**
   * Whether `userId` may remove the workspace configuration now: the installer or an admin/owner
   * (asked only when needed), and no channel configuration left.
   */
  async checkRemoval(
    workspace: WorkspaceRef & { teamId: string },
    userId: string,
    isAdminOrOwner: () => Promise<boolean>,
  ): Promise<RemovalCheck> {
    // The workspace's own installation, or the org-wide one of its Enterprise Grid org.
    const installerUserId = await installerOf(this.prisma, workspace.teamId, workspace.enterpriseId);
    if (installerUserId !== userId && !(await isAdminOrOwner())) {
      return { allowed: false, reason: "not_permitted", installerUserId };
    }
    const count = await countWorkspaceConfigurations(this.prisma, workspace.teamId);
    if (count > 0) return { allowed: false, reason: "configurations_remain", count };
    return { allowed: true };
  }

  /**
   * Revokes the bot token (a failure stops everything), then deletes what the workspace left. An
   * org-wide installation serves every workspace of the org with one token: removing one workspace
   * keeps it (and the token) and deletes only that workspace's configurations.
   */
  async removeWorkspaceConfiguration(
    workspace: WorkspaceRef & { teamId: string },
    userId: string,
    revoke: () => Promise<void>,
  ): Promise<void> {
    if (workspace.isEnterpriseInstall) {
      await this.removeWorkspace(
        { teamId: workspace.teamId, isEnterpriseInstall: false },
        "removed from App Home; the org-wide installation stays",
        userId,
      );
      return;
    }
    await revoke();
    await this.removeWorkspace(workspace, "removed from App Home", userId);
  }

  async removeWorkspace(
    workspace: WorkspaceRef,
    reason: string,
    userId: string | null = null,
  ): Promise<void> {
    const installKey = installKeyOf(workspace);
    const teamIds = workspace.teamId ? [workspace.teamId] : [];
    const topics = await this.prisma.configurationTopic.findMany({
      where: { configuration: { teamId: { in: teamIds } } },
      select: { topicArn: true },
      distinct: ["topicArn"],
    });
    const [installations, configurations] = await this.prisma.$transaction([
      this.prisma.installation.deleteMany({ where: { installKey } }),
      this.prisma.channelConfiguration.deleteMany({ where: { teamId: { in: teamIds } } }),
      this.prisma.auditEvent.deleteMany({ where: { teamId: { in: teamIds } } }),
      // Its linked AWS accounts too: a workspace installed again is linked again (TOPIC_ACCESS).
      this.prisma.linkedAccount.deleteMany({ where: { teamId: { in: teamIds } } }),
    ]);
    const releaseFailures = await releaseTopics(
      this.subscriptions,
      topics.map((topic) => topic.topicArn),
      this.logger,
    );
    // What is left of the workspace: one line saying who removed it, when and why.
    if (workspace.teamId) {
      await recordAudit(this.prisma, {
        teamId: workspace.teamId,
        userId,
        action: "workspace.removed",
        detail: `removed the workspace configuration (${reason})`,
      });
    }
    this.logger.info(
      {
        installKey,
        reason,
        userId,
        installations: installations.count,
        configurations: configurations.count,
        topicsReleased: topics.length - releaseFailures.length,
      },
      "workspace removed",
    );
  }
}
