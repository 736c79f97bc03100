import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { FILE_MANAGED_REFUSAL } from "../../src/configurations/file-managed";
import { MuteChanges } from "../../src/configurations/mute-changes";
import type { Database } from "../../src/db/database";
import { ErrorCode } from "../../src/errors";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";

const ALICE = { teamId: "T0MUTES", userId: "U0ALICE" };

/** `/aws mute permission members|managers` (MuteChanges.setPermission) against a real database. */
describeEachDatabase("mute permission", (kind) => {
  let opened: Awaited<ReturnType<typeof openMigratedTestDatabase>>;
  let db: Database;
  let noiseReloads: number;
  let mutes: MuteChanges;

  beforeEach(async () => {
    opened = await openMigratedTestDatabase(kind);
    db = opened.db;
    noiseReloads = 0;
    mutes = new MuteChanges({
      prisma: db.prisma,
      changed: async () => {
        noiseReloads += 1;
      },
      now: () => new Date("2026-12-03T12:00:00Z"),
    });
    await createSlackConfiguration(db.prisma, {
      teamId: ALICE.teamId,
      channelId: "C0ALERTS",
      channelName: "alerts",
      channelPrivate: false,
      name: "alerts",
    });
  });

  afterEach(() => opened.dispose());

  const audit = () =>
    db.prisma.auditEvent.findMany({
      where: { action: "mutes.permission" },
      select: { userId: true, detail: true, visibleToAll: true },
    });

  it("starts at managers, and sets members and back, each change audited once", async () => {
    expect((await mutes.list(ALICE, "C0ALERTS"))?.permission).toBe("managers");
    expect((await mutes.setPermission(ALICE, "C0ALERTS", "members"))?.permission).toBe("members");
    expect((await mutes.setPermission(ALICE, "C0ALERTS", "members"))?.permission).toBe("members");
    expect(await audit()).toEqual([
      { userId: "U0ALICE", detail: "alerts: members may mute for up to 4 h", visibleToAll: true },
    ]);
    expect((await mutes.setPermission(ALICE, "C0ALERTS", "managers"))?.permission).toBe("managers");
    expect((await audit()).map((entry) => entry.detail).sort()).toEqual([
      "alerts: members may mute for up to 4 h",
      "alerts: only managers may mute",
    ]);
  });

  it("is refused in a channel the configuration file manages, unless the file allows Slack changes", async () => {
    await db.prisma.channelConfiguration.updateMany({
      where: { channelId: "C0ALERTS" },
      data: { managedBy: "file", allowSlackChanges: false },
    });
    await expect(mutes.setPermission(ALICE, "C0ALERTS", "members")).rejects.toMatchObject({
      code: ErrorCode.Forbidden,
      message: FILE_MANAGED_REFUSAL,
    });
    expect((await mutes.list(ALICE, "C0ALERTS"))?.permission).toBe("managers");
    expect(await audit()).toEqual([]);

    await db.prisma.channelConfiguration.updateMany({
      where: { channelId: "C0ALERTS" },
      data: { allowSlackChanges: true },
    });
    expect((await mutes.setPermission(ALICE, "C0ALERTS", "members"))?.permission).toBe("members");
  });

  it("finds no configuration in a channel without one, or of another workspace: nothing changes", async () => {
    expect(await mutes.setPermission(ALICE, "C0ELSEWHERE", "members")).toBeNull();
    expect(await mutes.setPermission({ ...ALICE, teamId: "T0OTHER" }, "C0ALERTS", "members")).toBeNull();
    const row = await db.prisma.channelConfiguration.findFirstOrThrow({ where: { channelId: "C0ALERTS" } });
    expect(row.mutePermission).toBe("managers");
    expect(await audit()).toEqual([]);
    expect(noiseReloads).toBe(0);
  });
});
