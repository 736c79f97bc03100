/**
 * The in-memory snapshot of mentions and mutes the delivery path reads (issue 13), on real
 * databases: what it answers, that mutes and mentions survive a restart (they are stored), that a
 * mute expires by the clock, that "until OK" ends with the OK, and — on PostgreSQL, where replicas
 * share the database — that a change made by another process counts within a second.
 */
import { ChannelMentions } from "../../src/configurations/channel-mentions";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { createMute, endMutes } from "../../src/configurations/mutes";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { NoiseSnapshot } from "../../src/delivery/noise-snapshot";
import { formatNotification, type Notification } from "../../src/notifications";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";
import { SLACK_IDS } from "../support/slack-payloads";
import { alarmMessage, eventually, topicArn } from "./world";

const T0 = new Date("2026-03-01T10:00:00.000Z");
const HOUR = 3_600_000;
const { logger } = capturingLogger();

function alarm(name: string, state: "ALARM" | "OK"): Notification {
  return formatNotification({
    Type: "Notification",
    MessageId: `${name}-${state}`,
    TopicArn: topicArn("alarms"),
    Message: alarmMessage({ name, state, at: T0 }),
    Timestamp: T0.toISOString(),
  });
}

async function setUp(kind: "sqlite" | "postgres") {
  const testDb = await createTestDatabase(kind);
  await migrateDatabase(testDb.database, logger);
  const db = await openDatabase(testDb.database);
  const configuration = await createSlackConfiguration(db.prisma, {
    teamId: SLACK_IDS.teamId,
    channelId: SLACK_IDS.channelId,
    name: "alerts",
  });
  return { testDb, db, configurationId: configuration.id };
}

describeEachDatabase("noise snapshot", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let configurationId: string;
  let now: Date;
  const snapshots: NoiseSnapshot[] = [];

  function snapshot(database: Database): NoiseSnapshot {
    const made = new NoiseSnapshot({ db: database, logger, now: () => now });
    snapshots.push(made);
    return made;
  }

  beforeEach(async () => {
    now = T0;
    ({ testDb, db, configurationId } = await setUp(kind));
  });
  afterEach(async () => {
    for (const made of snapshots.splice(0)) made.stop();
    await db.close();
    await testDb.drop();
  });

  it("mentions and mutes survive a restart; a mute expires by the clock", async () => {
    const first = snapshot(db);
    await first.start();
    const mentions = new ChannelMentions({ prisma: db.prisma, changed: () => first.changed() });
    const actor = { teamId: SLACK_IDS.teamId, userId: SLACK_IDS.adminUserId };
    await mentions.add(
      actor,
      SLACK_IDS.channelId,
      [{ target: "<!subteam^S0ONCALL1>", label: "@oncall" }],
      "high",
    );
    await mentions.add(actor, SLACK_IDS.channelId, [{ target: "<!here>", label: "@here" }], "critical");
    const high = alarm("api-5xx", "ALARM");
    await createMute(
      db.prisma,
      {
        configurationId,
        scope: "alarm",
        key: high.threadKey ?? "",
        label: "alarm api-5xx",
        endsAt: new Date(T0.getTime() + HOUR),
        createdBy: SLACK_IDS.adminUserId,
      },
      T0,
    );
    await first.changed();
    expect(first.mentionsFor(configurationId, { severity: high.severity })).toEqual(["<!subteam^S0ONCALL1>"]);
    expect(first.mentionsFor(configurationId, { severity: "critical" })).toEqual([
      "<!subteam^S0ONCALL1>",
      "<!here>",
    ]);
    expect(first.mentionsFor(configurationId, { severity: "medium" })).toEqual([]);
    expect(first.muteFor(configurationId, high)?.mute.label).toBe("alarm api-5xx");
    expect(first.muteFor(configurationId, alarm("db-latency", "ALARM"))).toBeUndefined();

    // A new process on the same database.
    first.stop();
    await db.close();
    db = await openDatabase(testDb.database);
    const restarted = snapshot(db);
    await restarted.start();
    expect(restarted.mentionsFor(configurationId, { severity: "critical" })).toHaveLength(2);
    now = new Date(T0.getTime() + HOUR - 1000);
    expect(restarted.muteFor(configurationId, high)).toBeDefined();
    now = new Date(T0.getTime() + HOUR);
    expect(restarted.muteFor(configurationId, high)).toBeUndefined();
  });

  it("a change told while a load runs is read by a later load, not the running one", async () => {
    const noise = snapshot(db);
    await noise.start();
    const running = noise.changed();
    await db.prisma.channelMention.create({
      data: { configurationId, target: "<!here>", label: "@here", minSeverity: "info" },
    });
    await noise.changed();
    expect(noise.mentionsFor(configurationId, { severity: "info" })).toEqual(["<!here>"]);
    await running;
  });

  it("a mute until OK matches the alarm until its OK, which ends it", async () => {
    const noise = snapshot(db);
    const firing = alarm("api-5xx", "ALARM");
    await createMute(
      db.prisma,
      {
        configurationId,
        scope: "alarm",
        key: firing.threadKey ?? "",
        label: "alarm",
        endsAt: null,
        createdBy: "U1",
      },
      T0,
    );
    await noise.start();
    expect(noise.muteFor(configurationId, firing)).toMatchObject({ resumes: false });
    const ok = noise.muteFor(configurationId, alarm("api-5xx", "OK"));
    expect(ok).toMatchObject({ resumes: true });
    if (ok !== undefined) await noise.resume(ok);
    expect(noise.muteFor(configurationId, firing)).toBeUndefined();
    expect(await db.prisma.mute.findFirst()).toMatchObject({ endedBy: "ok" });
  });
});

describeEachDatabase("noise snapshot across processes", (kind) => {
  it("a mute set or ended by another replica (or the apply CLI) counts without a restart (polled every 500 ms)", async () => {
    const { testDb, db, configurationId } = await setUp(kind);
    const other = await openDatabase(testDb.database);
    const here = new NoiseSnapshot({ db, logger, now: () => T0 });
    try {
      await here.start();
      const firing = alarm("api-5xx", "ALARM");
      await createMute(
        other.prisma,
        {
          configurationId,
          scope: "service",
          key: "cloudwatch",
          label: "service",
          endsAt: null,
          createdBy: "U1",
        },
        T0,
      );
      // No changed() here: only the fingerprint poll (every 500 ms) can tell this snapshot.
      await eventually(
        "the other replica's mute seen",
        () => here.muteFor(configurationId, firing) !== undefined,
      );
      await endMutes(other.prisma, configurationId, "all", "U1", T0);
      await eventually(
        "the other replica's unmute seen",
        () => here.muteFor(configurationId, firing) === undefined,
      );
    } finally {
      here.stop();
      await other.close();
      await db.close();
      await testDb.drop();
    }
  });
});
