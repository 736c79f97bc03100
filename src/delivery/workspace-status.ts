/**
 * Which workspaces the worker must not post to: Slack said the token is no good (invalid_auth,
 * token_revoked, account_inactive…) or there is no installation. Deliveries for them are HELD
 * without calling Slack, so they never spin; they flow again once the workspace is usable: a
 * reinstall clears Installation.disabledReason (installation-store.ts), the next refresh sees it
 * and the worker releases the held deliveries of its active configurations.
 *
 * In single-workspace mode (SLACK_BOT_TOKEN) there is no Installation row: the state lives in
 * memory until the operator fixes the token and restarts.
 */
import type { PrismaClient } from "../db/database";

export interface WorkspaceRef {
  teamId: string;
  enterpriseId: string | null;
}

export type TokenMode = "single" | "oauth";

export class WorkspaceStatus {
  #disabledTeams = new Map<string, string>();
  #disabledEnterprises = new Map<string, string>();
  #installedTeams = new Set<string>();
  #installedEnterprises = new Set<string>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly mode: TokenMode,
  ) {}

  /** The reason the workspace is disabled, or undefined when it may be posted to. */
  disabledReason(ref: WorkspaceRef): string | undefined {
    const team = this.#disabledTeams.get(ref.teamId);
    if (team !== undefined) return team;
    if (ref.enterpriseId === null || this.#installedTeams.has(ref.teamId)) return undefined;
    return this.#disabledEnterprises.get(ref.enterpriseId);
  }

  /** Records the reason on the installation that serves the workspace (team install, else org-wide). */
  async disable(ref: WorkspaceRef, reason: string): Promise<void> {
    this.#disabledTeams.set(ref.teamId, reason);
    if (this.mode === "single") return;
    const team = await this.prisma.installation.updateMany({
      where: { installKey: `T:${ref.teamId}` },
      data: { disabledReason: reason },
    });
    if (team.count === 0 && ref.enterpriseId !== null) {
      await this.prisma.installation.updateMany({
        where: { installKey: `E:${ref.enterpriseId}` },
        data: { disabledReason: reason },
      });
    }
  }

  /** Whether held deliveries of this workspace may be released: installed and not disabled. */
  usable(ref: WorkspaceRef): boolean {
    if (this.disabledReason(ref) !== undefined) return false;
    if (this.mode === "single") return true;
    return (
      this.#installedTeams.has(ref.teamId) ||
      (ref.enterpriseId !== null && this.#installedEnterprises.has(ref.enterpriseId))
    );
  }

  /** Reloads the installations (OAuth mode): a reinstall clears disabledReason in the database. */
  async refresh(): Promise<void> {
    if (this.mode === "single") return;
    const rows = await this.prisma.installation.findMany({
      select: { teamId: true, enterpriseId: true, isEnterpriseInstall: true, disabledReason: true },
    });
    const disabledTeams = new Map<string, string>();
    const disabledEnterprises = new Map<string, string>();
    const installedTeams = new Set<string>();
    const installedEnterprises = new Set<string>();
    for (const row of rows) {
      if (row.isEnterpriseInstall && row.enterpriseId !== null) {
        installedEnterprises.add(row.enterpriseId);
        if (row.disabledReason !== null) disabledEnterprises.set(row.enterpriseId, row.disabledReason);
      } else if (row.teamId !== null) {
        installedTeams.add(row.teamId);
        if (row.disabledReason !== null) disabledTeams.set(row.teamId, row.disabledReason);
      }
    }
    this.#disabledTeams = disabledTeams;
    this.#disabledEnterprises = disabledEnterprises;
    this.#installedTeams = installedTeams;
    this.#installedEnterprises = installedEnterprises;
  }
}
