/**
 * Slack and the configuration file agree (issue 16): a configuration applied from a file refuses
 * every change from `/aws` and App Home, even from an admin, and nothing changes; `/aws list` says it
 * is file-managed; `allow_slack_changes` lets Slack change it. Listener callbacks called directly
 * with small fakes, the real ConfigurationService on a real database.
 */
import { randomBytes } from "node:crypto";
import { ChannelMentions } from "../../src/configurations/channel-mentions";
import { ConfigurationService } from "../../src/configurations/configuration-service";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { ExternalIds } from "../../src/configurations/external-id";
import { FILE_MANAGED_REFUSAL, slackMayChange } from "../../src/configurations/file-managed";
import { MuteChanges } from "../../src/configurations/mute-changes";
import { TopicAccess } from "../../src/configurations/topic-access";
import type { Database } from "../../src/db/database";
import type { DeliveryControl } from "../../src/delivery/delivery-control";
import { configuredClientsHomeView, HOME_ACTIONS } from "../../src/slack/blocks/home";
import type { Reply } from "../../src/slack/blocks/replies";
import {
  deleteConfigurationCallback,
  editConfigurationCallback,
} from "../../src/slack/listeners/actions/home-actions";
import { removeWebhookCallback } from "../../src/slack/listeners/actions/webhook-rooms";
import { awsCommandCallback } from "../../src/slack/listeners/commands/aws-command";
import type { WebhookConfigurationDeps } from "../../src/webhooks";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";
import { clickButton, commonListenerDeps, fakeClient } from "../support/listener-fakes";
import { capturingLogger } from "../support/log-capture";
import { SLACK_IDS, slashCommandPayload } from "../support/slack-payloads";

const TEAM = SLACK_IDS.teamId;
const CHANNEL = SLACK_IDS.channelId;
const ADMIN = SLACK_IDS.adminUserId;
const ARN = "arn:aws:sns:us-east-2:123456789012:alarms";

/** A client on which ADMIN, who types every command and clicks every button here, is an admin. */
const adminClient = () => fakeClient({ [ADMIN]: { is_admin: true } });

describe("slackMayChange", () => {
  it.each([
    ["slack", false, true],
    ["slack", true, true],
    ["file", false, false],
    ["file", true, true],
  ] as const)("managed_by %s, allow_slack_changes %s → %s", (managedBy, allowSlackChanges, may) => {
    expect(slackMayChange({ managedBy, allowSlackChanges })).toBe(may);
  });
});

describe("App Home's view of a file-managed configuration", () => {
  it("marks it, and names a configuration file in Recent changes as text, not as a broken mention", () => {
    const view = configuredClientsHomeView(
      {
        total: 1,
        page: 0,
        pageCount: 1,
        configurations: [
          {
            id: "c1",
            name: "alerts",
            channelId: "C1",
            channelName: "alerts",
            channelPrivate: false,
            iamRoleArn: null,
            state: "active",
            stateReason: null,
            managedBy: "file",
            allowSlackChanges: false,
            filters: null,
            topicCount: 1,
          },
        ],
        audit: [
          {
            id: "a1",
            teamId: "T1",
            userId: "config file 0123456789ab",
            action: "configuration.created",
            detail: "created alerts (#alerts)",
            createdAt: new Date(0),
          },
        ],
      },
      { command: "/aws" },
    );
    const text = JSON.stringify(view.blocks);
    expect(text).toContain("managed by a configuration file: change it there");
    expect(text).toContain("· config file 0123456789ab created alerts");
    expect(text).not.toContain("<@config file");
  });
});

