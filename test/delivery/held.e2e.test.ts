/**
 * Permanent Slack errors end to end: the channel or workspace changes state (with its reason), its
 * deliveries are HELD — not dropped, not retried in a loop — and flow, in order, once it is usable
 * again: the bot invited (a signed member_joined_channel event, or releaseHeld called directly), or
 * the workspace reinstalled.
 */
import { describeEachDatabase } from "../support/databases";
import { TEST_SIGNING_SECRET } from "../support/server";
import { memberJoinedChannelEvent, SLACK_IDS } from "../support/slack-payloads";
import { postEvent } from "../support/slack-signing";
import { type Harness, startHarness } from "./harness";
import { eventually, topicArn, type WorldChannel } from "./world";

const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function postedTexts(h: Harness, channelId: string): Promise<string[]> {
  return h.slack
    .calls("chat.postMessage")
    .filter((call) => call.args.channel === channelId && call.outcome === "ok")
    .map((call) => String(call.args.text))
    .filter((text) => text.startsWith("held "));
}

describeEachDatabase("held deliveries", (kind) => {
  let h: Harness;

  afterEach(async () => {
    await h.stop();
  });

  /**
   * Two notifications for a channel Slack will not let the bot post to are held: a private channel
   * the bot was not invited to (Slack hides it: channel_not_found), or a `not_in_channel` answer.
   */
  async function notInChannel(
    error: "channel_not_found" | "not_in_channel",
  ): Promise<{ channel: WorldChannel }> {
    const topic = topicArn("private-alarms");
    const channel = await h.channel({
      topicArns: [topic],
      isPrivate: true,
      isMember: error === "not_in_channel",
    });
    if (error === "not_in_channel") h.slack.failNext("chat.postMessage", { error: "not_in_channel" });
    expect(await h.publish(topic, "held 1")).toBe(200);
    expect(await h.publish(topic, "held 2")).toBe(200);
    await eventually("configuration awaiting invite", async () => {
      const row = await h.prisma.channelConfiguration.findUniqueOrThrow({
        where: { id: channel.configurationId },
      });
      return row.state === "awaiting_invite";
    });
    await idle(1_000);
    // One attempt, then nothing: held, not retried in a loop.
    const attempts = h.slack
      .calls("chat.postMessage")
      .filter((call) => call.args.channel === channel.channelId);
    expect(attempts.map((call) => call.error)).toEqual([error]);
    const configuration = await h.prisma.channelConfiguration.findUniqueOrThrow({
      where: { id: channel.configurationId },
    });
    expect(configuration.stateReason).toContain(`(${error})`);
    expect(configuration.stateReason).toContain("/invite @AWS");
    // Both held: the second too, should its insert have committed just after the pause's hold (the
    // delivery sweep holds what was stored pending for a paused configuration).
    await eventually(
      "both deliveries held",
      async () => (await h.prisma.delivery.count({ where: { status: "held" } })) === 2,
    );
    expect(await h.prisma.delivery.count({ where: { status: "pending" } })).toBe(0);
    expect(h.app.logs()).toMatch(/configuration state changed; its deliveries are held/);
    // Notifications that arrive meanwhile wait too.
    expect(await h.publish(topic, "held 3")).toBe(200);
    const status = await h.app.server.delivery.statusOf(channel.configurationId);
    expect(status).toMatchObject({ held: 3, pending: 0, deadLetters: 0, lastError: error });
    return { channel };
  }

  it("private channel without the bot: held until it is invited (signed member_joined_channel), then delivered in order", async () => {
    h = await startHarness(kind);
    const { channel } = await notInChannel("channel_not_found");

    h.slack.updateChannel(channel.channelId, { isMember: true });
    const joined = await postEvent(
      h.app.url,
      TEST_SIGNING_SECRET,
      memberJoinedChannelEvent({ channel: channel.channelId, user: SLACK_IDS.botUserId, channel_type: "G" }),
    );
    expect(joined.status).toBe(200);

    await eventually(
      "held deliveries posted",
      async () => (await postedTexts(h, channel.channelId)).length === 3,
      10_000,
    );
    expect(await postedTexts(h, channel.channelId)).toEqual(["held 1", "held 2", "held 3"]);
    const configuration = await h.prisma.channelConfiguration.findUniqueOrThrow({
      where: { id: channel.configurationId },
    });
    expect(configuration).toMatchObject({ state: "active", stateReason: null });
    await eventually(
      "all recorded",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 3,
    );
  });

  it("not_in_channel: releaseHeld (the control the listeners call) reactivates the configuration and its deliveries flow", async () => {
    h = await startHarness(kind);
    const { channel } = await notInChannel("not_in_channel");

    expect(await h.app.server.delivery.releaseHeld(channel.configurationId)).toBe(3);
    await eventually(
      "held deliveries posted",
      async () => (await postedTexts(h, channel.channelId)).length === 3,
    );
    expect(await postedTexts(h, channel.channelId)).toEqual(["held 1", "held 2", "held 3"]);
    expect(await h.app.server.delivery.releaseHeld(channel.configurationId)).toBe(0);
    expect(h.app.logs()).toMatch(/configuration active again/);
  });

  it("is_archived: the configuration is disabled with its reason and nothing is retried", async () => {
    h = await startHarness(kind);
    const topic = topicArn("archived");
    const channel = await h.channel({ topicArns: [topic] });
    h.slack.updateChannel(channel.channelId, { isArchived: true });
    expect(await h.publish(topic, "held into the void")).toBe(200);
    await eventually("configuration disabled", async () => {
      const row = await h.prisma.channelConfiguration.findUniqueOrThrow({
        where: { id: channel.configurationId },
      });
      return row.state === "disabled";
    });
    await idle(800);
    expect(h.slack.calls("chat.postMessage").map((call) => call.error)).toEqual(["is_archived"]);
    const row = await h.prisma.channelConfiguration.findUniqueOrThrow({
      where: { id: channel.configurationId },
    });
    expect(row.stateReason).toMatch(/archived/);
    expect(await h.prisma.delivery.findFirstOrThrow()).toMatchObject({
      status: "held",
      lastError: "is_archived",
    });
    // Unarchived and the bot invited again: the configuration comes back and the delivery goes out.
    h.slack.updateChannel(channel.channelId, { isArchived: false });
    expect(await h.app.server.delivery.releaseHeld(channel.configurationId)).toBe(1);
    await eventually("posted", async () => (await postedTexts(h, channel.channelId)).length === 1);
  });

  it("token_revoked: the workspace is disabled, its deliveries held without calling Slack, and flow after a reinstall", async () => {
    h = await startHarness(kind, { mode: "oauth" });
    const topic = topicArn("revoked");
    const first = await h.channel({ topicArns: [topic] });
    const second = await h.channel({ topicArns: [topic] });
    h.slack.uninstall(h.workspace.teamId);

    expect(await h.publish(topic, "held a")).toBe(200);
    await eventually("installation disabled", async () => {
      const installation = await h.prisma.installation.findFirstOrThrow();
      return installation.disabledReason !== null;
    });
    expect((await h.prisma.installation.findFirstOrThrow()).disabledReason).toMatch(
      /token_revoked.*reinstall/,
    );
    await eventually(
      "both held",
      async () => (await h.prisma.delivery.count({ where: { status: "held" } })) === 2,
    );
    // Both channels may have been mid-post when Slack said so; after that, no more calls.
    const told = h.slack.calls("chat.postMessage").length;
    expect(told).toBeLessThanOrEqual(2);
    expect(await h.publish(topic, "held b")).toBe(200);
    // "held b" is stored pending (the configurations are active; only the workspace is disabled):
    // the worker holds it without calling Slack. Wait for that, then give it time to do more.
    await eventually(
      "held b held for both channels",
      async () => (await h.prisma.delivery.count({ where: { status: "held" } })) === 4,
    );
    await idle(1_500);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(told);
    expect(new Set(h.slack.calls("chat.postMessage").map((call) => call.error))).toEqual(
      new Set(["token_revoked"]),
    );
    expect(await h.prisma.delivery.count({ where: { status: "held" } })).toBe(4);
    expect(h.app.logs()).toMatch(/workspace disabled; its deliveries are held/);

    // Reinstalling stores a fresh token and clears disabledReason; the next sweep lets them go.
    await h.addWorkspace(h.workspace.teamId);
    await eventually(
      "delivered after reinstall",
      async () => (await h.prisma.delivery.count({ where: { status: "posted" } })) === 4,
      10_000,
    );
    for (const channel of [first, second]) {
      expect(await postedTexts(h, channel.channelId)).toEqual(["held a", "held b"]);
    }
  });
});
