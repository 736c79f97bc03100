/**
 * Carrying out a plan: one database transaction per workspace, written with the same store functions
 * the Slack surfaces use, each change audited as the services audit it, with the actor
 * "config file <sha256 prefix>". SNS subscriptions follow after the commit, as they do after a
 * `/aws subscribe` (ensureSubscribed for topics added, release for topics no longer wanted), so a
 * slow or failing SNS call never holds a transaction open.
 */
import { randomUUID } from "node:crypto";
import type { AuditAction } from "../configurations/audit-log";
import { recordAudit } from "../configurations/audit-log";
import { ChannelFilters } from "../configurations/channel-filters";
import { replaceMentionRows } from "../configurations/channel-mentions";
import { deleteConfiguration, updateConfiguration } from "../configurations/configuration-queries";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
  removeTopicFromConfiguration,
} from "../configurations/configuration-store";
import type { ExternalIds } from "../configurations/external-id";
import type { ManagedBy } from "../configurations/file-managed";
import type { ChannelFilter } from "../configurations/filters";
import { linkAccount, unlinkAccount } from "../configurations/linked-accounts";
import { addManager, removeManager } from "../configurations/managers";
import { writeMutePermission } from "../configurations/mute-changes";
import { MUTE_PERMISSIONS, type MutePermission } from "../configurations/noise-grammar";
import { releaseTopics, type TopicSubscriber } from "../configurations/topic-changes";
import type { DbClient, PrismaClient } from "../db/database";
import type { SecretBox } from "../db/secret-box";
import type { Logger } from "../logger";
import { parseTopicArn } from "../sns/topic-arn";
import { webhookUrlContext } from "../webhooks/webhook-queries";
import { parseWebhookUrl } from "../webhooks/webhook-url";
import { type MentionEntry, wantedMentions } from "./file-schema";
import type { RoomWanted, WorkspacePlan } from "./plan";

export interface ApplyDeps {
  prisma: PrismaClient;
  secrets: SecretBox;
  externalIds: ExternalIds;
  subscriptions: TopicSubscriber;
  logger: Logger;
  webhookUrlPattern?: RegExp;
}

export interface AppliedWorkspace {
  teamId: string;
  /** Topics whose SNS subscription was asked for, with the state it is in now. */
  subscribed: { topicArn: string; status: string; statusReason: string | null }[];
  releaseFailures: { topicArn: string; reason: string }[];
}

/** Long enough for thousands of rows on a busy SQLite file; PostgreSQL waits for a pooled connection. */
const TRANSACTION = { timeout: 120_000, maxWait: 20_000 };

class Writer {
  readonly added = new Set<string>();
  readonly removed = new Set<string>();

  constructor(
    private readonly tx: DbClient,
    private readonly deps: ApplyDeps,
    private readonly plan: WorkspacePlan,
    private readonly actor: string,
    private readonly externalId: string,
  ) {}

  audit(action: AuditAction, detail: string): Promise<void> {
    return recordAudit(this.tx, { teamId: this.plan.teamId, userId: this.actor, action, detail });
  }

  async topics(configurationId: string, want: readonly string[], have: readonly string[]): Promise<string> {
    const add = want.filter((arn) => !have.includes(arn));
    const remove = have.filter((arn) => !want.includes(arn));
    for (const arn of add) {
      await addTopicToConfiguration(this.tx, configurationId, {
        topicArn: arn,
        region: parseTopicArn(arn).region,
      });
      this.added.add(arn);
    }
    for (const arn of remove) {
      await removeTopicFromConfiguration(this.tx, configurationId, arn);
      this.removed.add(arn);
    }
    return [
      add.length > 0 ? `subscribed to ${add.join(", ")}` : "",
      remove.length > 0 ? `unsubscribed from ${remove.join(", ")}` : "",
    ]
      .filter((part) => part !== "")
      .join("; ");
  }

