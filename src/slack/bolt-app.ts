/**
 * Builds the Bolt app: HTTP mode shares our Express app through ExpressReceiver (one server for
 * Slack, SNS and health routes); Socket Mode (development, SLACK_APP_TOKEN) is single-workspace.
 */
import { App, ExpressReceiver } from "@slack/bolt";
import type { Express } from "express";
import type { Config } from "../config";
import type { ChannelFilters } from "../configurations/channel-filters";
import { ChannelMentions } from "../configurations/channel-mentions";
import { ConfigurationEditor } from "../configurations/configuration-editor";
import { ConfigurationService } from "../configurations/configuration-service";
import { ExternalIds } from "../configurations/external-id";
import { ManagerChanges } from "../configurations/manager-changes";
import { MuteChanges } from "../configurations/mute-changes";
import { Permissions } from "../configurations/permissions";
import type { TopicAccess } from "../configurations/topic-access";
import type { TopicSubscriber } from "../configurations/topic-changes";
import type { Database, PrismaClient } from "../db/database";
import { resolveEncryptionKey } from "../db/encryption-key";
import type { SecretBox } from "../db/secret-box";
import type { DeliveryControl } from "../delivery/delivery-control";
import type { NoiseSnapshot } from "../delivery/noise-snapshot";
import { NotificationActions } from "../delivery/notification-actions";
import { boltLoggerFrom, type Logger } from "../logger";
import { listWebhookConfigurations, type WebhookConfigurationDeps } from "../webhooks";
import { welcomeHomeView } from "./blocks/home";
import { PrismaInstallationStore } from "./installation-store";
import { ListenerRuns } from "./listener-runs";
import { register as registerActions } from "./listeners/actions";
import { register as registerCommands } from "./listeners/commands";
import { register as registerEvents } from "./listeners/events";
import { homePublisher } from "./listeners/home-publisher";
import { PersonCache } from "./listeners/slack-lookups";
import { register as registerViews } from "./listeners/views";
import { slackRequestGuard } from "./requests/request-guard";
import { RequestReplays } from "./requests/request-replays";
import { WorkspaceRemoval } from "./workspace-removal";
import { InstalledWorkspaceTokens, SingleWorkspaceTokens, type WorkspaceTokens } from "./workspace-tokens";

/**
 * Bot scopes of manifest.yml; the install URL asks for exactly these. `users:read` is for users.info
 * (is this person an admin, owner or guest? see configurations/permissions.ts); `channels:read` and
 * `groups:read` also cover conversations.members (is the manager in the channel?).
 */
export const BOT_SCOPES = [
  "chat:write",
  "chat:write.public",
  "commands",
  "channels:read",
  "groups:read",
  "files:write",
  "users:read",
];

/** Where Slack sends events, commands and interactions (manifest.yml's request URLs). */
export const SLACK_EVENTS_PATH = "/slack/events";

export interface SlackAppDeps {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  secrets: SecretBox;
  expressApp: Express;
  /** The deployment's SNS subscriptions (SubscriptionService): subscribe on configure, release on removal. */
  subscriptions: TopicSubscriber & WebhookConfigurationDeps["subscriptions"];
  /** The delivery worker: wake after a test message, release held deliveries, report status. */
  delivery: DeliveryControl;
  /** TOPIC_ACCESS, checked by every service that adds topics for a workspace. */
  topicAccess: TopicAccess;
  db: Database;
  /** Mentions and mutes in memory: told of every change (issue 13). */
  noise: NoiseSnapshot;
  /** Channel filters (`/aws filter`, the configure modal). */
  filters: ChannelFilters;
}

export interface SlackApp {
  bolt: App;
  receiver?: ExpressReceiver;
  installationStore?: PrismaInstallationStore;
  /** Bot tokens for work outside a Slack request (delivery, notices). */
  tokens: WorkspaceTokens;
  /** Listener work still running after its ack (shutdown waits for it). */
  runs: ListenerRuns;
}

