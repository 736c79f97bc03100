/**
 * Reads of webhook configurations: the views lists show (URL redacted to host + last 4 characters)
 * and the decrypted target the delivery worker posts to. The URL is stored only as
 * SecretBox ciphertext bound to the configuration id (`webhookUrlContext`), so a ciphertext copied
 * into another row does not decrypt.
 */
import { topicStatesOf } from "../configurations/configuration-queries";
import type { ConfigurationState } from "../configurations/configuration-store";
import type { DbClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import { isChatbotError } from "../errors";
import { isWebhookProvider, type WebhookProvider } from "../notifications";
import type { WebhookTarget } from "./webhook-sender";
import { redactWebhookUrl } from "./webhook-url";

/** The SecretBox context of a configuration's webhook URL. */
export function webhookUrlContext(configurationId: string): string {
  return `webhook-url:${configurationId}`;
}

export interface WebhookTopicView {
  topicArn: string;
  region: string;
  /** The deployment's SNS subscription: "pending" | "confirmed" | "unsubscribed" | "failed". */
  status: string;
  statusReason: string | null;
}

export interface WebhookConfigurationView {
  id: string;
  name: string;
  /** The pseudo team "cli" for configurations made with the CLI, else the Slack team that made it. */
  teamId: string;
  /** "Room/Webhook". */
  description: string;
  provider: WebhookProvider;
  /** Host and last 4 characters, e.g. `hooks.chime.aws/…x9Qz`; never the whole URL. */
  redactedUrl: string;
  iamRoleArn: string | null;
  externalId: string | null;
  state: ConfigurationState;
  stateReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  /** The stored filter (configurations/filters.ts), null for none. */
  filters: string | null;
  topics: WebhookTopicView[];
}

const withTopics = {
  topics: {
    orderBy: { createdAt: "asc" as const },
    select: { topicArn: true, topic: { select: { region: true, status: true, statusReason: true } } },
  },
};

interface WebhookRow {
  id: string;
  name: string;
  teamId: string;
  webhookUrlEnc: string | null;
  webhookDescription: string | null;
  webhookProvider: string | null;
  iamRoleArn: string | null;
  externalId: string | null;
  state: string;
  stateReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  filters: string | null;
  topics: { topicArn: string; topic: { region: string; status: string; statusReason: string | null } }[];
}

function providerOf(row: { webhookProvider: string | null }): WebhookProvider {
  // Rows from before providers were recorded are Amazon Chime, the only webhook AWS Chatbot had.
  return row.webhookProvider !== null && isWebhookProvider(row.webhookProvider)
    ? row.webhookProvider
    : "chime";
}

function redacted(secrets: SecretBox, row: WebhookRow): string {
  if (row.webhookUrlEnc === null) return "(no URL stored)";
  try {
    return redactWebhookUrl(secrets.decrypt(row.webhookUrlEnc, webhookUrlContext(row.id)));
  } catch (error) {
    if (isChatbotError(error))
      return "(cannot decrypt: ENCRYPTION_KEY differs from the key it was stored with)";
    throw error;
  }
}

function toView(secrets: SecretBox, row: WebhookRow): WebhookConfigurationView {
  return {
    id: row.id,
    name: row.name,
    teamId: row.teamId,
    description: row.webhookDescription ?? "",
    provider: providerOf(row),
    redactedUrl: redacted(secrets, row),
    iamRoleArn: row.iamRoleArn,
    externalId: row.externalId,
    state: row.state as ConfigurationState,
    stateReason: row.stateReason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    filters: row.filters,
    topics: topicStatesOf(row.topics),
  };
}

/** Webhook configurations (of one team when `teamId` is given), by name. */
export async function listWebhookConfigurations(
  prisma: DbClient,
  secrets: SecretBox,
  filter: { teamId?: string } = {},
): Promise<WebhookConfigurationView[]> {
  const rows = await prisma.channelConfiguration.findMany({
    where: { kind: "webhook", ...(filter.teamId === undefined ? {} : { teamId: filter.teamId }) },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    include: withTopics,
  });
  return rows.map((row) => toView(secrets, row));
}

/** One webhook configuration; null when there is none with this id (or it is a Slack channel's). */
export async function findWebhookConfiguration(
  prisma: DbClient,
  secrets: SecretBox,
  id: string,
): Promise<WebhookConfigurationView | null> {
  const row = await prisma.channelConfiguration.findFirst({
    where: { id, kind: "webhook" },
    include: withTopics,
  });
  return row === null ? null : toView(secrets, row);
}

export interface LoadedWebhookTarget extends WebhookTarget {
  state: ConfigurationState;
  stateReason: string | null;
  iamRoleArn: string | null;
  externalId: string | null;
}

/**
 * What the delivery worker needs to post to a webhook configuration, URL decrypted. Null when the
 * configuration is gone or is not a webhook. Throws ChatbotError(EncryptionFailed) when the URL does
 * not decrypt (ENCRYPTION_KEY changed).
 */
export async function loadWebhookTarget(
  prisma: DbClient,
  secrets: SecretBox,
  configurationId: string,
): Promise<LoadedWebhookTarget | null> {
  const row = await prisma.channelConfiguration.findFirst({
    where: { id: configurationId, kind: "webhook" },
    select: {
      id: true,
      webhookUrlEnc: true,
      webhookProvider: true,
      state: true,
      stateReason: true,
      iamRoleArn: true,
      externalId: true,
    },
  });
  if (row === null || row.webhookUrlEnc === null) return null;
  return {
    configurationId: row.id,
    url: secrets.decrypt(row.webhookUrlEnc, webhookUrlContext(row.id)),
    provider: providerOf(row),
    state: row.state as ConfigurationState,
    stateReason: row.stateReason,
    iamRoleArn: row.iamRoleArn,
    externalId: row.externalId,
  };
}
