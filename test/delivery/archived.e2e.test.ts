/**
 * Archived channels lose nothing: once a post meets `is_archived`, the configuration is disabled,
 * and what SNS sends meanwhile is still answered 200 and stored, held (as for a private channel
 * awaiting its invite). A signed `channel_unarchive` / `group_unarchive` event revives the
 * configuration and everything flows, in order. On SQLite and PostgreSQL.
 */
import { describeEachDatabase } from "../support/databases";
import { TEST_SIGNING_SECRET } from "../support/server";
import { channelUnarchiveEvent, groupUnarchiveEvent } from "../support/slack-payloads";
import { postEvent } from "../support/slack-signing";
import { type Harness, startHarness } from "./harness";
import { eventually, topicArn, type WorldChannel } from "./world";

function postedTexts(h: Harness, channelId: string): string[] {
  return h.slack
    .calls("chat.postMessage")
    .filter((call) => call.args.channel === channelId && call.outcome === "ok")
    .map((call) => String(call.args.text))
    .filter((text) => text.startsWith("archived "));
}

describeEachDatabase("archived channels", (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.stop();
  });

  const stateOf = async (channel: WorldChannel) =>
    (await h.prisma.channelConfiguration.findUniqueOrThrow({ where: { id: channel.configurationId } })).state;

  /** The channel is archived in Slack; the first post finds out and disables the configuration. */
  async function archive(channel: WorldChannel, topic: string): Promise<void> {
    h.slack.updateChannel(channel.channelId, { isArchived: true });
    expect(await h.publish(topic, "archived 1")).toBe(200);
    await eventually("configuration disabled", async () => (await stateOf(channel)) === "disabled");
  }

  it.each([
    ["public", "channel_unarchive", false],
    ["private", "group_unarchive", true],
  ] as const)(
    "a %s channel: held while archived, all delivered in order after %s",
    async (_label, _event, isPrivate) => {
      const topic = topicArn(`archived-${isPrivate ? "private" : "public"}`);
      const channel = await h.channel({ topicArns: [topic], isPrivate });
      await archive(channel, topic);

      // What SNS sends while the channel is archived is accepted and stored, held (it was 403, dropped).
      for (const text of ["archived 2", "archived 3", "archived 4"])
        expect(await h.publish(topic, text)).toBe(200);
      expect(
        await h.prisma.delivery.count({
          where: { configurationId: channel.configurationId, status: "held" },
        }),
      ).toBe(4);
      expect(postedTexts(h, channel.channelId)).toEqual([]);

      h.slack.updateChannel(channel.channelId, { isArchived: false });
      const event = isPrivate
        ? groupUnarchiveEvent({ channel: channel.channelId })
        : channelUnarchiveEvent({ channel: channel.channelId });
      expect((await postEvent(h.app.url, TEST_SIGNING_SECRET, event)).status).toBe(200);

      await eventually("all delivered", () => postedTexts(h, channel.channelId).length === 4);
      expect(postedTexts(h, channel.channelId)).toEqual([
        "archived 1",
        "archived 2",
        "archived 3",
        "archived 4",
      ]);
      expect(await stateOf(channel)).toBe("active");
      await eventually(
        "all recorded as posted",
        async () => (await h.prisma.delivery.count({ where: { status: { not: "posted" } } })) === 0,
      );
      expect(
        (await h.prisma.auditEvent.findMany()).some((entry) =>
          /the channel was unarchived, 4 held/.test(entry.detail ?? ""),
        ),
      ).toBe(true);
    },
  );

  it("unarchiving revives only the configurations disabled for the archive", async () => {
    const topic = topicArn("archived-mixed");
    const archived = await h.channel({ topicArns: [topic] });
    const waiting = await h.channel({ topicArns: [topic], state: "awaiting_invite", isMember: false });
    await archive(archived, topic);
    h.slack.updateChannel(archived.channelId, { isArchived: false });

    // An unarchive elsewhere changes nothing; the waiting channel still needs its invite.
    await postEvent(h.app.url, TEST_SIGNING_SECRET, channelUnarchiveEvent({ channel: waiting.channelId }));
    await postEvent(h.app.url, TEST_SIGNING_SECRET, channelUnarchiveEvent({ channel: "C0NOTOURS01" }));
    expect(await stateOf(archived)).toBe("disabled");
    expect(await stateOf(waiting)).toBe("awaiting_invite");

    await postEvent(h.app.url, TEST_SIGNING_SECRET, channelUnarchiveEvent({ channel: archived.channelId }));
    await eventually("delivered", () => postedTexts(h, archived.channelId).length === 1);
    expect(await stateOf(waiting)).toBe("awaiting_invite");
  });
});
