/**
 * Composition root: wires the database, the Slack app and our HTTP routes into one Express server.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { AlarmChartPoster } from "./charts/alarm-chart-poster";
import { ChartService } from "./charts/chart-service";
import { RoleCredentialsCache } from "./charts/role-credentials";
import type { Config } from "./config";
import { ChannelFilters } from "./configurations/channel-filters";
import { FilterCounts } from "./configurations/filter-counts";
import { FilterSnapshot } from "./configurations/filter-snapshot";
import { heldTopics } from "./configurations/linked-accounts";
import { TopicAccess } from "./configurations/topic-access";
import { type Database, openDatabase } from "./db/database";
import { secretBoxFor } from "./db/encryption-key";
import { DeliveryService } from "./delivery/delivery-service";
import { NoiseSnapshot } from "./delivery/noise-snapshot";
import { registerStatusPage } from "./first-run/status-route";
import { registerHealthRoutes } from "./http/health";
import { Metrics } from "./http/metrics";
import type { Logger } from "./logger";
import { RetentionJob } from "./retention/retention-job";
import { createSlackApp, type SlackApp } from "./slack/bolt-app";
import { TopicNotices } from "./slack/topic-notices";
import { createSnsEndpoint, isSnsEndpointRequest } from "./sns/endpoint";
import { NotificationIngest } from "./sns/ingest";
import { SnsApi } from "./sns/sns-api";
import { SNS_ENDPOINT_PATH, SubscriptionService } from "./sns/subscriptions";
import { RoleTopicProbe } from "./sns/topic-read-probe";
import { SnsMessageVerifier } from "./sns/verify-signature";
import { WantedTopics } from "./sns/wanted-topics";

export interface ChatbotServer {
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  db: Database;
  slack: SlackApp;
  metrics: Metrics;
  subscriptions: SubscriptionService;
  ingest: NotificationIngest;
  /** The outbox worker and its DeliveryControl (wake, releaseHeld, statusOf). */
  delivery: DeliveryService;
  /** RETENTION / AUDIT_RETENTION: deletes old rows every few minutes (src/retention/). */
  retention: RetentionJob;
  /** Mentions and mutes in memory (issue 13). */
  noise: NoiseSnapshot;
  /** The configurations' filters as ingest evaluates them (refresh() after writing one directly). */
  filterSnapshot: FilterSnapshot;
  /** Stops taking requests, finishes those in flight, disconnects. */
  close(): Promise<void>;
}

/** Longest wait at shutdown for Slack listeners still running after their ack. */
const LISTENER_DRAIN_MS = 15_000;

