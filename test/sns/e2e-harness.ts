/**
 * The real server (startTestServer) wired to a loopback fake SNS and fake Slack, as the SNS
 * end-to-end tests need it: PUBLIC_URL is the server's own loopback URL, so the fake SNS delivers
 * SubscriptionConfirmations and Notifications to the real POST /sns/events.
 */
import { randomUUID } from "node:crypto";
import {
  addTopicToConfiguration,
  type ConfigurationState,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import type { TestDatabaseKind } from "../support/databases";
import { type FakeSlack, SLACK_IDS, startFakeSlack } from "../support/fake-slack";
import { type FakeSns, type FakeSnsOptions, startFakeSns } from "../support/fake-sns";
import { freePort } from "../support/ports";
import { startTestServer, type TestServer } from "../support/server";
import {
  formatLikeSns,
  type SignatureVersion,
  signEnvelope,
  type UnsignedEnvelope,
} from "../support/sns-signing";
import { waitUntil } from "../support/wait-until";

export interface SnsHarnessOptions {
  /**
   * "fake" (default): SNS_CERT_URL_PATTERN admits the fake SNS's certificate URL. "default": the
   * variable is unset, so the server uses AWS's own pattern and can verify nothing the fake signs.
   */
  certPattern?: "fake" | "default";
  fakeSns?: FakeSnsOptions;
}

export interface SnsHarness {
  app: TestServer;
  sns: FakeSns;
  slack: FakeSlack;
  /** The SNS endpoint of the server under test. */
  endpoint: string;
  /**
   * Creates the topic in the fake SNS and a Slack channel configuration that wants it, by default
   * awaiting its invite (see addConfiguration).
   */
  wantedTopic(
    name: string,
    options?: { signatureVersion?: SignatureVersion; state?: ConfigurationState },
  ): Promise<string>;
  /**
   * Adds one more configuration wanting an existing topic; returns its id. By default it awaits its
   * invite, so its deliveries are stored "held" and the delivery worker running in the server leaves
   * them alone: these tests are about SNS and storage, and a worker with posts queued at shutdown
   * has been seen to leave PostgreSQL connections in open transactions (reported separately) that
   * keep the server from closing. "active" where a test needs Slack to hear from the server.
   */
  addConfiguration(topicArn: string, state?: ConfigurationState): Promise<string>;
  /** ensureSubscribed, then waits until the fake SNS's confirmation delivery was answered. */
  subscribe(topicArn: string): Promise<void>;
  /** Signs an envelope with the fake SNS's key and certificate URL, formatted as SNS posts it. */
  sign(envelope: UnsignedEnvelope, version?: SignatureVersion, certUrl?: string): string;
  /** POSTs a body to /sns/events with SNS's headers (plus `headers`). */
  post(body: string, headers?: Record<string, string>): Promise<SnsAnswer>;
  stop(): Promise<void>;
}

export interface SnsAnswer {
  status: number;
  body: { ok?: boolean; error?: string; reason?: string };
}

export async function startSnsHarness(
  kind: TestDatabaseKind,
  options: SnsHarnessOptions = {},
): Promise<SnsHarness> {
  const sns = await startFakeSns(options.fakeSns);
  const slack = await startFakeSlack();
  const { botToken } = slack.addWorkspace();
  const port = await freePort();
  const app = await startTestServer({
    kind,
    env: {
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      AWS_ENDPOINT_URL_SNS: sns.url,
      ...(options.certPattern === "default" ? {} : { SNS_CERT_URL_PATTERN: sns.certUrlPattern.source }),
      SLACK_BOT_TOKEN: botToken,
      SLACK_API_URL: slack.url,
    },
  });
  // Bolt checks the bot token with auth.test at start-up; closing the fake Slack while that call is
  // in flight would leave @slack/web-api retrying it for half an hour and keep jest from exiting.
  await slack.waitForCalls("auth.test", 1);
  const endpoint = `${app.url}/sns/events`;
  const prisma = app.server.db.prisma;

  const addConfiguration = async (topicArn: string, state: ConfigurationState = "awaiting_invite") => {
    const configuration = await createSlackConfiguration(prisma, {
      teamId: SLACK_IDS.teamId,
      channelId: SLACK_IDS.channelId,
      name: `sns-e2e-${randomUUID()}`,
      state,
    });
    await addTopicToConfiguration(prisma, configuration.id, { topicArn, region: topicArn.split(":")[3] });
    return configuration.id;
  };

  return {
    app,
    sns,
    slack,
    endpoint,
    async wantedTopic(name, topicOptions = {}) {
      const topicArn = sns.createTopic(name, { signatureVersion: topicOptions.signatureVersion });
      await addConfiguration(topicArn, topicOptions.state);
      return topicArn;
    },
    addConfiguration,
    async subscribe(topicArn) {
      await app.server.subscriptions.ensureSubscribed(topicArn);
      await sns.flush();
    },
    sign(envelope, version = "1", certUrl = sns.certUrl) {
      return formatLikeSns(signEnvelope(envelope, { version, certUrl }));
    },
    async post(body, headers = {}) {
      const response = await fetch(endpoint, {
        method: "POST",
        headers: {
          "content-type": "text/plain; charset=UTF-8",
          "user-agent": "Amazon Simple Notification Service Agent",
          ...headers,
        },
        body,
      });
      const text = await response.text();
      let parsed: SnsAnswer["body"] = {};
      try {
        parsed = JSON.parse(text) as SnsAnswer["body"];
      } catch {
        parsed = { reason: text };
      }
      return { status: response.status, body: parsed };
    },
    async stop() {
      // SNS first (it waits for its deliveries to the server), Slack last (the worker posts to it).
      await sns.close();
      await app.stop();
      await slack.close();
    },
  };
}

/** Waits until `check` returns true (polling), or fails after `timeoutMs` (test/support/wait-until.ts). */
export const eventually = waitUntil;
