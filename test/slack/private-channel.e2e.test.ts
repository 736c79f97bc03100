/**
 * Private channels the bot cannot see yet: the configuration waits for `/invite @AWS`, notifications
 * are held meanwhile, and the invite (member_joined_channel for the bot) connects the channel:
 * a "connected" message listing its topics, then the held notifications.
 */
import { describeEachDatabase } from "../support/databases";
import { memberJoinedChannelEvent, SLACK_IDS } from "../support/slack-payloads";
import { type SlackHarness, startSlackHarness, textOf, waitUntil } from "./slack-harness";

const PRIVATE = SLACK_IDS.privateChannelId;

describeEachDatabase("private channel invite flow", (kind) => {
  let h: SlackHarness;
  let topic: string;

  beforeEach(async () => {
    h = await startSlackHarness(kind);
    topic = h.sns.createTopic("arn:aws:sns:us-west-2:123456789012:deployments");
    h.slack.updateChannel(PRIVATE, { isMember: false });
  });
  afterEach(async () => {
    await h.stop();
  });

  const prisma = () => h.app.server.db.prisma;

  it("waits for /invite @AWS, holds notifications, then connects and delivers them", async () => {
    const reply = textOf(
      await h.command(`subscribe ${topic}`, {
        channel_id: PRIVATE,
        channel_name: SLACK_IDS.privateChannelName,
      }),
    );
    expect(reply).toContain("Type `/invite @AWS` in <#C0FAKEPRIV1>");
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();
    expect(configuration).toMatchObject({
      name: SLACK_IDS.privateChannelName,
      channelId: PRIVATE,
      state: "awaiting_invite",
    });
    await h.sns.flush();
    await waitUntil(async () => (await prisma().topicSubscription.findFirst())?.status === "confirmed");

    // A notification arrives while the bot is not in the channel: stored, held, not posted.
    const [delivery] = await h.sns.publish(topic, JSON.stringify({ hello: "held" }), "Deploy finished");
    expect(delivery.status).toBe(200);
    await waitUntil(async () => (await prisma().delivery.count({ where: { status: "held" } })) === 1);
    const status = textOf(await h.command("status", { channel_id: PRIVATE }));
    expect(status).toContain("*Held for the invite*\\n1 notification");
    expect(textOf(await h.command("list", { channel_id: PRIVATE }))).toContain("waiting for `/invite @AWS`");
    expect(h.slack.calls("chat.postMessage")).toHaveLength(0);

    // Someone else joining changes nothing.
    await h.event(memberJoinedChannelEvent({ user: SLACK_IDS.adminUserId, channel: PRIVATE }));
    expect((await prisma().channelConfiguration.findFirstOrThrow()).state).toBe("awaiting_invite");

    // `/invite @AWS`: the bot joins.
    h.slack.updateChannel(PRIVATE, { isMember: true });
    const joined = await h.event(memberJoinedChannelEvent({ user: SLACK_IDS.botUserId, channel: PRIVATE }));
    expect(joined.status).toBe(200);
    const posts = await h.slack.waitForCalls("chat.postMessage", 2, { timeoutMs: 10_000 });
    expect(posts.map((p) => p.args.channel)).toEqual([PRIVATE, PRIVATE]);
    expect(textOf(posts[0].args)).toContain("AWS Chatbot is connected");
    expect(textOf(posts[0].args)).toContain(topic);
    expect(textOf(posts[1].args)).toContain("Deploy finished");
    expect(await prisma().channelConfiguration.findFirstOrThrow()).toMatchObject({
      state: "active",
      stateReason: null,
    });
    await waitUntil(async () => (await prisma().delivery.count({ where: { status: "posted" } })) === 1);
    const audit = await prisma().auditEvent.findMany({ where: { action: "configuration.connected" } });
    expect(audit).toHaveLength(1);
    expect(audit[0].detail).toContain("1 held notification(s) released");
  });

  it("a private channel whose name Slack does not send is named after its id", async () => {
    const reply = textOf(
      await h.command(`subscribe ${topic}`, { channel_id: PRIVATE, channel_name: "privategroup" }),
    );
    expect(reply).toContain("/invite @AWS");
    expect(await prisma().channelConfiguration.findFirstOrThrow()).toMatchObject({
      name: PRIVATE,
      channelName: null,
      state: "awaiting_invite",
    });
  });

  it("a test message typed before the invite waits for it", async () => {
    await h.command(`subscribe ${topic}`, { channel_id: PRIVATE });
    const reply = textOf(await h.command("test", { channel_id: PRIVATE }));
    expect(reply).toContain("waits until I am invited");
    expect(await prisma().delivery.findFirstOrThrow()).toMatchObject({ status: "held" });
  });

  it("a private channel the bot is already in is active at once", async () => {
    h.slack.updateChannel(PRIVATE, { isMember: true });
    const reply = textOf(await h.command(`subscribe ${topic}`, { channel_id: PRIVATE }));
    expect(reply).not.toContain("/invite @AWS");
    expect(await prisma().channelConfiguration.findFirstOrThrow()).toMatchObject({
      state: "active",
      channelName: SLACK_IDS.privateChannelName,
    });
  });

  it("a command after the bot was invited (event missed) connects the channel too", async () => {
    await h.command(`subscribe ${topic}`, { channel_id: PRIVATE });
    h.slack.updateChannel(PRIVATE, { isMember: true });
    const reply = textOf(await h.command(`subscribe ${topic}`, { channel_id: PRIVATE }));
    expect(reply).toContain("I am in the channel now");
    expect((await prisma().channelConfiguration.findFirstOrThrow()).state).toBe("active");
  });

  it("an archived channel is refused; once unarchived and the bot invited, its disabled configuration revives", async () => {
    h.slack.addChannel({ id: "C0ARCHIVED1", name: "old-alerts", isArchived: true });
    const refused = textOf(await h.command(`subscribe ${topic}`, { channel_id: "C0ARCHIVED1" }));
    expect(refused).toContain("#old-alerts is archived: unarchive it or choose another channel");
    expect(await prisma().channelConfiguration.count()).toBe(0);

    // The delivery worker disabled a configuration when Slack said is_archived.
    h.slack.updateChannel("C0ARCHIVED1", { isArchived: false });
    await h.command(`subscribe ${topic}`, { channel_id: "C0ARCHIVED1" });
    await prisma().channelConfiguration.updateMany({
      data: {
        state: "disabled",
        stateReason: "the channel is archived (is_archived); unarchive it and invite the bot again",
      },
    });
    await h.event(memberJoinedChannelEvent({ user: SLACK_IDS.botUserId, channel: "C0ARCHIVED1" }));
    const [post] = await h.slack.waitForCalls("chat.postMessage", 1);
    expect(post.args.channel).toBe("C0ARCHIVED1");
    expect(textOf(post.args)).toContain("AWS Chatbot is connected");
    expect((await prisma().channelConfiguration.findFirstOrThrow()).state).toBe("active");
  });
});
