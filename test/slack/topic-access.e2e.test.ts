/**
 * Topic access across workspaces (TOPIC_ACCESS=linked, OAuth mode, two workspaces on the fake Slack),
 * end to end: signed slash commands and interactions on the real server, signed SNS deliveries from
 * the fake SNS, role proof against the fake STS and the fake SNS's GetTopicAttributes.
 *
 * The regression first: workspace B typed `/aws subscribe` with the ARN of a topic workspace A had
 * subscribed; the topic was confirmed already, so no AWS call was made, and A's next notification
 * was posted to both workspaces.
 */
import { randomBytes } from "node:crypto";
import { ExternalIds } from "../../src/configurations/external-id";
import { linkAccount } from "../../src/configurations/linked-accounts";
import { runChatbot } from "../cli/cli-runner";
import { describeEachDatabase } from "../support/databases";
import { type FakeSts, startFakeSts } from "../support/fake-aws-charts";
import {
  appHomeOpenedEvent,
  blockActionsPayload,
  buttonAction,
  eventCallback,
  SLACK_IDS,
  stateValue,
  viewSubmissionPayload,
} from "../support/slack-payloads";
import { type SlackHarness, startSlackHarness, textOf, waitUntil } from "./slack-harness";

const ACCOUNT_A = "111122223333";
const ACCOUNT_B = "444455556666";
const TOPIC_A = `arn:aws:sns:us-east-1:${ACCOUNT_A}:a-alarms`;
const TOPIC_B = `arn:aws:sns:us-east-1:${ACCOUNT_B}:b-alarms`;
const TEAM_B = SLACK_IDS.otherTeamId;
const CHANNEL_B = { id: "C0TEAMBCH01", name: "b-alerts" };
const USER_B = "U0TEAMBUSR1";
const ROLE_B = `arn:aws:iam::${ACCOUNT_A}:role/TeamBProof`;
const NOTIFICATION = (text: string) =>
  JSON.stringify({ version: "1.0", source: "custom", content: { description: text } });