  async people(): Promise<void> {
    const { teamId, managers, accounts } = this.plan;
    for (const userId of managers.add) {
      if (await addManager(this.tx, { teamId, userId, addedBy: this.actor }))
        await this.audit("managers.added", `made <@${userId}> a manager`);
    }
    for (const userId of managers.remove) {
      if (await removeManager(this.tx, teamId, userId))
        await this.audit("managers.removed", `removed <@${userId}> from the managers`);
    }
    for (const accountId of accounts.add) {
      const { created } = await linkAccount(this.tx, { teamId, accountId, linkedVia: "operator" });
      if (created)
        await this.audit("account.linked", `the configuration file linked AWS account ${accountId}`);
    }
    for (const accountId of accounts.remove) {
      if (await unlinkAccount(this.tx, teamId, accountId))
        await this.audit("account.unlinked", `the configuration file unlinked AWS account ${accountId}`);
    }
  }

  /** Sets the filter through the filter module's own service (stored as it stores it, audited as it audits). */
  async filters(configurationId: string, filter: ChannelFilter | undefined): Promise<void> {
    const subject = await this.tx.channelConfiguration.findUniqueOrThrow({
      where: { id: configurationId },
      select: {
        id: true,
        teamId: true,
        name: true,
        channelId: true,
        channelName: true,
        channelPrivate: true,
        filters: true,
      },
    });
    await new ChannelFilters({ prisma: this.tx }).replace(this.actor, subject, filter ?? {});
  }

  /** Sets the channel's mentions with the mention module's own writes (audited `mentions.changed`). */
  async mentions(configurationId: string, mentions: readonly MentionEntry[] | undefined): Promise<void> {
    const subject = await this.tx.channelConfiguration.findUniqueOrThrow({
      where: { id: configurationId },
      select: { id: true, teamId: true, name: true, channelPrivate: true },
    });
    await replaceMentionRows(this.tx, this.actor, subject, wantedMentions(mentions));
  }

  /** Who may mute, with the mute module's own write (audited `mutes.permission` when it changes). */
  async mutePermission(configurationId: string, permission: MutePermission | undefined): Promise<void> {
    const subject = await this.tx.channelConfiguration.findUniqueOrThrow({
      where: { id: configurationId },
      select: { id: true, teamId: true, name: true, channelPrivate: true },
    });
    await writeMutePermission(this.tx, this.actor, subject, permission ?? MUTE_PERMISSIONS[0]);
  }

  async channels(): Promise<void> {
    const { teamId, channels } = this.plan;
    for (const entry of channels.create) {
      const row = await createSlackConfiguration(this.tx, {
        teamId,
        channelId: entry.channel_id,
        channelName: entry.channel_name,
        name: entry.name,
        iamRoleArn: entry.iam_role,
        externalId: this.externalId,
        createdBy: this.actor,
        managedBy: entry.managed_by as ManagedBy,
        allowSlackChanges: entry.allow_slack_changes,
      });
      await this.audit(
        "configuration.created",
        `created ${entry.name} (#${entry.channel_name ?? entry.channel_id})`,
      );
      const topics = await this.topics(row.id, entry.topics, []);
      if (topics !== "") await this.audit("topics.subscribed", `${entry.name}: ${topics}`);
      await this.filters(row.id, entry.filters);
      await this.mentions(row.id, entry.mentions);
      await this.mutePermission(row.id, entry.mute_permission);
    }
    for (const { from, to, ownershipOnly } of channels.update) {
      await updateConfiguration(this.tx, from.id, {
        managedBy: to.managed_by as ManagedBy,
        allowSlackChanges: to.allow_slack_changes,
        ...(ownershipOnly
          ? {}
          : {
              // channel_name is for readers: Slack keeps it current when the channel is renamed.
              name: to.name,
              iamRoleArn: to.iam_role ?? null,
            }),
      });
      const topics = ownershipOnly ? "" : await this.topics(from.id, to.topics, from.topics);
      await this.audit(
        "configuration.updated",
        `updated ${to.name} from the configuration file${topics === "" ? "" : `: ${topics}`}`,
      );
      if (!ownershipOnly) {
        await this.filters(from.id, to.filters);
        await this.mentions(from.id, to.mentions);
        await this.mutePermission(from.id, to.mute_permission);
      }
    }
  }

