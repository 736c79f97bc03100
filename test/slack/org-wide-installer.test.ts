import type { ConfigurationEditor } from "../../src/configurations/configuration-editor";
import type { ConfigurationService, WorkspaceOverview } from "../../src/configurations/configuration-service";
import type { Database } from "../../src/db/database";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { HOME_ACTIONS } from "../../src/slack/blocks/home";
import type { Reply } from "../../src/slack/blocks/replies";
import {
  configureNewCallback,
  deleteConfigurationCallback,
  editConfigurationCallback,
  testConfigurationCallback,
} from "../../src/slack/listeners/actions/home-actions";
import { roleModeCallback } from "../../src/slack/listeners/actions/modal-actions";
import { removeWorkspaceCallback } from "../../src/slack/listeners/actions/remove-workspace";
import { addWebhookCallback } from "../../src/slack/listeners/actions/webhook-rooms";
import { awsCommandCallback } from "../../src/slack/listeners/commands/aws-command";
import { appHomeOpenedCallback } from "../../src/slack/listeners/events/app-home-opened";
import { homePublisher } from "../../src/slack/listeners/home-publisher";
import { addWebhookSubmittedCallback } from "../../src/slack/listeners/views/add-webhook";
import { configureChannelSubmittedCallback } from "../../src/slack/listeners/views/configure-channel";
import { WorkspaceRemoval } from "../../src/slack/workspace-removal";
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
  appHomeOpenedEvent,
  blockActionsPayload,
  eventCallback,
  radioButtonsAction,
  SLACK_IDS,
  slashCommandPayload,
  viewSubmissionPayload,
} from "../support/slack-payloads";

const ORG = SLACK_IDS.enterpriseId;
/** Two workspaces of the org; the installer is a plain member (no admin flag) in both. */
const TEAMS = [SLACK_IDS.teamId, SLACK_IDS.otherTeamId];
const ORG_INSTALLER = "U0ORGINST01";
const MEMBER = SLACK_IDS.userId;
const ARN = "arn:aws:sns:us-east-2:123456789012:alarms";
const people: Record<string, FakeUser> = { [ORG_INSTALLER]: {}, [MEMBER]: {} };

type ButtonArgs = Parameters<ReturnType<typeof configureNewCallback>>[0];

