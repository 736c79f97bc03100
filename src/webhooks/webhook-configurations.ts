/**
 * Creating, removing and disabling webhook configurations (Amazon Chime rooms and other
 * incoming-webhook rooms). A room may have several webhooks, each its own configuration receiving
 * only its own topics. Everything is validated before anything is written; the URL is stored only
 * encrypted, bound to the new configuration's id. Topics get this deployment's one SNS subscription
 * each, exactly as for Slack channels, and removing the last configuration wanting a topic releases it.
 *
 * Owner: configurations made with the CLI belong to the pseudo team CLI_TEAM_ID ("cli"), which no
 * Slack team id can equal (those start with T or E); App Home passes the Slack team that made it.
 */

import { randomUUID } from "node:crypto";
import { recordAudit } from "../configurations/audit-log";
import {
  configurationNameProblem,
  defaultConfigurationName,
  uniqueConfigurationName,
} from "../configurations/configuration-names";
import type { ExternalIds } from "../configurations/external-id";
import { assertSlackMayChange, type ManagedBy } from "../configurations/file-managed";
import { OPERATOR_TEAM_ID, type TopicAccess } from "../configurations/topic-access";
import type { PrismaClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import { ChatbotError, ErrorCode } from "../errors";
import type { SubscriptionService, TopicSubscriptionState } from "../sns/subscriptions";
import { assertDeliverableTopic, type TopicArn } from "../sns/topic-arn";
import { parseWebhookDescription, parseWebhookRoleArn } from "./webhook-fields";
import {
  findWebhookConfiguration,
  type WebhookConfigurationView,
  webhookUrlContext,
} from "./webhook-queries";
import { parseWebhookUrl } from "./webhook-url";

export const CLI_TEAM_ID = OPERATOR_TEAM_ID;
const UNIQUE_VIOLATION = "P2002";
const NAME_ATTEMPTS = 5;

export interface WebhookConfigurationDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  externalIds: ExternalIds;
  subscriptions: Pick<SubscriptionService, "ensureSubscribed" | "release">;
  /** WEBHOOK_URL_PATTERN (config.webhookUrlPattern). */
  webhookUrlPattern?: RegExp;
  /**
   * TOPIC_ACCESS, checked for rooms a Slack workspace adds (`owner` set); the operator CLI is
   * trusted. Without it a workspace cannot add rooms at all (fail closed).
   */
  topicAccess?: Pick<TopicAccess, "assertMaySubscribe">;
}

export interface NewWebhookConfiguration {
  url: string;
  /** "Chat_room_name/Webhook_name". */
  description: string;
  topics: string[];
  /** IAM role ARN (role name of letters and digits) for charts; none when absent or null. */
  roleArn?: string | null;
  /** Required only for URLs that WEBHOOK_URL_PATTERN admits and whose path does not tell. */
  provider?: string;
  /** A configuration name; default the description made into one (unique within the owner). */
  name?: string;
  owner?: { teamId: string; userId?: string };
}

export interface CreatedWebhookConfiguration {
  configuration: WebhookConfigurationView;
  /** Each topic's SNS subscription after ensureSubscribed, in the order given. */
  topics: TopicSubscriptionState[];
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === UNIQUE_VIOLATION;
}

function parseTopics(inputs: string[]): TopicArn[] {
  const topics = new Map<string, TopicArn>();
  for (const input of inputs) {
    const topic = assertDeliverableTopic(input);
    topics.set(topic.arn, topic);
  }
  return [...topics.values()];
}