  #urlFields(id: string, wanted: RoomWanted) {
    const webhook = parseWebhookUrl(wanted.url, {
      allowPattern: this.deps.webhookUrlPattern,
      provider: wanted.entry.provider,
    });
    return {
      webhookUrlEnc: this.deps.secrets.encrypt(webhook.url, webhookUrlContext(id)),
      webhookProvider: webhook.provider,
    };
  }

  async rooms(): Promise<void> {
    const { teamId, rooms } = this.plan;
    for (const wanted of rooms.create) {
      const { entry } = wanted;
      const id = randomUUID();
      await this.tx.channelConfiguration.create({
        data: {
          id,
          kind: "webhook",
          name: entry.name,
          teamId,
          ...this.#urlFields(id, wanted),
          webhookDescription: entry.description,
          iamRoleArn: entry.iam_role ?? null,
          externalId: this.externalId,
          createdBy: this.actor,
          managedBy: entry.managed_by,
          allowSlackChanges: entry.allow_slack_changes,
        },
      });
      await this.audit(
        "configuration.created",
        `created webhook ${entry.description} with ${entry.topics.length} topic(s)`,
      );
      await this.topics(id, entry.topics, []);
      await this.filters(id, entry.filters);
    }
    for (const { from, to, ownershipOnly } of rooms.update) {
      const { entry } = to;
      await this.tx.channelConfiguration.update({
        where: { id: from.id },
        data: {
          managedBy: entry.managed_by,
          allowSlackChanges: entry.allow_slack_changes,
          ...(ownershipOnly
            ? {}
            : {
                name: entry.name,
                webhookDescription: entry.description,
                iamRoleArn: entry.iam_role ?? null,
                ...(from.url === to.url && (entry.provider ?? from.provider) === from.provider
                  ? {}
                  : this.#urlFields(from.id, to)),
              }),
        },
      });
      const topics = ownershipOnly ? "" : await this.topics(from.id, entry.topics, from.topics);
      await this.audit(
        "configuration.updated",
        `updated webhook ${entry.description} from the configuration file${topics === "" ? "" : `: ${topics}`}`,
      );
      if (!ownershipOnly) await this.filters(from.id, entry.filters);
    }
  }

  /** Deletes first: what --prune removes frees its name for what the file creates. */
  async deletes(): Promise<void> {
    for (const from of this.plan.channels.remove) {
      for (const arn of await deleteConfiguration(this.tx, from.id)) this.removed.add(arn);
      await this.audit(
        "configuration.deleted",
        `deleted ${from.name} (#${from.channel_name ?? from.channel_id})`,
      );
    }
    for (const from of this.plan.rooms.remove) {
      for (const arn of await deleteConfiguration(this.tx, from.id)) this.removed.add(arn);
      await this.audit("configuration.deleted", `removed webhook ${from.description}`);
    }
  }

  /**
   * Names are unique in a workspace and a file may swap two: every configuration being renamed
   * first takes a name of its own (its id, never a valid configuration name, never seen outside this
   * transaction), then its new one.
   */
  async freeNames(): Promise<void> {
    const renamed = [
      ...this.plan.channels.update
        .filter((u) => !u.ownershipOnly && u.to.name !== u.from.name)
        .map((u) => u.from.id),
      ...this.plan.rooms.update
        .filter((u) => !u.ownershipOnly && u.to.entry.name !== u.from.name)
        .map((u) => u.from.id),
    ];
    for (const id of renamed) await updateConfiguration(this.tx, id, { name: `~${id}` });
  }
}

/** Applies one workspace's plan; throws (and changes nothing) when the transaction fails. */
export async function applyWorkspacePlan(
  deps: ApplyDeps,
  plan: WorkspacePlan,
  actor: string,
): Promise<AppliedWorkspace> {
  const externalId = await deps.externalIds.forWorkspace(deps.prisma, plan.teamId);
  const writer = await deps.prisma.$transaction(async (tx) => {
    const writer = new Writer(tx, deps, plan, actor, externalId);
    await writer.people();
    await writer.deletes();
    await writer.freeNames();
    await writer.channels();
    await writer.rooms();
    return writer;
  }, TRANSACTION);
  const subscribed = [];
  for (const topicArn of [...writer.added].sort()) {
    const state = await deps.subscriptions.ensureSubscribed(topicArn);
    subscribed.push({ topicArn, status: state.status, statusReason: state.statusReason });
  }
  const released = [...writer.removed].filter((arn) => !writer.added.has(arn)).sort();
  const releaseFailures = await releaseTopics(deps.subscriptions, released, deps.logger);
  return { teamId: plan.teamId, subscribed, releaseFailures };
}
