import type { ConfigurationEditor } from "../../src/configurations/configuration-editor";
import type { ConfigurationService } from "../../src/configurations/configuration-service";
import type { Database } from "../../src/db/database";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { roleSetReply } from "../../src/slack/blocks/command-replies";
import { HOME_ACTIONS } from "../../src/slack/blocks/home";
import type { Reply } from "../../src/slack/blocks/replies";
import { confirmDeleteCallback } from "../../src/slack/listeners/actions/delete-confirm";
import {
  deleteConfigurationCallback,
  editConfigurationCallback,
  testConfigurationCallback,
} from "../../src/slack/listeners/actions/home-actions";
import { removeWorkspaceCallback } from "../../src/slack/listeners/actions/remove-workspace";
import { removeWebhookCallback } from "../../src/slack/listeners/actions/webhook-rooms";
import { awsCommandCallback } from "../../src/slack/listeners/commands/aws-command";
import { readWebhookForm } from "../../src/slack/listeners/views/add-webhook-form";
import { configureChannelSubmittedCallback } from "../../src/slack/listeners/views/configure-channel";
import type { WorkspaceRemoval } from "../../src/slack/workspace-removal";
import { NO_PUBLIC_ADDRESS_REASON, SubscriptionService } from "../../src/sns/subscriptions";
import type { WebhookConfigurationDeps } from "../../src/webhooks";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";
import {
  clickButton,
  commonListenerDeps,
  fakeClient,
  recording,
  recordingNoise,
} from "../support/listener-fakes";
import { capturingLogger } from "../support/log-capture";
import { SLACK_IDS, slashCommandPayload, viewSubmissionPayload } from "../support/slack-payloads";

const ADMIN = SLACK_IDS.adminUserId;
/** What an internal failure may say: addresses, dependency URLs, the settings that point at them. */
const INTERNALS =
  "connect ECONNREFUSED 127.0.0.1:5432 (DATABASE_URL=postgres://postgres@localhost:5432/test); " +
  "SNS at http://127.0.0.1:4566 (AWS_ENDPOINT_URL_SNS), Slack at https://slack.internal:8443/api " +
  "(SLACK_API_URL, SLACK_BOT_TOKEN); PUBLIC_URL is http://10.0.0.7:3000; ENCRYPTION_KEY changed?";
const FORBIDDEN =
  /PUBLIC_URL|SLACK_[A-Z_]+|AWS_[A-Z_]+|DATABASE_URL|ENCRYPTION_KEY|https?:\/\/|127\.0\.0\.1|localhost|10\.0\.0\.7|slack\.internal/;

const failing = () => {
  throw new ChatbotError(ErrorCode.SlackApiFailed, `it failed: ${INTERNALS}`);
};

