import type { ConfigurationEditor } from "../../src/configurations/configuration-editor";
import type { ConfigurationService } from "../../src/configurations/configuration-service";
import type { Database } from "../../src/db/database";
import { HOME_ACTIONS } from "../../src/slack/blocks/home";
import type { Reply } from "../../src/slack/blocks/replies";
import { confirmDeleteCallback } from "../../src/slack/listeners/actions/delete-confirm";
import {
  configureNewCallback,
  deleteConfigurationCallback,
  editConfigurationCallback,
  testConfigurationCallback,
} from "../../src/slack/listeners/actions/home-actions";
import { roleModeCallback } from "../../src/slack/listeners/actions/modal-actions";
import { addWebhookCallback, removeWebhookCallback } from "../../src/slack/listeners/actions/webhook-rooms";
import { awsCommandCallback } from "../../src/slack/listeners/commands/aws-command";
import { addWebhookSubmittedCallback } from "../../src/slack/listeners/views/add-webhook";
import { configureChannelSubmittedCallback } from "../../src/slack/listeners/views/configure-channel";
import type { WebhookConfigurationDeps } from "../../src/webhooks";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";
import {
  actionArgs,
  clickButton,
  commonListenerDeps,
  type FakeUser,
  fakeClient,
  recording,
  recordingNoise,
} from "../support/listener-fakes";
import { capturingLogger } from "../support/log-capture";
import {
  blockActionsPayload,
  radioButtonsAction,
  SLACK_IDS,
  slashCommandPayload,
  viewSubmissionPayload,
} from "../support/slack-payloads";

const TEAM = SLACK_IDS.teamId;
const MEMBER = SLACK_IDS.userId;
const ADMIN = SLACK_IDS.adminUserId;
const GUEST = SLACK_IDS.guestUserId;
const ARN = "arn:aws:sns:us-east-2:123456789012:alarms";

