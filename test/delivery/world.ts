/**
 * The world the delivery tests and benchmarks set up around a server (in-process or a child
 * process): Slack workspaces and channels on the fake Slack, the matching installations and channel
 * configurations in the database, and signed SNS Notifications POSTed to /sns/events the way SNS
 * sends them (certificate served by the fake SNS).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { Installation } from "@slack/oauth";
import {
  addTopicToConfiguration,
  type ConfigurationState,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { linkAccount } from "../../src/configurations/linked-accounts";
import type { PrismaClient } from "../../src/db/database";
import { SecretBox } from "../../src/db/secret-box";
import { PrismaInstallationStore } from "../../src/slack/installation-store";
import { type FakeSlack, type FakeWorkspace, SLACK_IDS } from "../support/fake-slack";
import { type FakeSns, startFakeSns } from "../support/fake-sns";
import { formatLikeSns, makeNotification, signEnvelope } from "../support/sns-signing";

export const TEST_REGION = "us-east-1";

export function topicArn(name: string): string {
  return `arn:aws:sns:${TEST_REGION}:123456789012:${name}`;
}

export interface ChannelSetup {
  topicArns: string[];
  teamId?: string;
  channelId?: string;
  name?: string;
  isPrivate?: boolean;
  /** Whether the bot is in the channel (default true). */
  isMember?: boolean;
  state?: ConfigurationState;
}

export interface WorldChannel {
  configurationId: string;
  channelId: string;
  teamId: string;
}

/** Creates the fake Slack channel and a configuration that wants `topicArns`. */
export async function addChannel(
  prisma: PrismaClient,
  slack: FakeSlack,
  setup: ChannelSetup,
): Promise<WorldChannel> {
  const channelId = setup.channelId ?? `C${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
  const teamId = setup.teamId ?? SLACK_IDS.teamId;
  slack.addChannel({
    id: channelId,
    name: setup.name ?? channelId.toLowerCase(),
    teamId,
    isPrivate: setup.isPrivate ?? false,
    isMember: setup.isMember ?? true,
  });
  const configuration = await createSlackConfiguration(prisma, {
    teamId,
    channelId,
    name: setup.name ?? `delivery-${channelId.toLowerCase()}`,
    state: setup.state,
  });
  for (const arn of setup.topicArns) {
    await addTopicToConfiguration(prisma, configuration.id, { topicArn: arn, region: arn.split(":")[3] });
    // The services write a topic only after TOPIC_ACCESS passed: its account is linked to the team.
    await linkAccount(prisma, { teamId, accountId: arn.split(":")[4], linkedVia: "operator" });
  }
  return { configurationId: configuration.id, channelId, teamId };
}

/** An installation (OAuth mode) for a fake workspace, stored as the OAuth callback would. */
export async function installWorkspace(
  prisma: PrismaClient,
  encryptionKey: Buffer,
  workspace: FakeWorkspace,
): Promise<void> {
  const installation: Installation<"v2", false> = {
    team: { id: workspace.teamId, name: workspace.teamName },
    enterprise: undefined,
    user: { id: "U0INSTALLER", token: undefined, scopes: undefined },
    bot: {
      token: workspace.botToken,
      scopes: [...workspace.scopes],
      id: workspace.botId,
      userId: workspace.botUserId,
    },
    tokenType: "bot",
    isEnterpriseInstall: false,
    appId: workspace.appId,
    authVersion: "v2",
  };
  await new PrismaInstallationStore(prisma, new SecretBox(encryptionKey)).storeInstallation(installation);
}

/**
 * Signs Notifications with the fake SNS's key; the server must use `certUrlPattern`. Posts over a
 * bounded pool of keep-alive connections, as a real client would (not one new socket per request).
 */
export class SnsPublisher {
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

  private constructor(private readonly sns: FakeSns) {}

  static async start(): Promise<SnsPublisher> {
    return new SnsPublisher(await startFakeSns());
  }

  get certUrlPattern(): string {
    return this.sns.certUrlPattern.source;
  }

  /** The HTTP body SNS would POST for this notification. */
  body(topic: string, message: string, fields: { subject?: string; messageId?: string } = {}): string {
    const envelope = makeNotification({
      topicArn: topic,
      message,
      subject: fields.subject,
      messageId: fields.messageId,
    });
    return formatLikeSns(signEnvelope(envelope, { version: "1", certUrl: this.sns.certUrl }));
  }

  /** POSTs to /sns/events; resolves with the HTTP status once the server answered. */
  post(serverUrl: string, body: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const request = http.request(
        `${serverUrl}/sns/events`,
        {
          method: "POST",
          agent: this.#agent,
          headers: {
            "content-type": "text/plain; charset=UTF-8",
            "content-length": Buffer.byteLength(body),
            "user-agent": "Amazon Simple Notification Service Agent",
            "x-amz-sns-message-type": "Notification",
          },
          timeout: 30_000,
        },
        (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
          response.on("error", reject);
        },
      );
      request.on("timeout", () => request.destroy(new Error("SNS post timed out")));
      request.on("error", reject);
      request.end(body);
    });
  }

  async publish(
    serverUrl: string,
    topic: string,
    message: string,
    fields: { subject?: string } = {},
  ): Promise<number> {
    return this.post(serverUrl, this.body(topic, message, fields));
  }

  async close(): Promise<void> {
    this.#agent.destroy();
    await this.sns.close();
  }
}

/** A CloudWatch alarm state change as SNS carries it (the classic SNS alarm payload). */
export function alarmMessage(fields: {
  name: string;
  state: "ALARM" | "OK" | "INSUFFICIENT_DATA";
  previous?: string;
  at?: Date;
  account?: string;
}): string {
  const account = fields.account ?? "123456789012";
  return JSON.stringify({
    AlarmName: fields.name,
    AlarmDescription: `Test alarm ${fields.name}`,
    AWSAccountId: account,
    AlarmConfigurationUpdatedTimestamp: "2026-01-01T00:00:00.000+0000",
    NewStateValue: fields.state,
    NewStateReason: `Threshold Crossed: went ${fields.state}`,
    StateChangeTime: (fields.at ?? new Date()).toISOString().replace("Z", "+0000"),
    Region: "US East (N. Virginia)",
    AlarmArn: `arn:aws:cloudwatch:${TEST_REGION}:${account}:alarm:${fields.name}`,
    OldStateValue: fields.previous ?? (fields.state === "OK" ? "ALARM" : "OK"),
    OKActions: [],
    AlarmActions: [],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: "CPUUtilization",
      Namespace: "AWS/EC2",
      StatisticType: "Statistic",
      Statistic: "AVERAGE",
      Unit: null,
      Dimensions: [{ value: "i-0123456789abcdef0", name: "InstanceId" }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanThreshold",
      Threshold: 80,
      TreatMissingData: "missing",
      EvaluateLowSampleCountPercentile: "",
    },
  });
}

/** Waits until `check` returns true, polling; throws with `what` after `timeoutMs`. */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
