/**
 * "Remove workspace configuration" on App Home: refused while channel configurations exist and for
 * members who are neither admins/owners nor the installer; otherwise the bot token is revoked and
 * everything of the workspace deleted, and SNS subscriptions nobody wants are released. Uninstalling
 * the app releases them too.
 */
import { linkAccount } from "../../src/configurations/linked-accounts";
import { describeEachDatabase } from "../support/databases";
import type { StoredView } from "../support/fake-slack";
import { appUninstalledEvent, blockActionsPayload, buttonAction, SLACK_IDS } from "../support/slack-payloads";
import { type SlackHarness, startSlackHarness, textOf, waitUntil } from "./slack-harness";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alarms";

describeEachDatabase("Remove workspace configuration", (kind) => {
  let h: SlackHarness;

  afterEach(async () => {
    await h.stop();
  });

  const prisma = () => h.app.server.db.prisma;
  const remove = async (userId: string): Promise<StoredView> => {
    const before = h.slack.calls("views.open").length;
    const answer = await h.interaction(
      blockActionsPayload({ actions: [buttonAction({ action_id: "home_remove_workspace" })], userId }),
    );
    expect(answer.status).toBe(200);
    await h.slack.waitForCalls("views.open", before + 1);
    return h.slack.lastModal();
  };

  describe("single workspace (SLACK_BOT_TOKEN)", () => {
    beforeEach(async () => {
      h = await startSlackHarness(kind);
      h.sns.createTopic(TOPIC);
    });

    it("is refused to a member who is not an admin, owner or the installer", async () => {
      const view = await remove(SLACK_IDS.userId);
      expect(textOf(view.view)).toContain(
        "Only workspace admins and owners can remove the workspace configuration",
      );
      expect(h.slack.calls("users.info")[0].args.user).toBe(SLACK_IDS.userId);
      expect(h.slack.calls("auth.revoke")).toHaveLength(0);
      expect(h.slack.isTokenValid(h.botToken)).toBe(true);
    });

    it("is refused to an admin while a channel configuration exists, then allowed once it is deleted", async () => {
      await h.command(`subscribe ${TOPIC}`);
      await h.sns.flush();
      await waitUntil(async () => (await prisma().topicSubscription.findFirst())?.status === "confirmed");
      const refused = await remove(SLACK_IDS.adminUserId);
      expect(textOf(refused.view)).toContain("This workspace still has 1 channel configuration");
      expect(await prisma().channelConfiguration.count()).toBe(1);

      const configuration = await prisma().channelConfiguration.findFirstOrThrow();
      await h.press("command_delete_confirm", configuration.id);
      const removed = await remove(SLACK_IDS.adminUserId);
      expect(textOf(removed.view)).toContain("AWS Chatbot is being removed");
      await h.slack.waitForCalls("auth.revoke", 1);
      expect(h.slack.isTokenValid(h.botToken)).toBe(false);
      await waitUntil(
        async () => (await prisma().auditEvent.count({ where: { action: "workspace.removed" } })) === 1,
      );
      const audit = await prisma().auditEvent.findMany();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ userId: SLACK_IDS.adminUserId, teamId: SLACK_IDS.teamId });
    });
  });

  describe("installed with OAuth", () => {
    beforeEach(async () => {
      h = await startSlackHarness(kind, { mode: "oauth" });
      h.sns.createTopic(TOPIC);
    });

    it("the installer may remove it: token revoked, installation and data deleted", async () => {
      const view = await remove(SLACK_IDS.userId);
      expect(textOf(view.view)).toContain("AWS Chatbot is being removed");
      await h.slack.waitForCalls("auth.revoke", 1);
      await waitUntil(async () => (await prisma().installation.count()) === 0);
      // The installer was recognised without asking Slack who administers the workspace.
      expect(h.slack.calls("users.info")).toHaveLength(0);
    });

    it("another member may not, and is told who can", async () => {
      h.slack.addUser({ id: "U0FAKEUSER2", name: "bob" });
      const view = await remove("U0FAKEUSER2");
      expect(textOf(view.view)).toContain(`or <@${SLACK_IDS.userId}> who installed AWS Chatbot`);
      expect(await prisma().installation.count()).toBe(1);
    });

    it("uninstalling the app deletes the configurations and releases their SNS subscriptions", async () => {
      await linkAccount(prisma(), {
        teamId: SLACK_IDS.teamId,
        accountId: "123456789012",
        linkedVia: "operator",
      });
      await h.command(`subscribe ${TOPIC}`);
      await h.sns.flush();
      await waitUntil(async () => (await prisma().topicSubscription.findFirst())?.status === "confirmed");
      expect((await h.event(appUninstalledEvent())).status).toBe(200);
      await waitUntil(async () => (await prisma().installation.count()) === 0);
      await waitUntil(async () => (await prisma().topicSubscription.findFirst())?.status === "unsubscribed");
      expect(await prisma().channelConfiguration.count()).toBe(0);
      expect(await prisma().linkedAccount.count()).toBe(0);
      expect(h.sns.callsOf("Unsubscribe")).toHaveLength(1);
    });
  });
});