describeEachDatabase("topic access across workspaces", (kind) => {
  let h: SlackHarness;
  let sts: FakeSts;
  const key = randomBytes(32);
  const externalIdOfB = new ExternalIds(key).derive(TEAM_B);

  async function start(env: Record<string, string> = {}) {
    sts = await startFakeSts();
    h = await startSlackHarness(kind, {
      mode: "oauth",
      env: { ENCRYPTION_KEY: key.toString("base64"), AWS_ENDPOINT_URL_STS: sts.url, ...env },
    });
    // B's user is an admin of B: only managers subscribe, and this suite is about topic access.
    await h.addTeam(TEAM_B, CHANNEL_B, [USER_B]);
    h.sns.createTopic(TOPIC_A);
    h.sns.createTopic(TOPIC_B);
  }
  afterEach(async () => {
    await h.stop();
    await sts.close();
  });

  const prisma = () => h.app.server.db.prisma;
  const asB = (text: string) =>
    h.command(text, {
      team_id: TEAM_B,
      team_domain: "team-b",
      channel_id: CHANNEL_B.id,
      channel_name: CHANNEL_B.name,
      user_id: USER_B,
    });
  const cli = (...argv: string[]) =>
    runChatbot(argv, {
      DATABASE_URL: h.app.testDb.url,
      ENCRYPTION_KEY: key.toString("base64"),
      LOG_LEVEL: "error",
    });
  const deliveriesOf = (teamId: string) => prisma().delivery.count({ where: { configuration: { teamId } } });
  const topicsOfB = () => prisma().configurationTopic.count({ where: { configuration: { teamId: TEAM_B } } });

  /** A subscribed TOPIC_A with its account linked by the operator; the topic is confirmed. */
  async function aSubscribes() {
    await linkAccount(prisma(), { teamId: SLACK_IDS.teamId, accountId: ACCOUNT_A, linkedVia: "operator" });
    expect(textOf(await h.command(`subscribe ${TOPIC_A}`))).toContain(TOPIC_A);
    await h.sns.flush();
    await waitUntil(
      async () =>
        (await prisma().topicSubscription.findUnique({ where: { topicArn: TOPIC_A } }))?.status ===
        "confirmed",
    );
  }

  /** Publishes on TOPIC_A; resolves once the server stored it (and its deliveries). */
  async function publishA(text: string) {
    const [delivery] = await h.sns.publish(TOPIC_A, NOTIFICATION(text));
    expect(delivery.status).toBe(200);
  }

  const postsTo = (channel: string, text: string) =>
    h.slack
      .calls("chat.postMessage")
      .filter((call) => call.args.channel === channel && textOf(call.args).includes(text));

  it("B cannot receive A's confirmed topic: subscribe refused naming the account and both ways, nothing changed", async () => {
    await start();
    await aSubscribes();
    const subscribesBefore = h.sns.callsOf("Subscribe").length;

    const refused = textOf(await asB(`subscribe ${TOPIC_A}`));
    expect(refused).toContain(`AWS account ${ACCOUNT_A} is not linked to this workspace`);
    expect(refused).toContain(`npx chatbot accounts link --team ${TEAM_B} --account ${ACCOUNT_A}`);
    expect(refused).toContain(`/aws role arn:aws:iam::${ACCOUNT_A}:role/NAME`);
    expect(await prisma().channelConfiguration.count({ where: { teamId: TEAM_B } })).toBe(0);
    expect(h.sns.callsOf("Subscribe")).toHaveLength(subscribesBefore);

    await publishA("only-for-a");
    expect(await deliveriesOf(TEAM_B)).toBe(0);
    await waitUntil(() => postsTo(SLACK_IDS.channelId, "only-for-a").length === 1);
    expect(h.slack.messages(CHANNEL_B.id)).toHaveLength(0);
  });

  it("a refused subscribe of several topics adds none of them, even those of a linked account", async () => {
    await start();
    await linkAccount(prisma(), { teamId: TEAM_B, accountId: ACCOUNT_B, linkedVia: "operator" });
    const refused = textOf(await asB(`subscribe ${TOPIC_B} ${TOPIC_A}`));
    expect(refused).toContain(`AWS account ${ACCOUNT_A} is not linked`);
    expect(refused).not.toContain(`account ${ACCOUNT_B}`);
    expect(await prisma().channelConfiguration.count()).toBe(0);
    expect(h.sns.callsOf("Subscribe")).toHaveLength(0);
    expect(textOf(await asB(`subscribe ${TOPIC_B}`))).toContain(TOPIC_B);
    expect(await topicsOfB()).toBe(1);
  });

  it("operator link lets B subscribe and receive; unlink holds B's topic (A still receives); link again resumes", async () => {
    await start();
    await aSubscribes();
    expect(textOf(await asB(`subscribe ${TOPIC_A}`))).toContain("is not linked");

    const linked = await cli("accounts", "link", "--team", TEAM_B, "--account", ACCOUNT_A);
    expect(linked).toMatchObject({ code: 0 });
    expect(textOf(await asB(`subscribe ${TOPIC_A}`))).toContain("Created the configuration");
    await publishA("for-both");
    await waitUntil(() => postsTo(CHANNEL_B.id, "for-both").length === 1);
    await waitUntil(() => postsTo(SLACK_IDS.channelId, "for-both").length === 1);

    const unlinked = await cli("accounts", "unlink", "--team", TEAM_B, "--account", ACCOUNT_A);
    expect(unlinked.code).toBe(0);
    expect(unlinked.stdout).toContain(`held (not delivered until linked again): b-alerts  ${TOPIC_A}`);
    const before = await deliveriesOf(TEAM_B);
    await publishA("after-unlink");
    expect(await deliveriesOf(TEAM_B)).toBe(before);
    await waitUntil(() => postsTo(SLACK_IDS.channelId, "after-unlink").length === 1);
    expect(postsTo(CHANNEL_B.id, "after-unlink")).toHaveLength(0);
    // The configuration keeps its topic: linking again resumes delivery without subscribing again.
    expect(await topicsOfB()).toBe(1);
    // B's manager sees why nothing arrives, in the channel and on App Home, and how to link.
    const list = textOf(await asB("list"));
    expect(list).toContain(`held: AWS account ${ACCOUNT_A} is not linked to this workspace`);
    expect(list).toContain(`npx chatbot accounts link --team ${TEAM_B} --account ${ACCOUNT_A}`);
    expect(list).toContain(`/aws role arn:aws:iam::${ACCOUNT_A}:role/NAME`);
    expect(
      (await h.event(eventCallback(appHomeOpenedEvent({ user: USER_B }), { teamId: TEAM_B }))).status,
    ).toBe(200);
    await waitUntil(() => h.slack.homeView(USER_B) !== undefined);
    const home = textOf(h.slack.homeView(USER_B)?.view);
    expect(home).toContain(`Held: nothing arrives from its topics of AWS account ${ACCOUNT_A} is not linked`);
    expect(home).toContain(`npx chatbot accounts link --team ${TEAM_B} --account ACCOUNT-ID`);
    const audit = await prisma().auditEvent.findMany({
      where: { teamId: TEAM_B, action: "account.unlinked" },
    });
    expect(audit).toHaveLength(1);

    expect((await cli("accounts", "link", "--team", TEAM_B, "--account", ACCOUNT_A)).code).toBe(0);
    await publishA("relinked");
    await waitUntil(() => postsTo(CHANNEL_B.id, "relinked").length === 1);
    expect(textOf(await asB("list"))).not.toContain("held:");
  });

  it("role proof: B's role in A's account, assumed with B's ExternalId, reads the topic → linked, audited, delivered", async () => {
    await start();
    await aSubscribes();
    sts.requireExternalId(ROLE_B, externalIdOfB);
    h.sns.restrictTopicReaders(TOPIC_A, (accessKey) => sts.issued.get(accessKey ?? "")?.roleArn === ROLE_B);

    // No topic of that account on the channel yet: nothing to prove with, and the reply says what next.
    const roleSet = textOf(await asB(`role ${ROLE_B}`));
    expect(roleSet).toContain(`AWS account ${ACCOUNT_A} is not linked to this workspace yet`);
    expect(sts.assumeRoleCalls()).toHaveLength(0);

    const subscribed = textOf(await asB(`subscribe ${TOPIC_A}`));
    expect(subscribed).not.toContain("not linked");
    expect(subscribed).toContain(TOPIC_A);
    const [assume] = sts.assumeRoleCalls();
    expect(assume.params).toMatchObject({ RoleArn: ROLE_B, ExternalId: externalIdOfB });
    const [read] = h.sns.callsOf("GetTopicAttributes");
    expect(read.params.TopicArn).toBe(TOPIC_A);
    expect(sts.issued.get(read.accessKeyId ?? "")?.roleArn).toBe(ROLE_B);

    expect(
      await prisma().linkedAccount.findUnique({
        where: { teamId_accountId: { teamId: TEAM_B, accountId: ACCOUNT_A } },
      }),
    ).toMatchObject({
      linkedVia: "role_proof",
      linkedBy: USER_B,
      proof: `${ROLE_B} read ${TOPIC_A}`,
    });
    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { teamId: TEAM_B, action: "account.linked" },
    });
    expect(audit).toMatchObject({ userId: USER_B });
    expect(audit.detail).toContain(ROLE_B);

    await publishA("proved");
    await waitUntil(() => postsTo(CHANNEL_B.id, "proved").length === 1);
  });

  it("a failed proof says which call failed and why, with the trust policy; nothing is linked or subscribed", async () => {
    await start();
    await aSubscribes();
    expect(textOf(await asB(`role ${ROLE_B}`))).toContain("not linked to this workspace yet");

    // The role trusts another ExternalId: AssumeRole is refused.
    sts.requireExternalId(ROLE_B, "awschatbot-someone-else");
    const assumeFailed = textOf(await asB(`subscribe ${TOPIC_A}`));
    expect(assumeFailed).toContain("sts:AssumeRole failed");
    expect(assumeFailed).toContain("AccessDenied");
    expect(assumeFailed).toContain(`\\"sts:ExternalId\\":\\"${externalIdOfB}\\"`);
    expect(h.sns.callsOf("GetTopicAttributes")).toHaveLength(0);

    // Trust fixed, but the topic's policy does not let the role read it.
    sts.requireExternalId(ROLE_B, externalIdOfB);
    h.sns.restrictTopicReaders(TOPIC_A, () => false);
    const readFailed = textOf(await asB(`subscribe ${TOPIC_A}`));
    expect(readFailed).toContain(`sns:GetTopicAttributes on ${TOPIC_A} failed`);
    expect(readFailed).toContain("AuthorizationError");
    expect(readFailed).not.toContain("sts:AssumeRole failed");

    expect(await prisma().linkedAccount.count({ where: { teamId: TEAM_B } })).toBe(0);
    expect(await topicsOfB()).toBe(0);
    await publishA("still-a-only");
    expect(await deliveriesOf(TEAM_B)).toBe(0);

    // Setting the role again once the topic's policy allows it proves it from the role command too.
    h.sns.restrictTopicReaders(TOPIC_A, (accessKey) => sts.issued.get(accessKey ?? "")?.roleArn === ROLE_B);
    expect(textOf(await asB(`subscribe ${TOPIC_A}`))).not.toContain("not linked");
    expect(await prisma().linkedAccount.count({ where: { teamId: TEAM_B, linkedVia: "role_proof" } })).toBe(
      1,
    );
  });

  it("setting a role proves the account with a topic the channel already has (held after an unlink)", async () => {
    await start();
    await aSubscribes();
    await linkAccount(prisma(), { teamId: TEAM_B, accountId: ACCOUNT_A, linkedVia: "operator" });
    await asB(`subscribe ${TOPIC_A}`);
    expect((await cli("accounts", "unlink", "--team", TEAM_B, "--account", ACCOUNT_A)).code).toBe(0);
    sts.requireExternalId(ROLE_B, externalIdOfB);

    const roleSet = textOf(await asB(`role ${ROLE_B}`));
    expect(roleSet).toContain(`AWS account ${ACCOUNT_A} is now linked to this workspace`);
    await publishA("after-proof");
    await waitUntil(() => postsTo(CHANNEL_B.id, "after-proof").length === 1);
  });

  it("TOPIC_ACCESS=any lets any workspace subscribe any topic", async () => {
    await start({ TOPIC_ACCESS: "any" });
    expect(textOf(await h.command(`subscribe ${TOPIC_A}`))).toContain(TOPIC_A);
    expect(textOf(await asB(`subscribe ${TOPIC_A}`))).toContain("Created the configuration");
    await h.sns.flush();
    await waitUntil(
      async () =>
        (await prisma().topicSubscription.findUnique({ where: { topicArn: TOPIC_A } }))?.status ===
        "confirmed",
    );
    await publishA("anyone");
    await waitUntil(() => postsTo(CHANNEL_B.id, "anyone").length === 1);
    await waitUntil(() => postsTo(SLACK_IDS.channelId, "anyone").length === 1);
    expect(await prisma().linkedAccount.count()).toBe(0);
  });

  describe("App Home", () => {
    const { text } = stateValue;
    const click = (actionId: string) =>
      h.interaction(blockActionsPayload({ actions: [buttonAction({ action_id: actionId })] }));
    /** The saving view shows the refusal; then App Home is republished (the listener's last step). */
    const refusalShown = async () => {
      await h.slack.waitForCalls("views.update", 1, {
        filter: (call) => textOf(call.args.view).includes(`AWS account ${ACCOUNT_A} is not linked`),
      });
      await h.slack.waitForCalls("views.publish", 2);
    };

    it("adding a webhook room for an unlinked account's topic is refused and stores nothing", async () => {
      await start();
      await h.event(appHomeOpenedEvent());
      expect((await click("home_add_webhook")).status).toBe(200);
      await h.slack.waitForCalls("views.open", 1);
      const entry = (id: string, value: string) => ({ [id]: { [id]: text(value) } });
      const answer = await h.interaction(
        viewSubmissionPayload({
          callbackId: "add_webhook",
          values: {
            ...entry(
              "webhook_url",
              "https://hooks.chime.aws/incomingwebhooks/6f0c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f?token=U2VjcmV0",
            ),
            ...entry("webhook_description", "Ops-room/Alarms"),
            ...{ webhook_role_arn: { webhook_role_arn: { type: "plain_text_input" } } },
            ...entry("webhook_topics", TOPIC_A),
          },
          view: { id: h.slack.lastModal().id, blocks: h.echo(h.slack.lastModal()).blocks },
        }),
      );
      expect(answer.status).toBe(200);
      await refusalShown();
      expect(await prisma().channelConfiguration.count()).toBe(0);
      expect(h.sns.callsOf("Subscribe")).toHaveLength(0);
    });

    it("the configure form refuses a topic of an unlinked account and creates nothing", async () => {
      await start();
      await h.event(appHomeOpenedEvent());
      expect((await click("home_configure_new")).status).toBe(200);
      await h.slack.waitForCalls("views.open", 1);
      const modal = h.slack.lastModal();
      const answer = await h.interaction(
        viewSubmissionPayload({
          callbackId: "configure_channel",
          values: {
            channel: {
              channel: { type: "conversations_select", selected_conversation: SLACK_IDS.channelId },
            },
            name: { name: text("prod-alerts") },
            role_mode: {
              role_mode: {
                type: "radio_buttons",
                selected_option: { value: "none", text: { type: "plain_text", text: "none" } },
              },
            },
            region_0: {
              region_0: {
                type: "static_select",
                selected_option: { value: "us-east-1", text: { type: "plain_text", text: "us-east-1" } },
              },
            },
            topics_0: { topics_0: text(TOPIC_A) },
          },
          privateMetadata: String(modal.view.private_metadata),
          view: { id: modal.id, blocks: h.echo(modal).blocks },
        }),
      );
      expect(answer.status).toBe(200);
      await refusalShown();
      expect(await prisma().channelConfiguration.count()).toBe(0);
      expect(h.sns.callsOf("Subscribe")).toHaveLength(0);
    });
  });
});