describeEachDatabase("permission decisions of the listeners", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let serviceCalls: string[];
  let notices: string[];
  let deps: ReturnType<typeof makeDeps>;
  const { logger } = capturingLogger();

  function makeDeps() {
    return {
      ...commonListenerDeps(db.prisma, logger, notices),
      service: recording<ConfigurationService>(serviceCalls),
      editor: recording<ConfigurationEditor>(serviceCalls),
      noise: recordingNoise(serviceCalls),
      webhooks: { prisma: db.prisma } as unknown as WebhookConfigurationDeps,
    };
  }

  const people: Record<string, FakeUser> = {
    [ADMIN]: { is_admin: true },
    [MEMBER]: {},
    [GUEST]: { is_restricted: true },
    U0ULTRAGST1: { is_ultra_restricted: true },
  };

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
    serviceCalls = [];
    notices = [];
    deps = makeDeps();
  });
  afterEach(() => dispose());

  async function command(text: string, userId: string): Promise<{ reply: Reply; usersInfo: number }> {
    const { client, calls } = fakeClient(people);
    const respond = jest.fn().mockResolvedValue(undefined);
    const ack = jest.fn().mockResolvedValue(undefined);
    const args = { command: slashCommandPayload({ text, user_id: userId }), ack, respond, client };
    await awsCommandCallback(deps)(args as unknown as Parameters<ReturnType<typeof awsCommandCallback>>[0]);
    expect(ack).toHaveBeenCalledTimes(1);
    return {
      reply: respond.mock.calls[0][0] as Reply,
      usersInfo: calls.filter((c) => c.method === "users.info").length,
    };
  }

  const CHANGING = [
    `subscribe ${ARN}`,
    `unsubscribe ${ARN}`,
    "role arn:aws:iam::123456789012:role/Chat",
    "role none",
    "role template Chat",
    "test",
    "delete",
  ];

  it.each([
    ["a guest", GUEST],
    ["a single-channel guest", "U0ULTRAGST1"],
    ["a plain member", MEMBER],
  ])("%s changes nothing by command; the refusal says who can and how", async (_who, userId) => {
    for (const text of CHANGING) {
      const { reply } = await command(text, userId);
      expect(reply.text).toContain("Only managers of AWS Chatbot can do that, and nothing was changed.");
      const full = JSON.stringify(reply);
      expect(full).toContain("workspace admins and owners");
      expect(full).toContain("/aws managers add @you");
      expect(full).not.toContain("awschatbot-");
    }
    expect(serviceCalls).toEqual([]);
    const add = await command(`managers add <@${userId}>`, userId);
    expect(add.reply.text).toContain("Only workspace admins and owners");
    expect(await db.prisma.workspaceManager.count()).toBe(0);
  });

  it("guests are told they are guests; anyone may read help, list, status and the managers", async () => {
    expect((await command("delete", GUEST)).reply.text).toContain("Guests cannot change AWS Chatbot.");
    for (const text of ["help", "list", "status", "managers"]) await command(text, GUEST);
    expect(serviceCalls).toEqual(["describeChannel", "channelStatus"]);
  });

  it("an admin changes; a person the admin adds becomes a manager at once, a guest never, removal counts at once", async () => {
    await command(`subscribe ${ARN}`, ADMIN);
    expect(serviceCalls).toEqual(["subscribe"]);

    const added = await command(`managers add <@${MEMBER}|alice> <@${GUEST}|guest>`, ADMIN);
    expect(JSON.stringify(added.reply)).toContain(`<@${MEMBER}> can now manage AWS Chatbot`);
    expect(JSON.stringify(added.reply)).toContain(
      `<@${GUEST}> is a guest: guests are never managers; not added.`,
    );
    expect((await db.prisma.workspaceManager.findMany()).map((m) => [m.userId, m.addedBy])).toEqual([
      [MEMBER, ADMIN],
    ]);
    const audit = await db.prisma.auditEvent.findMany();
    expect(audit.map((a) => [a.action, a.userId, a.detail, a.visibleToAll])).toEqual([
      ["managers.added", ADMIN, `made <@${MEMBER}> a manager`, true],
    ]);

    await command(`subscribe ${ARN}`, MEMBER);
    expect(serviceCalls).toEqual(["subscribe", "subscribe"]);
    // A listed manager may not change the list.
    expect((await command(`managers remove <@${MEMBER}>`, MEMBER)).reply.text).toContain(
      "Only workspace admins and owners",
    );

    // Even a guest on the list (say, demoted after being added) is refused.
    await db.prisma.workspaceManager.create({ data: { teamId: TEAM, userId: GUEST, addedBy: ADMIN } });
    expect((await command("delete", GUEST)).reply.text).toContain("Guests cannot");

    const removed = await command(`managers remove <@${MEMBER}> <@${ADMIN}>`, ADMIN);
    expect(JSON.stringify(removed.reply)).toContain(`Removed <@${MEMBER}> from the managers`);
    expect(JSON.stringify(removed.reply)).toContain(`<@${ADMIN}> still manages AWS Chatbot`);
    expect((await command(`subscribe ${ARN}`, MEMBER)).reply.text).toContain("Only managers");
    expect(serviceCalls).toEqual(["subscribe", "subscribe"]);
  });

  it("the installer is a manager and may change the list; users.info is asked once a minute per person", async () => {
    const installer = "U0INSTALL01";
    await db.prisma.installation.create({
      data: { id: "i1", installKey: `T:${TEAM}`, teamId: TEAM, installerUserId: installer, dataEnc: "x" },
    });
    const first = await command(`managers add <@${MEMBER}>`, installer);
    expect(JSON.stringify(first.reply)).toContain(`<@${installer}> (who installed AWS Chatbot)`);
    const list = await command("managers", MEMBER);
    expect(list.reply.text).toBe(
      `AWS Chatbot is managed by workspace admins and owners, <@${installer}> (who installed AWS Chatbot) and the people added as managers: <@${MEMBER}>.`,
    );
    // MEMBER's facts were forgotten when the list changed, then cached: one users.info for two commands.
    const a = await command("test", MEMBER);
    const b = await command("test", MEMBER);
    expect(a.usersInfo + b.usersInfo).toBe(1);
  });

  describe("forged App Home payloads", () => {
    type ButtonArgs = Parameters<ReturnType<typeof deleteConfigurationCallback>>[0];
    async function click(
      callback: (args: ButtonArgs) => Promise<void>,
      actionId: string,
      userId: string,
    ): Promise<{ method: string }[]> {
      const { client, calls } = fakeClient(people);
      const ack = jest.fn().mockResolvedValue(undefined);
      const respond = jest.fn().mockResolvedValue(undefined);
      await clickButton(
        callback,
        client,
        { action_id: actionId, value: "cfg-1" },
        { userId },
        { ack, respond },
      );
      expect(ack).toHaveBeenCalledTimes(1);
      return calls.filter((c) => c.method !== "users.info");
    }

    it.each([
      ["guest", GUEST],
      ["plain member", MEMBER],
    ])(
      "a %s: configure, edit, send test, delete, add and remove webhook change nothing",
      async (_who, userId) => {
        const buttons: [(args: ButtonArgs) => Promise<void>, string][] = [
          [configureNewCallback(deps), HOME_ACTIONS.configureNew],
          [editConfigurationCallback(deps), HOME_ACTIONS.edit],
          [testConfigurationCallback(deps), HOME_ACTIONS.test],
          [deleteConfigurationCallback(deps), HOME_ACTIONS.delete],
          [addWebhookCallback(deps), "home_add_webhook"],
          [removeWebhookCallback(deps), "home_remove_webhook"],
        ];
        for (const [callback, actionId] of buttons) {
          expect(await click(callback, actionId, userId)).toEqual([]);
        }
        expect(serviceCalls).toEqual([]);
        expect(notices).toHaveLength(buttons.length);
        for (const notice of notices)
          expect(notice).toMatch(/^:no_entry: .*Only managers of AWS Chatbot can do that/);
        expect(await db.prisma.auditEvent.count()).toBe(0);
      },
    );

    it("a forged confirmation of /aws delete from a member deletes nothing", async () => {
      const { client } = fakeClient(people);
      const respond = jest.fn().mockResolvedValue(undefined);
      await clickButton(
        confirmDeleteCallback(deps),
        client,
        { action_id: "command_delete_confirm", value: "cfg-1" },
        { userId: MEMBER, channelId: SLACK_IDS.channelId },
        { respond },
      );
      expect(serviceCalls).toEqual([]);
      expect((respond.mock.calls[0][0] as Reply).text).toContain("Only managers");
    });

    it("the role template is not drawn into a member's forged modal (it holds the ExternalId)", async () => {
      const { client, calls } = fakeClient(people);
      const body = blockActionsPayload({
        actions: [radioButtonsAction("role_mode", "template")],
        userId: MEMBER,
        view: viewSubmissionPayload({ callbackId: "configure_channel" }).view,
      });
      await roleModeCallback(deps)(actionArgs(body, client));
      expect(calls.map((c) => c.method)).toEqual(["users.info"]);
      expect(serviceCalls).toEqual([]);
    });

    it.each([
      ["configure_channel", configureChannelSubmittedCallback],
      ["add_webhook", addWebhookSubmittedCallback],
    ] as const)(
      "a forged %s submission from a guest is answered with the refusal and saves nothing",
      async (callbackId, make) => {
        const { client, calls } = fakeClient(people);
        const body = viewSubmissionPayload({
          callbackId,
          userId: GUEST,
          values: { channel: { channel: "C0FAKECHAN1" } },
        });
        const ack = jest.fn().mockResolvedValue(undefined);
        const callback = make(deps) as (args: unknown) => Promise<void>;
        await callback({ ack, body, view: body.view, client, context: {} });
        expect(ack).toHaveBeenCalledWith({
          response_action: "update",
          view: expect.objectContaining({ title: expect.objectContaining({ text: "Not allowed" }) }),
        });
        expect(JSON.stringify(ack.mock.calls[0][0])).toContain("Guests cannot change AWS Chatbot");
        expect(calls.map((c) => c.method)).toEqual(["users.info"]);
        expect(serviceCalls).toEqual([]);
        expect(await db.prisma.channelConfiguration.count()).toBe(0);
      },
    );
  });
});