export interface ServerOptions {
  /** The clock mutes expire by (tests move it); the system's otherwise. */
  now?: () => Date;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: ServerOptions = {},
): Promise<ChatbotServer> {
  if (config.sns.certUrlPatternOverridden) {
    logger.warn(
      { pattern: config.sns.certUrlPattern.source },
      "SNS_CERT_URL_PATTERN overrides AWS's certificate hosts",
    );
  }
  if (config.webhookUrlPattern) {
    logger.warn(
      { pattern: config.webhookUrlPattern.source },
      "WEBHOOK_URL_PATTERN allows extra webhook hosts",
    );
  }
  warnAboutPublicUrl(config.publicUrl, logger);
  if (config.previousEncryptionKeys.length > 0) {
    logger.warn(
      { previousKeys: config.previousEncryptionKeys.length },
      "ENCRYPTION_KEY_PREVIOUS is set: run `npx chatbot reencrypt`, then remove it (README: Rotating ENCRYPTION_KEY)",
    );
  }
  const secrets = secretBoxFor(config, logger);
  const db = await openDatabase(config.database, { backgroundCheckpoints: { logger } });
  if (config.topicAccess === "linked") await warnOfHeldTopics(db, logger);
  const metrics = new Metrics();
  const expressApp = express();
  expressApp.disable("x-powered-by");
  registerHealthRoutes(expressApp, db, metrics);
  registerStatusPage(expressApp, config);
  const snsApi = new SnsApi({ logger, endpoint: config.awsEndpoints.sns });
  const subscriptions = new SubscriptionService(
    db.prisma,
    snsApi,
    logger.child({ component: "subscriptions" }),
    {
      publicUrl: config.publicUrl,
      // Read lazily: the Slack app (and its tokens) is built below.
      listener: new TopicNotices({
        prisma: db.prisma,
        tokens: { botTokenFor: (workspace) => slack.tokens.botTokenFor(workspace) },
        slackApiUrl: config.slack.apiUrl,
        logger,
      }),
    },
  );
  const noise = new NoiseSnapshot({ db, logger: logger.child({ component: "noise" }), now: options.now });
  // Built before the Slack app, which needs it; it reads the Slack app's bot tokens lazily.
  const delivery = new DeliveryService({
    noise,
    db,
    settings: config.delivery,
    slackApiUrl: config.slack.apiUrl,
    tokens: { botTokenFor: (workspace) => slack.tokens.botTokenFor(workspace) },
    tokenMode: config.slack.botToken ? "single" : "oauth",
    metrics,
    logger: logger.child({ component: "delivery" }),
    secrets,
  });
  const charts = new ChartService({
    endpoints: { sts: config.awsEndpoints.sts, cloudwatch: config.awsEndpoints.cloudwatch },
  });
  const alarmCharts = new AlarmChartPoster({
    prisma: db.prisma,
    charts,
    tokens: { botTokenFor: (workspace) => slack.tokens.botTokenFor(workspace) },
    slackApiUrl: config.slack.apiUrl,
    logger,
  });
  delivery.onPosted(alarmCharts.onPosted);
  const filterSnapshot = new FilterSnapshot(db.prisma, logger.child({ component: "filters" }));
  await filterSnapshot.start();
  const filterCounts = new FilterCounts(db.prisma, logger.child({ component: "filters" }), {
    counter: metrics.counter(
      "chatbot_notifications_filtered_total",
      "Notifications a channel's filters kept out (no delivery was created for that channel)",
    ),
  });
  filterCounts.start();
  const filters = new ChannelFilters({
    prisma: db.prisma,
    counts: filterCounts,
    onChange: () => filterSnapshot.refresh(),
  });
  const ingest = new NotificationIngest(db, logger.child({ component: "ingest" }), {
    onDeliveriesStored: (configurationIds) => delivery.wake(configurationIds),
    topicAccess: config.topicAccess,
    filters: { snapshot: filterSnapshot, counts: filterCounts },
  });
  // Role proof of TOPIC_ACCESS: its own credentials cache, so proofs never share a chart's session.
  const proofCredentials = new RoleCredentialsCache({ endpoint: config.awsEndpoints.sts });
  const topicAccess = new TopicAccess({
    prisma: db.prisma,
    policy: config.topicAccess,
    probe: new RoleTopicProbe({ credentials: proofCredentials, snsEndpoint: config.awsEndpoints.sns }),
    logger: logger.child({ component: "topic-access" }),
    command: config.slack.command,
  });
  const verifier = new SnsMessageVerifier({ logger, certUrlPattern: config.sns.certUrlPattern });
  const snsEndpoint = createSnsEndpoint({
    verifier,
    ingest,
    subscriptions,
    topics: new WantedTopics(db.prisma),
    metrics,
    logger,
  });
  const slack = createSlackApp({
    config,
    logger,
    prisma: db.prisma,
    secrets,
    expressApp,
    subscriptions,
    delivery,
    topicAccess,
    db,
    noise,
    filters,
  });

  const retention = new RetentionJob({
    db,
    settings: config.retention,
    metrics,
    logger: logger.child({ component: "retention" }),
    postgresUrl: config.database.kind === "postgres" ? config.database.url : undefined,
  });

  // POST /sns/events, the hot path, is served before Express; everything else goes through it.
  const server = http.createServer((request, response) => {
    if (isSnsEndpointRequest(request)) snsEndpoint(request, response);
    else expressApp(request, response);
  });
  // SNS gives an endpoint 15 s; Slack 3 s. Nothing should hold a socket much longer.
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  if (config.slack.appToken) await slack.bolt.start();
  await noise.start();
  await delivery.start();
  retention.start();
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
  logger.info(
    {
      url,
      snsEndpoint: config.publicUrl === undefined ? undefined : `${config.publicUrl}${SNS_ENDPOINT_PATH}`,
      database: db.kind,
      mode: config.slack.appToken ? "socket" : "http",
    },
    `aws-chatbot listening on ${url}`,
  );

  return {
    url,
    db,
    slack,
    metrics,
    subscriptions,
    ingest,
    delivery,
    retention,
    noise,
    filterSnapshot,
    async close() {
      // The worker stops claiming and finishes the posts in flight while HTTP drains; Slack
      // listeners acked already may still be saving: the database stays open until they end.
      await Promise.all([
        (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
          if (config.slack.appToken) await slack.bolt.stop();
          if (!(await slack.runs.drain(LISTENER_DRAIN_MS))) {
            logger.warn({ running: slack.runs.count }, "Slack listeners still running at shutdown");
          }
        })(),
        delivery.stop(),
        retention.stop(),
      ]);
      noise.stop();
      filterSnapshot.stop();
      await filterCounts.stop();
      await alarmCharts.drain();
      charts.destroy();
      proofCredentials.destroy();
      await db.close();
    },
  };
}

/** SNS and Slack reach this server only at PUBLIC_URL; say so at start rather than at the first subscribe. */
function warnAboutPublicUrl(publicUrl: string | undefined, logger: Logger): void {
  if (publicUrl === undefined) {
    logger.warn(
      "PUBLIC_URL is not set: SNS topics cannot be subscribed (they stay pending) and Slack can reach this server only through Socket Mode. Set it to this server's https URL (a public host, or a tunnel such as cloudflared or ngrok)",
    );
  } else if (!publicUrl.startsWith("https://")) {
    logger.warn(
      { publicUrl },
      "PUBLIC_URL is not https: Slack refuses http request URLs and SNS would deliver notifications in clear. Put TLS in front of this server (a reverse proxy, a load balancer or a tunnel) and set PUBLIC_URL to its https URL",
    );
  }
}

/** TOPIC_ACCESS=linked: topics a workspace subscribed whose AWS account is not linked to it get nothing. */
async function warnOfHeldTopics(db: Database, logger: Logger): Promise<void> {
  const held = await heldTopics(db.prisma);
  if (held.length === 0) return;
  logger.warn(
    { count: held.length, first: held.slice(0, 20) },
    "configuration topics not delivered: their AWS account is not linked to the workspace (npx chatbot accounts link)",
  );
}
