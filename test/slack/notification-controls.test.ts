/**
 * The Acknowledge button and the Mute menu of a notification, called directly (as
 * bolt-ts-starter-template does) with small fakes of ack / respond / client, on a real database
 * holding one posted notification. Which message was clicked comes from Slack's channel and ts:
 * forged ones change nothing. Anyone acknowledges; mute needs a manager, or `mute permission
 * members` (then at most 4 h); guests never.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { Permissions } from "../../src/configurations/permissions";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { NoiseSnapshot } from "../../src/delivery/noise-snapshot";
import { NotificationActions } from "../../src/delivery/notification-actions";
import { NOTIFICATION_ACTIONS } from "../../src/delivery/notification-controls";
import type { Reply } from "../../src/slack/blocks/replies";
import {
  acknowledgeCallback,
  muteCallback,
  type NotificationControlDeps,
} from "../../src/slack/listeners/actions/notification-controls";
import { PersonCache } from "../../src/slack/listeners/slack-lookups";
import { alarmMessage, topicArn } from "../delivery/world";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { type FakeUser, fakeClient } from "../support/listener-fakes";
import { capturingLogger } from "../support/log-capture";
import { blockActionsPayload, buttonAction, SLACK_IDS } from "../support/slack-payloads";

const TEAM = SLACK_IDS.teamId;
const CHANNEL = SLACK_IDS.channelId;
const MEMBER = SLACK_IDS.userId;
const ADMIN = SLACK_IDS.adminUserId;
const GUEST = SLACK_IDS.guestUserId;
const POSTED_TS = "1772359200.000100";
const NOW = new Date("2026-03-01T10:42:00.000Z");
const HOUR = 3_600_000;

const people: Record<string, FakeUser> = {
  [ADMIN]: { is_admin: true },
  [MEMBER]: {},
  [GUEST]: { is_restricted: true },
};

describeEachDatabase("notification controls", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let deps: NotificationControlDeps;
  let configurationId: string;
  const { logger } = capturingLogger();

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: TEAM,
      channelId: CHANNEL,
      name: "alerts",
      channelPrivate: false,
    });
    configurationId = configuration.id;
    const message = await db.prisma.message.create({
      data: {
        id: randomUUID(),
        snsMessageId: randomUUID(),
        topicArn: topicArn("alarms"),
        body: alarmMessage({ name: "api-5xx", state: "ALARM", at: NOW }),
        snsTimestamp: NOW.toISOString(),
      },
    });
    await db.prisma.delivery.create({
      data: {
        id: randomUUID(),
        messageId: message.id,
        configurationId,
        status: "posted",
        postedTs: POSTED_TS,
      },
    });
    const noise = new NoiseSnapshot({ db, logger, now: () => NOW });
    await noise.start();
    deps = {
      command: "/aws",
      permissions: new Permissions(db.prisma, "/aws"),
      people: new PersonCache(),
      notifications: new NotificationActions({ db, noise, changed: () => noise.changed() }),
      logger,
      now: () => NOW,
    };
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  async function click(
    callback: typeof acknowledgeCallback | typeof muteCallback,
    userId: string,
    fields: { value?: string; channelId?: string; ts?: string; teamId?: string } = {},
  ): Promise<{ reply?: Reply; updates: Record<string, unknown>[] }> {
    const { client, calls } = fakeClient(people);
    const updates = () =>
      calls.filter((c) => c.method === "chat.update").map((c) => c.args as Record<string, unknown>);
    const action =
      callback === muteCallback
        ? {
            type: "static_select",
            action_id: NOTIFICATION_ACTIONS.mute,
            block_id: "notification_controls",
            action_ts: "1",
            selected_option: { text: { type: "plain_text", text: "x" }, value: fields.value ?? "alarm:1h" },
          }
        : buttonAction({ action_id: NOTIFICATION_ACTIONS.acknowledge, value: "ack" });
    const body = blockActionsPayload({
      actions: [action as ReturnType<typeof buttonAction>],
      channelId: fields.channelId ?? CHANNEL,
      messageTs: fields.ts ?? POSTED_TS,
      userId,
      teamId: fields.teamId,
    });
    const respond = jest.fn().mockResolvedValue(undefined);
    const ack = jest.fn().mockResolvedValue(undefined);
    const args = { ack, body, action, client, respond, context: { teamId: fields.teamId ?? TEAM } };
    await (callback(deps) as (a: unknown) => Promise<void>)(args);
    expect(ack).toHaveBeenCalledTimes(1);
    return { reply: respond.mock.calls[0]?.[0] as Reply | undefined, updates: updates() };
  }

  const mutes = () => db.prisma.mute.findMany({ orderBy: { createdAt: "asc" } });

  it("anyone acknowledges: the message shows each person once (chat.update), audited", async () => {
    const first = await click(acknowledgeCallback, MEMBER);
    expect(first.reply).toBeUndefined();
    expect(first.updates).toHaveLength(1);
    expect(first.updates[0]).toMatchObject({ channel: CHANNEL, ts: POSTED_TS });
    const firstText = JSON.stringify(first.updates[0].blocks);
    expect(firstText).toContain(`👀 Acknowledged by <@${MEMBER}> at <!date^`);
    expect(firstText).toContain("|10:42 UTC>");
    expect(firstText).toContain("api-5xx");

    const again = await click(acknowledgeCallback, MEMBER);
    expect(again.updates).toHaveLength(0);
    expect(again.reply?.text).toContain("already");

    const guest = await click(acknowledgeCallback, GUEST);
    const both = JSON.stringify(guest.updates[0].blocks);
    expect(both).toContain(`<@${MEMBER}>`);
    expect(both).toContain(`<@${GUEST}>`);
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "notification.acknowledged" } });
    expect(audit.map((a) => a.userId).sort()).toEqual([GUEST, MEMBER].sort());
  });

  it.each([
    ["another channel", { channelId: "C0OTHERCHN1" }],
    ["a message that is no notification", { ts: "1772359999.000200" }],
    ["another workspace", { teamId: SLACK_IDS.otherTeamId }],
  ])("a forged click on %s changes nothing", async (_what, fields) => {
    const acked = await click(acknowledgeCallback, ADMIN, fields);
    expect(acked.updates).toHaveLength(0);
    expect(acked.reply?.text).toContain("not a notification of AWS Chatbot in this channel");
    const muted = await click(muteCallback, ADMIN, fields);
    expect(muted.reply?.text).toContain("not a notification of AWS Chatbot in this channel");
    expect(await db.prisma.acknowledgement.count()).toBe(0);
    expect(await mutes()).toEqual([]);
  });

  it("a forged menu value changes nothing", async () => {
    for (const value of ["alarm:999h", "__proto__", "service:ok", ""]) {
      const { reply } = await click(muteCallback, ADMIN, { value });
      expect(reply?.text).toContain("not a choice of the Mute menu");
    }
    expect(await mutes()).toEqual([]);
  });

  it("a manager mutes for as long as chosen, or until OK; audited", async () => {
    const day = await click(muteCallback, ADMIN, { value: "alarm:24h" });
    expect(day.reply?.text).toContain("Muted alarm");
    const untilOk = await click(muteCallback, ADMIN, { value: "resource:ok" });
    expect(untilOk.reply?.text).toContain("until the resource is OK");
    const [alarm, resource] = await mutes();
    expect(alarm).toMatchObject({ configurationId, scope: "alarm", createdBy: ADMIN });
    expect(alarm.key).toContain("alarm:api-5xx");
    expect(alarm.endsAt?.getTime()).toBe(NOW.getTime() + 24 * HOUR);
    expect(resource).toMatchObject({ scope: "resource", endsAt: null });
    expect(await db.prisma.auditEvent.count({ where: { action: "mutes.set", userId: ADMIN } })).toBe(2);
  });

  it("members are refused unless the channel lets them, then capped at 4 h; guests never", async () => {
    const refused = await click(muteCallback, MEMBER, { value: "alarm:1h" });
    expect(refused.reply?.text).toContain("Only managers of AWS Chatbot can do that");
    expect(JSON.stringify(refused.reply)).toContain("/aws mute permission members");
    expect(await mutes()).toEqual([]);

    await db.prisma.channelConfiguration.update({
      where: { id: configurationId },
      data: { mutePermission: "members" },
    });
    const hour = await click(muteCallback, MEMBER, { value: "alarm:1h" });
    expect(hour.reply?.text).toContain("Muted alarm");
    const capped = await click(muteCallback, MEMBER, { value: "alarm:24h" });
    expect(capped.reply?.text).toContain("at most 4 h, so not 24 h");
    const okCapped = await click(muteCallback, MEMBER, { value: "alarm:ok" });
    expect(okCapped.reply?.text).toContain("at most 4 h, so not until it is OK");
    const guest = await click(muteCallback, GUEST, { value: "alarm:1h" });
    expect(guest.reply?.text).toContain("Guests cannot change AWS Chatbot");

    const ends = (await mutes()).map((m) => (m.endsAt?.getTime() ?? 0) - NOW.getTime());
    expect(ends).toEqual([1 * HOUR, 4 * HOUR, 4 * HOUR]);
  });
});
