/**
 * `/aws` end to end on the real server: signed slash commands in, ephemeral replies out through
 * response_url, SNS Subscribe/Unsubscribe on the fake SNS (which confirms through the real
 * endpoint), and what the database holds afterwards.
 */
import { describeEachDatabase } from "../support/databases";
import { SLACK_IDS } from "../support/slack-payloads";
import { type SlackHarness, startSlackHarness, textOf, waitUntil } from "./slack-harness";

describeEachDatabase("/aws command", (kind) => {
  let h: SlackHarness;
  let east: string;
  let west: string;

  beforeEach(async () => {
    h = await startSlackHarness(kind);
    east = h.sns.createTopic("arn:aws:sns:us-east-2:123456789012:alarms");
    west = h.sns.createTopic("arn:aws:sns:eu-west-1:123456789012:security");
  });
  afterEach(async () => {
    await h.stop();
  });

  const prisma = () => h.app.server.db.prisma;
  const topicStatus = async (arn: string) =>
    (await prisma().topicSubscription.findUnique({ where: { topicArn: arn } }))?.status;

  it("help, empty text and an unknown subcommand answer with the usage, ephemerally", async () => {
    for (const text of ["help", ""]) {
      const reply = await h.command(text);
      expect(reply.response_type).toBe("ephemeral");
      expect(textOf(reply)).toContain("subscribe ARN");
    }
    const unknown = await h.command("subscibe arn:aws:sns:us-east-2:123456789012:alarms");
    expect(unknown.response_type).toBe("ephemeral");
    expect(unknown.text).toBe("`subscibe` is not a command I know.");
    expect(textOf(unknown)).toContain("/aws unsubscribe ARN");
  });

  it("subscribe creates the channel's configuration with topics of two regions; SNS confirms them", async () => {
    const reply = await h.command(`subscribe ${east} ${west}`);
    expect(reply.response_type).toBe("ephemeral");
    const text = textOf(reply);
    expect(text).toContain("Created the configuration *alerts*");
    expect(text).toContain(east);
    expect(text).toContain("(eu-west-1)");

    // One Subscribe per topic, in the topic's own region, to PUBLIC_URL/sns/events.
    const subscribes = h.sns.callsOf("Subscribe");
    expect(subscribes.map((c) => [c.params.TopicArn, c.signingRegion]).sort()).toEqual(
      [
        [east, "us-east-2"],
        [west, "eu-west-1"],
      ].sort(),
    );
    expect(subscribes[0].params.Endpoint).toBe(`${h.app.url}/sns/events`);
    await h.sns.flush();
    await waitUntil(
      async () => (await topicStatus(east)) === "confirmed" && (await topicStatus(west)) === "confirmed",
    );

    const configuration = await prisma().channelConfiguration.findFirstOrThrow({ include: { topics: true } });
    expect(configuration).toMatchObject({
      kind: "slack",
      name: "alerts",
      teamId: SLACK_IDS.teamId,
      channelId: SLACK_IDS.channelId,
      channelName: "alerts",
      state: "active",
      createdBy: SLACK_IDS.adminUserId,
    });
    expect(configuration.externalId).toMatch(/^awschatbot-[0-9a-f]{32}$/);
    expect(configuration.topics.map((t) => t.topicArn).sort()).toEqual([east, west].sort());

    const list = textOf(await h.command("list"));
    expect(list).toContain("confirmed");
    expect(list).not.toContain("pending confirmation");
    expect(list).toContain("*IAM role*\\nnone");
    expect(list).toContain("none (every notification)");

    const audit = await prisma().auditEvent.findMany({ where: { teamId: SLACK_IDS.teamId } });
    expect(audit.map((a) => a.action).sort()).toEqual(["configuration.created", "topics.subscribed"]);
    expect(audit.every((a) => a.userId === SLACK_IDS.adminUserId)).toBe(true);
  });

  it("refuses malformed and FIFO ARNs, saying why, and creates nothing", async () => {
    const malformed = await h.command("subscribe arn:aws:sns:us-east-2:1234:alarms");
    expect(textOf(malformed)).toContain("must be exactly 12 digits");
    expect(textOf(malformed)).toContain("Type instead: `/aws subscribe arn:aws:sns:REGION:ACCOUNT-ID:TOPIC");
    const fifo = await h.command("subscribe arn:aws:sns:us-east-2:123456789012:orders.fifo");
    expect(textOf(fifo)).toContain("SNS cannot deliver FIFO topics to HTTPS endpoints");
    const none = await h.command("subscribe");
    expect(textOf(none)).toContain("needs at least one SNS topic ARN");
    expect(await prisma().channelConfiguration.count()).toBe(0);
    expect(h.sns.callsOf("Subscribe")).toHaveLength(0);
  });

  it("names a new configuration after the channel, with a suffix when the name is taken", async () => {
    h.slack.addChannel({ id: "C0ALERTS002", name: "alerts" });
    await h.command(`subscribe ${east}`);
    await h.command(`subscribe ${east}`, { channel_id: "C0ALERTS002", channel_name: "alerts" });
    const names = await prisma().channelConfiguration.findMany({ select: { name: true, channelId: true } });
    expect(names.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "alerts", channelId: SLACK_IDS.channelId },
      { name: "alerts-2", channelId: "C0ALERTS002" },
    ]);
    // The topic is subscribed once for the whole deployment.
    await h.sns.flush();
    expect(h.sns.subscriptions().filter((s) => s.topicArn === east)).toHaveLength(1);
  });

  it("unsubscribe keeps the SNS subscription while another channel wants the topic", async () => {
    h.slack.addChannel({ id: "C0OTHERCH01", name: "other" });
    await h.command(`subscribe ${east} ${west}`);
    await h.command(`subscribe ${east}`, { channel_id: "C0OTHERCH01", channel_name: "other" });
    await h.sns.flush();
    await waitUntil(
      async () => (await topicStatus(east)) === "confirmed" && (await topicStatus(west)) === "confirmed",
    );

    const reply = textOf(
      await h.command(`unsubscribe ${east} ${west} arn:aws:sns:us-east-2:123456789012:never`),
    );
    expect(reply).toContain("Unsubscribed this channel from 2 topic(s)");
    expect(reply).toContain("was not subscribed here");
    // west was wanted by no one else: unsubscribed at SNS; east stays for #other.
    expect(
      h.sns.callsOf("Unsubscribe").map((c) => c.params.SubscriptionArn.split(":").slice(0, 6).join(":")),
    ).toEqual([west]);
    expect(await topicStatus(west)).toBe("unsubscribed");
    expect(await topicStatus(east)).toBe("confirmed");

    const unknownChannel = await h.command(`unsubscribe ${east}`, { channel_id: "C0NOCONFIG1" });
    expect(textOf(unknownChannel)).toContain("This channel has no AWS Chatbot configuration yet");
  });

  it("role ARN, role none and role template NAME", async () => {
    const badName = await h.command("role template my+role/bad");
    expect(textOf(badName)).toContain("characters a role name cannot have");
    const badArn = await h.command("role arn:aws:iam::123456789012:user/bob");
    expect(textOf(badArn)).toContain("the resource must be role/NAME");

    await h.command(`subscribe ${east}`);
    const template = await h.command("role template AWSChatbot-Notify");
    const templateText = textOf(template);
    const configuration = await prisma().channelConfiguration.findFirstOrThrow();
    expect(templateText).toContain("AWS-Chatbot-NotificationsOnly-Policy");
    expect(templateText).toContain("cloudwatch:Describe*");
    // The role proof (TOPIC_ACCESS) reads the channel's topic with the role: the policy allows it.
    expect(templateText).toContain("sns:GetTopicAttributes");
    expect(templateText).toContain(east);
    expect(templateText).toContain(String(configuration.externalId));
    expect(templateText).toContain("arn:aws:iam::<your-account-id>:root");
    expect(templateText).toContain("AWSTemplateFormatVersion");
    expect(templateText).toContain("/aws role arn:aws:iam::123456789012:role/AWSChatbot-Notify");

    const role = "arn:aws:iam::123456789012:role/AWSChatbot-Notify";
    expect(textOf(await h.command(`role ${role}`))).toContain(role);
    expect((await prisma().channelConfiguration.findFirstOrThrow()).iamRoleArn).toBe(role);
    expect(textOf(await h.command("list"))).toContain(role);
    expect(textOf(await h.command("role none"))).toContain("no longer uses an IAM role");
    expect((await prisma().channelConfiguration.findFirstOrThrow()).iamRoleArn).toBeNull();
    const actions = (await prisma().auditEvent.findMany()).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["role.set", "role.cleared"]));
  });

  it("status reports delivery health; test sends a notification to this channel only", async () => {
    h.slack.addChannel({ id: "C0OTHERCH01", name: "other" });
    await h.command(`subscribe ${east}`);
    await h.command(`subscribe ${east}`, { channel_id: "C0OTHERCH01", channel_name: "other" });
    const status = textOf(await h.command("status"));
    expect(status).toContain("*Last delivery*\\nnever");
    expect(status).toContain("*Dead letters*\\n0");

    const test = textOf(await h.command("test"));
    expect(test).toContain("A test notification is on its way to <#C0FAKECHAN1>");
    const message = await prisma().message.findFirstOrThrow({ include: { deliveries: true } });
    expect(message.snsMessageId).toMatch(/^test-[0-9a-f-]{36}$/);
    expect(message.topicArn).toBe("arn:aws:sns:us-east-2:000000000000:aws-chatbot-test");
    expect(JSON.parse(message.body)).toMatchObject({ version: "1.0", source: "custom" });
    expect(message.deliveries).toHaveLength(1);

    const [post] = await h.slack.waitForCalls("chat.postMessage", 1, { timeoutMs: 10_000 });
    expect(post.args.channel).toBe(SLACK_IDS.channelId);
    expect(textOf(post.args)).toContain("Test notification from AWS Chatbot");
    await waitUntil(async () => (await prisma().delivery.findFirstOrThrow()).status === "posted");
    expect(h.slack.messages("C0OTHERCH01")).toHaveLength(0);
    expect(textOf(await h.command("status"))).not.toContain("*Last delivery*\\nnever");
  });

  it("delete asks first; its button removes the configuration and unsubscribes topics no one else wants", async () => {
    await h.command(`subscribe ${east}`);
    await h.sns.flush();
    await waitUntil(async () => (await topicStatus(east)) === "confirmed");
    const asked = await h.command("delete");
    expect(textOf(asked)).toContain("Nothing is deleted until you confirm");
    const blocks = asked.blocks as {
      type: string;
      elements?: { action_id: string; value: string; confirm?: object }[];
    }[];
    const button = blocks.find((b) => b.type === "actions")?.elements?.[0];
    expect(button).toMatchObject({ action_id: "command_delete_confirm", confirm: expect.any(Object) });
    expect(await prisma().channelConfiguration.count()).toBe(1);
    expect(h.sns.callsOf("Unsubscribe")).toHaveLength(0);

    const reply = await h.press("command_delete_confirm", String(button?.value));
    expect(reply.replace_original).toBe(true);
    expect(textOf(reply)).toContain("Deleted *alerts* (1 topic(s))");
    expect(await prisma().channelConfiguration.count()).toBe(0);
    expect(h.sns.callsOf("Unsubscribe")).toHaveLength(1);
    expect(await topicStatus(east)).toBe("unsubscribed");
    expect(textOf(await h.command("delete"))).toContain("no AWS Chatbot configuration yet");
    expect(textOf(await h.command("list"))).toContain("no AWS Chatbot configuration yet");
  });

  it("a failed SNS Subscribe is reported with its reason", async () => {
    h.sns.failNext("Subscribe", "AuthorizationError", { message: "not authorized to subscribe", times: 3 });
    const reply = textOf(await h.command(`subscribe ${east}`));
    expect(reply).toContain(":x: failed");
    expect(reply).toContain("not authorized to subscribe");
    expect(await topicStatus(east)).toBe("failed");
  });
});