describeEachDatabase("what users are told of internal failures", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;
  let shown: string[];
  const { logger, text: logged } = capturingLogger();

  function makeDeps(workspaceRemoval: Partial<WorkspaceRemoval> = {}) {
    const throwing = new Proxy({}, { get: () => new Proxy({}, { get: () => failing }) });
    return {
      ...commonListenerDeps(db.prisma, logger, shown),
      noise: recordingNoise([]),
      service: recording<ConfigurationService>([], failing),
      editor: recording<ConfigurationEditor>([], (name) =>
        name === "prepare" ? { ok: true, plan: {} } : failing(),
      ),
      webhooks: { prisma: throwing } as unknown as WebhookConfigurationDeps,
      workspaceRemoval: workspaceRemoval as WorkspaceRemoval,
    };
  }

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
    shown = [];
  });
  afterEach(() => dispose());

  function expectClean(what: unknown): void {
    const text = JSON.stringify(what);
    expect(text).not.toMatch(FORBIDDEN);
  }

  it("slash commands and the delete confirmation", async () => {
    const deps = makeDeps();
    for (const text of ["subscribe arn:aws:sns:us-east-1:123456789012:a", "list", "status", "test"]) {
      const respond = jest.fn().mockResolvedValue(undefined);
      const { client } = fakeClient({ [ADMIN]: { is_admin: true } });
      const command = slashCommandPayload({ text, user_id: ADMIN });
      await awsCommandCallback(deps)({ command, ack: jest.fn(), respond, client } as unknown as Parameters<
        ReturnType<typeof awsCommandCallback>
      >[0]);
      const reply = respond.mock.calls[0][0] as Reply;
      expect(reply.text).toContain("it failed: connect ECONNREFUSED");
      expectClean(reply);
    }
    const respond = jest.fn().mockResolvedValue(undefined);
    const { client } = fakeClient({ [ADMIN]: { is_admin: true } });
    await clickButton(
      confirmDeleteCallback(deps),
      client,
      { action_id: "command_delete_confirm", value: "cfg-1" },
      { userId: ADMIN, channelId: SLACK_IDS.channelId },
      { respond },
    );
    expect(JSON.stringify(respond.mock.calls[0][0])).toContain("it failed");
    expectClean(respond.mock.calls[0][0]);
  });

  it("App Home notices, and the refusal when Slack cannot say who is clicking", async () => {
    const deps = makeDeps();
    type ButtonArgs = Parameters<ReturnType<typeof testConfigurationCallback>>[0];
    const click = async (
      callback: (args: ButtonArgs) => Promise<void>,
      client = fakeClient({ [ADMIN]: { is_admin: true } }).client,
    ) => {
      await clickButton(
        callback,
        client,
        { action_id: HOME_ACTIONS.test, value: "cfg-1" },
        { userId: ADMIN },
      );
    };
    await click(testConfigurationCallback(deps));
    await click(deleteConfigurationCallback(deps));
    await click(removeWebhookCallback(deps) as (args: ButtonArgs) => Promise<void>);
    // users.info failing with the internals in its error: the Home says it could not check.
    const { client } = fakeClient({});
    (client as unknown as { users: { info: () => Promise<never> } }).users.info = () =>
      Promise.reject(new Error(INTERNALS));
    await click(editConfigurationCallback(makeDeps()), client);
    expect(shown).toHaveLength(4);
    expect(shown.at(-1)).toContain("Could not check that you may do this");
    for (const notice of shown) {
      expect(notice).toContain("connect ECONNREFUSED");
      expectClean(notice);
    }
  });

  it("the configure form's save failure and the workspace removal's refusal and failure", async () => {
    const { client, calls } = fakeClient({ [ADMIN]: { is_admin: true } });
    const body = viewSubmissionPayload({ callbackId: "configure_channel", userId: ADMIN });
    await (configureChannelSubmittedCallback(makeDeps()) as (args: unknown) => Promise<void>)({
      ack: jest.fn(),
      body,
      view: body.view,
      client,
      context: {},
    });
    const saved = calls.filter((call) => call.method === "views.update").map((call) => call.args);
    expect(JSON.stringify(saved)).toContain("Not saved");

    const remove = async (removal: Partial<WorkspaceRemoval>) => {
      const fake = fakeClient({ [ADMIN]: { is_admin: true } });
      await clickButton(
        removeWorkspaceCallback(makeDeps(removal)),
        fake.client,
        { action_id: HOME_ACTIONS.removeWorkspace },
        { userId: ADMIN },
      );
      return fake.calls.filter((call) => call.method.startsWith("views.")).map((call) => call.args);
    };
    const refused = await remove({ checkRemoval: async () => failing() });
    const failed = await remove({
      checkRemoval: async () => ({ allowed: true }),
      removeWorkspaceConfiguration: async () => failing(),
    });
    expect(JSON.stringify(refused)).toContain("Cannot remove");
    expect(JSON.stringify(failed)).toContain("The workspace configuration was not removed");
    for (const views of [saved, refused, failed]) {
      expect(JSON.stringify(views)).toContain("connect ECONNREFUSED");
      expectClean(views);
    }
  });

  it("the Add webhook form's field errors name no setting (the CLI's share the validators)", () => {
    const entry = (id: string, value: string) => ({ [id]: { [id]: { type: "plain_text_input", value } } });
    for (const url of ["https://mattermost.example.com/hooks/abc", "http://127.0.0.1:9/hooks/x"]) {
      const form = readWebhookForm(
        {
          ...entry("webhook_url", url),
          ...entry("webhook_description", "Ops"),
          ...entry("webhook_topics", "arn:aws:sns:us-east-1:123456789012:a"),
        },
        {},
      );
      expect(form.ok).toBe(false);
      const errors = JSON.stringify(form.ok ? {} : form.errors);
      expect(errors).toContain("The webhook URL was refused");
      expect(errors).not.toMatch(/WEBHOOK_URL_PATTERN|[A-Z]+_[A-Z_]+/);
    }
  });

  it("a failed role proof quotes AWS's reason without the endpoint it could not reach", () => {
    const configuration = {
      id: "cfg-1",
      kind: "slack" as const,
      name: "alerts",
      teamId: SLACK_IDS.teamId,
      enterpriseId: null,
      channelId: SLACK_IDS.channelId,
      channelName: "alerts",
      channelPrivate: false,
      iamRoleArn: "arn:aws:iam::123456789012:role/Chat",
      externalId: "awschatbot-0",
      filters: null,
      managedBy: "slack" as const,
      allowSlackChanges: false,
      state: "active" as const,
      stateReason: null,
      createdBy: ADMIN,
      createdAt: new Date(),
      topics: [],
    };
    const note = `The channel's role did not prove access: sts:AssumeRole failed: ${INTERNALS}`;
    const reply = roleSetReply("/aws", configuration, null, false, note);
    expect(JSON.stringify(reply)).toContain("sts:AssumeRole failed: connect ECONNREFUSED");
    expectClean(reply);
  });

  it("a topic that cannot be subscribed without PUBLIC_URL: a plain sentence for users, the setting in the log", async () => {
    const sns = recording<ConstructorParameters<typeof SubscriptionService>[1]>([]);
    const subscriptions = new SubscriptionService(db.prisma, sns, logger, {});
    const topicArn = "arn:aws:sns:us-east-1:123456789012:no-public-url";
    const state = await subscriptions.ensureSubscribed(topicArn);
    expect(state).toMatchObject({ status: "failed", statusReason: NO_PUBLIC_ADDRESS_REASON });
    expect(NO_PUBLIC_ADDRESS_REASON).not.toMatch(FORBIDDEN);
    expect(logged()).toContain("PUBLIC_URL is not set");
    expect(logged()).toContain(topicArn);
  });
});