export function createSlackApp({
  config,
  logger,
  prisma,
  secrets,
  expressApp,
  subscriptions,
  delivery,
  topicAccess,
  db,
  noise,
  filters,
}: SlackAppDeps): SlackApp {
  // Bolt's own lines ("http request failed fetch failed") name no host: every one carries it here.
  const boltLogger = boltLoggerFrom(logger.child({ slackApi: new URL(config.slack.apiUrl).host }));
  const clientOptions = { slackApiUrl: config.slack.apiUrl };
  const workspaceRemoval = new WorkspaceRemoval(
    prisma,
    logger.child({ component: "workspace-removal" }),
    subscriptions,
  );
  const serviceDeps = {
    prisma,
    subscriptions,
    delivery,
    // Workspace ExternalIds are derived from ENCRYPTION_KEY (configurations/external-id.ts).
    externalIds: new ExternalIds(resolveEncryptionKey(config, logger)),
    logger: logger.child({ component: "configurations" }),
    topicAccess,
  };
  const service = new ConfigurationService(serviceDeps);
  const editor = new ConfigurationEditor(serviceDeps);
  const command = config.slack.command;
  const listenerLogger = logger.child({ component: "slack-listeners" });
  // App Home's "Webhook rooms" (webhooks/): same subscriptions and ExternalIds as the channels.
  const webhooks: WebhookConfigurationDeps = {
    prisma,
    secrets,
    externalIds: serviceDeps.externalIds,
    subscriptions,
    webhookUrlPattern: config.webhookUrlPattern,
    topicAccess,
  };
  // Who may do what: decided on every request; users.info answers shared by all of them for a minute.
  const permissions = new Permissions(prisma, command);
  const access = { permissions, people: new PersonCache() };
  const managers = new ManagerChanges(prisma, permissions);
  const changed = () => noise.changed();
  const noiseServices = {
    mentions: new ChannelMentions({ prisma, changed }),
    mutes: new MuteChanges({ prisma, changed, now: noise.now }),
  };
  const notifications = new NotificationActions({ db, noise, changed });
  const home = homePublisher(service, access, command, listenerLogger, (teamId) =>
    listWebhookConfigurations(prisma, secrets, { teamId }),
  );
  let bolt: App;
  let receiver: ExpressReceiver | undefined;
  let installationStore: PrismaInstallationStore | undefined;

  if (config.slack.appToken) {
    bolt = new App({
      socketMode: true,
      appToken: config.slack.appToken,
      token: config.slack.botToken,
      logger: boltLogger,
      clientOptions,
    });
  } else {
    const oauth = config.slack.botToken ? undefined : config.slack.oauth;
    installationStore = oauth ? new PrismaInstallationStore(prisma, secrets) : undefined;
    // Ahead of the receiver's own route: Bolt refuses only old timestamps and never replays.
    expressApp.post(
      SLACK_EVENTS_PATH,
      slackRequestGuard({
        signingSecret: config.slack.signingSecret ?? "",
        replays: new RequestReplays(prisma, logger.child({ component: "slack-replays" })),
        logger: logger.child({ component: "slack-requests" }),
      }),
    );
    receiver = new ExpressReceiver({
      signingSecret: config.slack.signingSecret ?? "",
      logger: boltLogger,
      app: expressApp,
      endpoints: SLACK_EVENTS_PATH,
      ...(oauth && {
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        stateSecret: oauth.stateSecret,
        scopes: BOT_SCOPES,
        // Slack requires the redirect_uri sent at authorize time to be sent again at exchange time.
        redirectUri: config.publicUrl ? `${config.publicUrl}/slack/oauth_redirect` : undefined,
        installationStore,
        installerOptions: {
          directInstall: false,
          redirectUriPath: "/slack/oauth_redirect",
          stateVerification: true,
          clientOptions,
          callbackOptions: {
            success: (installation, _options, _req, res) => {
              // The installer lands on a page saying what to do next; App Home says the same.
              const userId = installation.user.id;
              const token = installation.bot?.token;
              if (token) {
                bolt.client.views
                  .publish({
                    token,
                    user_id: userId,
                    view: welcomeHomeView({ command: config.slack.command }),
                  })
                  .catch((error: unknown) =>
                    logger.warn({ err: error }, "could not publish App Home after install"),
                  );
              }
              res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
              res.end(installedPage(config.slack.command));
            },
          },
        },
      }),
    });
    bolt = new App({
      receiver,
      token: config.slack.botToken,
      logger: boltLogger,
      clientOptions,
    });
  }

  const runs = new ListenerRuns();
  runs.track(bolt);
  registerCommands(bolt, {
    command,
    service,
    managers,
    noise: noiseServices,
    filters,
    ...access,
    logger: listenerLogger,
  });
  registerEvents(bolt, { command, service, home, workspaceRemoval, logger: listenerLogger });
  registerActions(bolt, {
    command,
    service,
    delivery,
    home,
    workspaceRemoval,
    webhooks,
    notifications,
    now: noise.now,
    ...access,
    logger: listenerLogger,
  });
  registerViews(bolt, {
    command,
    service,
    editor,
    home,
    webhooks,
    filters,
    ...access,
    logger: listenerLogger,
  });
  bolt.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });
  const tokens: WorkspaceTokens = config.slack.botToken
    ? new SingleWorkspaceTokens(config.slack.botToken)
    : new InstalledWorkspaceTokens(receiver?.installer as NonNullable<ExpressReceiver["installer"]>);
  return { bolt, receiver, installationStore, tokens, runs };
}

function installedPage(command: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>AWS Chatbot installed</title></head>
<body><h1>AWS Chatbot is installed</h1>
<p>In any Slack channel, type <code>${command} help</code> to see the commands, then
<code>${command} subscribe arn:aws:sns:&lt;region&gt;:&lt;account&gt;:&lt;topic&gt;</code> to receive a topic there.</p>
</body></html>`;
}