describeEachDatabase("file-managed configurations in Slack", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let subscribeCalls: string[];
  let notices: string[];
  let configurationId: string;
  const { logger } = capturingLogger();

  function deps() {
    const serviceDeps = {
      prisma: db.prisma,
      subscriptions: {
        ensureSubscribed: async (arn: string) => {
          subscribeCalls.push(arn);
          return { status: "pending" as const, statusReason: null };
        },
        release: async (arn: string) => {
          subscribeCalls.push(`release ${arn}`);
        },
      },
      delivery: {} as DeliveryControl,
      externalIds: new ExternalIds(randomBytes(32)),
      logger,
      topicAccess: new TopicAccess({ prisma: db.prisma, policy: "any", logger, command: "/aws" }),
    };
    return {
      ...commonListenerDeps(db.prisma, logger, notices),
      service: new ConfigurationService(serviceDeps),
      noise: {
        mentions: new ChannelMentions({ prisma: db.prisma, changed: () => {} }),
        mutes: new MuteChanges({ prisma: db.prisma, changed: async () => {}, now: () => new Date() }),
      },
      webhooks: {
        prisma: db.prisma,
        subscriptions: serviceDeps.subscriptions,
      } as unknown as WebhookConfigurationDeps,
    };
  }

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
    subscribeCalls = [];
    notices = [];
    const row = await createSlackConfiguration(db.prisma, {
      teamId: TEAM,
      channelId: CHANNEL,
      channelName: "alerts",
      name: "alerts",
      managedBy: "file",
    });
    configurationId = row.id;
    await addTopicToConfiguration(db.prisma, row.id, { topicArn: ARN, region: "us-east-2" });
    await db.prisma.channelConfiguration.create({
      data: {
        id: "room-1",
        kind: "webhook",
        name: "room",
        teamId: TEAM,
        webhookDescription: "Ops/Hook",
        managedBy: "file",
      },
    });
  });
  afterEach(() => dispose());

  const state = async () =>
    JSON.stringify([
      await db.prisma.channelConfiguration.findMany({ orderBy: { id: "asc" } }),
      await db.prisma.configurationTopic.findMany(),
      await db.prisma.channelMention.count(),
      await db.prisma.auditEvent.count(),
    ]);

  async function command(text: string, d = deps()): Promise<Reply> {
    const { client } = adminClient();
    const respond = jest.fn().mockResolvedValue(undefined);
    const args = { command: slashCommandPayload({ text, user_id: ADMIN }), ack: jest.fn(), respond, client };
    await awsCommandCallback(d)(args as unknown as Parameters<ReturnType<typeof awsCommandCallback>>[0]);
    return respond.mock.calls[0][0] as Reply;
  }

  it("every /aws change, even an admin's, is refused with where to change it; nothing changes", async () => {
    const before = await state();
    for (const text of [
      `subscribe arn:aws:sns:us-east-2:123456789012:other`,
      `unsubscribe ${ARN}`,
      "role arn:aws:iam::123456789012:role/Chat",
      "role none",
      "mention <!here>",
      "mention none",
      "mute permission members",
      "filter severity high",
      "delete",
    ]) {
      expect((await command(text)).text).toContain(FILE_MANAGED_REFUSAL);
    }
    expect(await state()).toBe(before);
    expect(subscribeCalls).toEqual([]);
    // Reading is not a change: list says who owns the configuration.
    expect(JSON.stringify(await command("list"))).toContain(
      "managed by a configuration file: change it there",
    );
  });

  it("App Home: edit, delete and remove webhook room are refused with the same notice", async () => {
    const before = await state();
    const d = deps();
    type ButtonArgs = Parameters<ReturnType<typeof deleteConfigurationCallback>>[0];
    const click = async (callback: (args: ButtonArgs) => Promise<void>, actionId: string, value: string) => {
      const { client, calls } = adminClient();
      await clickButton(callback, client, { action_id: actionId, value }, { userId: ADMIN });
      // What the click asked of Slack beyond who the clicker is.
      return calls.filter((call) => call.method !== "users.info").map((call) => call.method);
    };
    expect(await click(editConfigurationCallback(d), HOME_ACTIONS.edit, configurationId)).toEqual([]);
    await click(deleteConfigurationCallback(d), HOME_ACTIONS.delete, configurationId);
    await click(removeWebhookCallback(d), "home_remove_webhook", "room-1");
    expect(notices).toHaveLength(3);
    for (const notice of notices) expect(notice).toContain(FILE_MANAGED_REFUSAL);
    expect(await state()).toBe(before);
  });

  it("allow_slack_changes: true lets Slack change it", async () => {
    await db.prisma.channelConfiguration.update({
      where: { id: configurationId },
      data: { allowSlackChanges: true },
    });
    const reply = await command(`unsubscribe ${ARN}`);
    expect(reply.text).not.toContain(FILE_MANAGED_REFUSAL);
    expect(await db.prisma.configurationTopic.count({ where: { configurationId } })).toBe(0);
  });
});