describeEachDatabase("the installer of an org-wide installation", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let serviceCalls: string[];
  let notices: string[];
  const { logger } = capturingLogger();

  function makeDeps() {
    return {
      ...commonListenerDeps(db.prisma, logger, notices),
      noise: recordingNoise(serviceCalls),
      // Finds nothing: the click got past the permission check and reached the service.
      service: recording<ConfigurationService>(serviceCalls, (name) => {
        if (name === "findConfiguration") return null;
        if (name === "roleTemplate") return { template: undefined };
        throw new ChatbotError(ErrorCode.NotFound, "no such configuration");
      }),
      // A draft that does not validate: the submission got past the permission check.
      editor: recording<ConfigurationEditor>(serviceCalls, () => ({ ok: false, errors: { channel: "x" } })),
      webhooks: { prisma: db.prisma } as unknown as WebhookConfigurationDeps,
      workspaceRemoval: new WorkspaceRemoval(db.prisma, logger, { release: async () => {} }),
    };
  }

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
    serviceCalls = [];
    notices = [];
    // As PrismaInstallationStore stores an org-wide install: keyed by enterprise, no team.
    await db.prisma.installation.create({
      data: {
        id: "org-install",
        installKey: `E:${ORG}`,
        teamId: null,
        enterpriseId: ORG,
        isEnterpriseInstall: true,
        installerUserId: ORG_INSTALLER,
        dataEnc: "x",
      },
    });
  });
  afterEach(() => dispose());

  async function command(text: string, userId: string, teamId: string): Promise<Reply> {
    const deps = makeDeps();
    const { client } = fakeClient(people);
    const respond = jest.fn().mockResolvedValue(undefined);
    const payload = slashCommandPayload({
      text,
      user_id: userId,
      team_id: teamId,
      enterprise_id: ORG,
      is_enterprise_install: "true",
    });
    const args = { command: payload, ack: jest.fn(), respond, client };
    await awsCommandCallback(deps)(args as unknown as Parameters<ReturnType<typeof awsCommandCallback>>[0]);
    return respond.mock.calls[0][0] as Reply;
  }

  it.each(TEAMS)("changes configurations and the managers list by command in workspace %s", async (team) => {
    await command(`subscribe ${ARN}`, ORG_INSTALLER, team);
    expect(serviceCalls).toEqual(["subscribe"]);
    const added = await command(`managers add <@${MEMBER}>`, ORG_INSTALLER, team);
    expect(JSON.stringify(added)).toContain(`<@${MEMBER}> can now manage AWS Chatbot`);
    const list = await command("managers", MEMBER, team);
    expect(list.text).toContain(`<@${ORG_INSTALLER}> (who installed AWS Chatbot)`);
  });

  it("uses every App Home button and the configure modal in each workspace of the org", async () => {
    const deps = makeDeps();
    const buttons: [(args: ButtonArgs) => Promise<void>, string][] = [
      [configureNewCallback(deps), HOME_ACTIONS.configureNew],
      [editConfigurationCallback(deps), HOME_ACTIONS.edit],
      [testConfigurationCallback(deps), HOME_ACTIONS.test],
      [deleteConfigurationCallback(deps), HOME_ACTIONS.delete],
      [addWebhookCallback(deps), "home_add_webhook"],
    ];
    for (const teamId of TEAMS) {
      for (const [callback, actionId] of buttons) {
        const { client } = fakeClient(people);
        await clickButton(
          callback,
          client,
          { action_id: actionId, value: "cfg-1" },
          { userId: ORG_INSTALLER, teamId, enterpriseId: ORG },
        );
      }
    }
    // Edit, test and delete answer on the Home; configure and add webhook open their forms.
    expect(notices).toHaveLength(6);
    for (const notice of notices) expect(notice).not.toContain("Only managers");
    // Edit found nothing (the fake service), test and delete reached the service in both workspaces.
    expect(serviceCalls.filter((call) => call !== "findConfiguration")).toEqual([
      "sendTest",
      "deleteConfiguration",
      "sendTest",
      "deleteConfiguration",
    ]);

    const { client, calls } = fakeClient(people);
    const body = blockActionsPayload({
      actions: [radioButtonsAction("role_mode", "template")],
      userId: ORG_INSTALLER,
      enterpriseId: ORG,
      view: viewSubmissionPayload({ callbackId: "configure_channel" }).view,
    });
    serviceCalls.length = 0;
    await roleModeCallback(deps)(actionArgs(body, client));
    expect(serviceCalls).toEqual(["roleTemplate"]);
    expect(calls.map((c) => c.method)).toContain("views.update");
  });

  it.each([
    ["configure_channel", configureChannelSubmittedCallback],
    ["add_webhook", addWebhookSubmittedCallback],
  ] as const)("submits the %s form (checked past the permission gate)", async (callbackId, make) => {
    const { client } = fakeClient(people);
    const body = viewSubmissionPayload({ callbackId, userId: ORG_INSTALLER, enterpriseId: ORG });
    const ack = jest.fn().mockResolvedValue(undefined);
    await (make(makeDeps()) as (args: unknown) => Promise<void>)({
      ack,
      body,
      view: body.view,
      client,
      context: {},
    });
    expect(ack).toHaveBeenCalledWith(expect.objectContaining({ response_action: "errors" }));
    expect(JSON.stringify(ack.mock.calls)).not.toContain("Not allowed");
  });

  it("sees the managers' App Home, with the buttons, when it opens", async () => {
    const overview: WorkspaceOverview = { configurations: [], total: 0, page: 0, pageCount: 1, audit: [] };
    const service = recording<ConfigurationService>([], (name) =>
      name === "workspaceOverview" ? overview : undefined,
    );
    const deps = makeDeps();
    const home = homePublisher(service, deps, "/aws", logger);
    for (const [userId, buttons] of [
      [ORG_INSTALLER, true],
      [MEMBER, false],
    ] as const) {
      const { client, calls } = fakeClient(people);
      const body = eventCallback(appHomeOpenedEvent({ user: userId }), {
        enterpriseId: ORG,
        isEnterpriseInstall: true,
      });
      await appHomeOpenedCallback(home)({
        event: body.event,
        body,
        client,
        context: {},
      } as unknown as Parameters<ReturnType<typeof appHomeOpenedCallback>>[0]);
      const published = JSON.stringify(calls.find((c) => c.method === "views.publish")?.args);
      expect(published.includes(HOME_ACTIONS.configureNew)).toBe(buttons);
      expect(published.includes(HOME_ACTIONS.removeWorkspace)).toBe(buttons);
    }
  });

  it("may remove the workspace configuration (refused only because a configuration is left)", async () => {
    await db.prisma.channelConfiguration.create({
      data: { id: "cfg-1", kind: "slack", name: "alerts", teamId: SLACK_IDS.teamId, enterpriseId: ORG },
    });
    const deps = makeDeps();
    const views: string[] = [];
    for (const userId of [ORG_INSTALLER, MEMBER]) {
      const { client, calls } = fakeClient(people);
      await clickButton(
        removeWorkspaceCallback(deps),
        client,
        { action_id: HOME_ACTIONS.removeWorkspace },
        { userId, enterpriseId: ORG },
      );
      views.push(JSON.stringify(calls.find((c) => c.method === "views.open")?.args));
    }
    expect(views[0]).toContain("still has 1 channel configuration");
    expect(views[1]).toContain("Only workspace admins and owners");
    expect(views[1]).toContain(`<@${ORG_INSTALLER}> who installed AWS Chatbot`);
    expect(await db.prisma.installation.count()).toBe(1);
  });

  it("removing one workspace of the org keeps the org's installation and token", async () => {
    await db.prisma.channelConfiguration.create({
      data: { id: "cfg-2", kind: "slack", name: "other", teamId: SLACK_IDS.otherTeamId, enterpriseId: ORG },
    });
    const { client, calls } = fakeClient(people);
    await clickButton(
      removeWorkspaceCallback(makeDeps()),
      client,
      { action_id: HOME_ACTIONS.removeWorkspace },
      { userId: ORG_INSTALLER, enterpriseId: ORG },
    );
    expect(calls.map((c) => c.method)).toEqual(["views.open"]);
    expect(JSON.stringify(calls[0].args)).toContain("It stays installed for your organization");
    // No auth.revoke (the fake client has none), the org's installation and other workspace intact.
    expect(await db.prisma.installation.count()).toBe(1);
    expect((await db.prisma.channelConfiguration.findMany()).map((c) => c.id)).toEqual(["cfg-2"]);
    const audit = await db.prisma.auditEvent.findMany();
    expect(audit.map((a) => [a.teamId, a.action])).toEqual([[SLACK_IDS.teamId, "workspace.removed"]]);
  });

  it("a payload without the org's id does not make the org's installer a manager", async () => {
    const deps = makeDeps();
    const { client } = fakeClient(people);
    const respond = jest.fn().mockResolvedValue(undefined);
    const payload = slashCommandPayload({ text: "delete", user_id: ORG_INSTALLER });
    await awsCommandCallback(deps)({
      command: payload,
      ack: jest.fn(),
      respond,
      client,
    } as unknown as Parameters<ReturnType<typeof awsCommandCallback>>[0]);
    expect((respond.mock.calls[0][0] as Reply).text).toContain("Only managers");
    expect(serviceCalls).toEqual([]);
  });
});
