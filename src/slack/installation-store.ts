/**
 * The @slack/oauth InstallationStore on Prisma. Org-wide (Enterprise Grid) installs are keyed by
 * enterprise id, all others by team id, as the SDK's own stores do. The whole Installation (every
 * token in it) is stored AES-256-GCM encrypted, bound to its key; only non-secret ids are columns.
 */
import { randomUUID } from "node:crypto";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { PrismaClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import { ChatbotError, ErrorCode } from "../errors";

export function installKeyOf(query: {
  isEnterpriseInstall?: boolean;
  enterpriseId?: string;
  teamId?: string;
}): string {
  if (query.isEnterpriseInstall && query.enterpriseId) return `E:${query.enterpriseId}`;
  if (query.teamId) return `T:${query.teamId}`;
  throw new ChatbotError(ErrorCode.InvalidArgument, "an installation needs a team id or an enterprise id");
}

export class PrismaInstallationStore implements InstallationStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly secrets: SecretBox,
  ) {}

  async storeInstallation<AuthVersion extends "v1" | "v2">(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const installKey = installKeyOf({
      isEnterpriseInstall,
      enterpriseId: installation.enterprise?.id,
      teamId: installation.team?.id,
    });
    const columns = {
      teamId: installation.team?.id ?? null,
      enterpriseId: installation.enterprise?.id ?? null,
      isEnterpriseInstall,
      botUserId: installation.bot?.userId ?? null,
      botId: installation.bot?.id ?? null,
      installerUserId: installation.user.id,
      dataEnc: this.secrets.encrypt(JSON.stringify(installation), installKey),
      botTokenExpiresAt: installation.bot?.expiresAt ? new Date(installation.bot.expiresAt * 1000) : null,
      disabledReason: null,
    };
    await this.prisma.installation.upsert({
      where: { installKey },
      create: { id: randomUUID(), installKey, ...columns },
      update: columns,
    });
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<"v1" | "v2", boolean>> {
    const row = await this.findRow(query);
    if (row === null) {
      throw new ChatbotError(
        ErrorCode.InstallationNotFound,
        `no installation for ${query.isEnterpriseInstall ? `enterprise ${query.enterpriseId}` : `team ${query.teamId}`}`,
      );
    }
    return JSON.parse(this.secrets.decrypt(row.dataEnc, row.installKey)) as Installation<
      "v1" | "v2",
      boolean
    >;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.prisma.installation.deleteMany({ where: { installKey: installKeyOf(query) } });
  }

  /** A team of an org with an org-wide install is served by the enterprise's installation. */
  private async findRow(query: InstallationQuery<boolean>) {
    const row = await this.prisma.installation.findUnique({ where: { installKey: installKeyOf(query) } });
    if (row !== null || query.isEnterpriseInstall || !query.enterpriseId) return row;
    return this.prisma.installation.findUnique({ where: { installKey: `E:${query.enterpriseId}` } });
  }
}
