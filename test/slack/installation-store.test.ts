import { randomBytes } from "node:crypto";
import type { Installation } from "@slack/oauth";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { SecretBox } from "../../src/db/secret-box";
import { ErrorCode } from "../../src/errors";
import { createLogger } from "../../src/logger";
import { PrismaInstallationStore } from "../../src/slack/installation-store";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

function teamInstallation(teamId: string, botToken: string): Installation<"v2", false> {
  return {
    team: { id: teamId, name: "Example" },
    enterprise: undefined,
    user: { id: "U0INSTALLER", token: undefined, scopes: undefined },
    bot: {
      token: botToken,
      refreshToken: `xoxe-1-refresh-${teamId}`,
      expiresAt: Math.floor(Date.now() / 1000) + 43_200,
      scopes: ["chat:write", "commands"],
      id: "B0BOT",
      userId: "U0BOT",
    },
    appId: "A0APP",
    tokenType: "bot",
    isEnterpriseInstall: false,
    authVersion: "v2",
  };
}

function orgInstallation(enterpriseId: string): Installation<"v2", true> {
  return {
    team: undefined,
    enterprise: { id: enterpriseId, name: "Org" },
    user: { id: "W0ADMIN", token: undefined, scopes: undefined },
    bot: { token: "xoxb-org-token", scopes: ["chat:write"], id: "B0ORG", userId: "U0ORGBOT" },
    appId: "A0APP",
    tokenType: "bot",
    isEnterpriseInstall: true,
    authVersion: "v2",
  };
}

describeEachDatabase("PrismaInstallationStore", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let store: PrismaInstallationStore;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
    store = new PrismaInstallationStore(db.prisma, new SecretBox(randomBytes(32)));
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it("stores a workspace install encrypted and fetches it back", async () => {
    const installation = teamInstallation("T0STORE", "xoxb-store-secret-1");
    await store.storeInstallation(installation);
    const fetched = await store.fetchInstallation({
      teamId: "T0STORE",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(fetched).toEqual(installation);

    const row = await db.prisma.installation.findUniqueOrThrow({ where: { installKey: "T:T0STORE" } });
    expect(JSON.stringify(row)).not.toContain("xoxb-store-secret-1");
    expect(JSON.stringify(row)).not.toContain("xoxe-1-refresh");
    expect(row).toMatchObject({ teamId: "T0STORE", botUserId: "U0BOT", installerUserId: "U0INSTALLER" });
    expect(row.botTokenExpiresAt?.getTime()).toBe((installation.bot?.expiresAt ?? 0) * 1000);
  });

  it("stores rotated tokens over the old ones (one row per workspace)", async () => {
    await store.storeInstallation(teamInstallation("T0ROTATE", "xoxb-old"));
    await store.storeInstallation(teamInstallation("T0ROTATE", "xoxb-new"));
    const fetched = await store.fetchInstallation({
      teamId: "T0ROTATE",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(fetched.bot?.token).toBe("xoxb-new");
    expect(await db.prisma.installation.count({ where: { teamId: "T0ROTATE" } })).toBe(1);
  });

  it("keys org-wide installs by enterprise id and serves the org's teams from it", async () => {
    await store.storeInstallation(orgInstallation("E0ORG"));
    const org = await store.fetchInstallation({
      teamId: undefined,
      enterpriseId: "E0ORG",
      isEnterpriseInstall: true,
    });
    expect(org.bot?.token).toBe("xoxb-org-token");
    const team = await store.fetchInstallation({
      teamId: "T0INORG",
      enterpriseId: "E0ORG",
      isEnterpriseInstall: false,
    });
    expect(team.enterprise?.id).toBe("E0ORG");
  });

  it("throws InstallationNotFound for an unknown workspace", async () => {
    await expect(
      store.fetchInstallation({ teamId: "T0NONE", enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toMatchObject({ code: ErrorCode.InstallationNotFound });
  });

  it("deletes an installation", async () => {
    await store.storeInstallation(teamInstallation("T0DELETE", "xoxb-delete"));
    await store.deleteInstallation({
      teamId: "T0DELETE",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    await expect(
      store.fetchInstallation({ teamId: "T0DELETE", enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toMatchObject({ code: ErrorCode.InstallationNotFound });
  });

  it("cannot read installations with another key", async () => {
    await store.storeInstallation(teamInstallation("T0KEY", "xoxb-key"));
    const other = new PrismaInstallationStore(db.prisma, new SecretBox(randomBytes(32)));
    await expect(
      other.fetchInstallation({ teamId: "T0KEY", enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toMatchObject({ code: ErrorCode.EncryptionFailed });
  });
});