export async function createWebhookConfiguration(
  deps: WebhookConfigurationDeps,
  input: NewWebhookConfiguration,
): Promise<CreatedWebhookConfiguration> {
  const { prisma } = deps;
  const webhook = parseWebhookUrl(input.url, {
    allowPattern: deps.webhookUrlPattern,
    provider: input.provider,
  });
  const { description } = parseWebhookDescription(input.description);
  const topics = parseTopics(input.topics);
  const role =
    input.roleArn === undefined || input.roleArn === null ? undefined : parseWebhookRoleArn(input.roleArn);
  if (input.name !== undefined) {
    const problem = configurationNameProblem(input.name);
    if (problem !== undefined) throw new ChatbotError(ErrorCode.InvalidArgument, `${problem}.`);
  }
  const owner = input.owner ?? { teamId: CLI_TEAM_ID };
  const externalId = await deps.externalIds.forWorkspace(prisma, owner.teamId);
  if (owner.teamId !== CLI_TEAM_ID) {
    if (deps.topicAccess === undefined)
      throw new ChatbotError(
        ErrorCode.Forbidden,
        "Webhook rooms cannot be added from Slack on this deployment.",
      );
    await deps.topicAccess.assertMaySubscribe(
      { teamId: owner.teamId, userId: owner.userId ?? "" },
      topics,
      role === undefined ? null : { roleArn: role.arn, externalId },
    );
  }
  const id = randomUUID();
  const base = defaultConfigurationName(description);

  for (let attempt = 0; ; attempt += 1) {
    const name = input.name ?? uniqueConfigurationName(base, await namesOf(prisma, owner.teamId));
    try {
      await prisma.$transaction([
        prisma.channelConfiguration.create({
          data: {
            id,
            kind: "webhook",
            name,
            teamId: owner.teamId,
            webhookUrlEnc: deps.secrets.encrypt(webhook.url, webhookUrlContext(id)),
            webhookDescription: description,
            webhookProvider: webhook.provider,
            iamRoleArn: role?.arn ?? null,
            externalId,
            state: "active",
            createdBy: owner.userId ?? null,
          },
        }),
        ...topics.map((topic) =>
          prisma.topicSubscription.upsert({
            where: { topicArn: topic.arn },
            create: { topicArn: topic.arn, region: topic.region },
            update: {},
          }),
        ),
        ...topics.map((topic) =>
          prisma.configurationTopic.create({ data: { configurationId: id, topicArn: topic.arn } }),
        ),
      ]);
      break;
    } catch (error) {
      // Someone took the name between our read and our write: a chosen name is a conflict, a default retries.
      if (!isUniqueViolation(error)) throw error;
      if (input.name !== undefined || attempt + 1 >= NAME_ATTEMPTS) {
        throw new ChatbotError(
          ErrorCode.Conflict,
          `The configuration name "${name}" is already used: choose another.`,
          {
            cause: error,
          },
        );
      }
    }
  }
  await recordAudit(prisma, {
    teamId: owner.teamId,
    userId: owner.userId ?? null,
    action: "configuration.created",
    detail: `created webhook ${description} (${webhook.provider}, ${webhook.host}) with ${topics.length} topic(s)`,
  });
  const states: TopicSubscriptionState[] = [];
  for (const topic of topics) states.push(await deps.subscriptions.ensureSubscribed(topic.arn));
  const configuration = await findWebhookConfiguration(prisma, deps.secrets, id);
  if (configuration === null)
    throw new ChatbotError(ErrorCode.NotFound, "the new webhook configuration vanished");
  return { configuration, topics: states };
}

async function namesOf(prisma: PrismaClient, teamId: string): Promise<string[]> {
  const rows = await prisma.channelConfiguration.findMany({ where: { teamId }, select: { name: true } });
  return rows.map((row) => row.name);
}

export interface ReleasedTopic {
  topicArn: string;
  /** The subscription's status after release: "unsubscribed" when no one else wanted it. */
  status: string;
  /** Set when SNS Unsubscribe failed (the subscription stays; the reason is on the topic too). */
  error?: string;
}

export interface RemovedWebhookConfiguration {
  id: string;
  name: string;
  description: string;
  topics: ReleasedTopic[];
}

/**
 * Deletes a webhook configuration (its deliveries go with it) and releases its topics. With `owner`,
 * only a configuration of that team is found. Throws NotFound when there is none.
 */
export async function removeWebhookConfiguration(
  deps: Pick<WebhookConfigurationDeps, "prisma" | "subscriptions">,
  id: string,
  owner?: { teamId: string; userId?: string },
): Promise<RemovedWebhookConfiguration> {
  const { prisma } = deps;
  const row = await prisma.channelConfiguration.findFirst({
    where: { id, kind: "webhook", ...(owner === undefined ? {} : { teamId: owner.teamId }) },
    select: {
      id: true,
      name: true,
      teamId: true,
      webhookDescription: true,
      managedBy: true,
      allowSlackChanges: true,
      topics: { select: { topicArn: true } },
    },
  });
  if (row === null) {
    throw new ChatbotError(
      ErrorCode.NotFound,
      `There is no webhook configuration with id "${id.slice(0, 64)}": \`chatbot webhooks list\` shows the ids.`,
    );
  }
  // Only Slack surfaces (App Home) name an owner: they may not remove a file-managed room.
  if (owner !== undefined) assertSlackMayChange({ ...row, managedBy: row.managedBy as ManagedBy });
  await prisma.channelConfiguration.deleteMany({ where: { id: row.id } });
  const description = row.webhookDescription ?? row.name;
  await recordAudit(prisma, {
    teamId: row.teamId,
    userId: owner?.userId ?? null,
    action: "configuration.deleted",
    detail: `removed webhook ${description}`,
  });
  const topics: ReleasedTopic[] = [];
  for (const { topicArn } of row.topics) {
    let error: string | undefined;
    try {
      await deps.subscriptions.release(topicArn);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    }
    const state = await prisma.topicSubscription.findUnique({
      where: { topicArn },
      select: { status: true },
    });
    topics.push({
      topicArn,
      status: state?.status ?? "unsubscribed",
      ...(error === undefined ? {} : { error }),
    });
  }
  return { id: row.id, name: row.name, description, topics };
}

/**
 * The webhook answered that it no longer exists (404 / 403 / 410): stop delivering to it and say why,
 * so lists show what to do. Returns false when the configuration is gone already.
 */
export async function disableWebhookConfiguration(
  prisma: PrismaClient,
  id: string,
  reason: string,
): Promise<boolean> {
  const { count } = await prisma.channelConfiguration.updateMany({
    where: { id, kind: "webhook" },
    data: { state: "disabled", stateReason: reason },
  });
  return count > 0;
}
