/**
 * The domain behind `/aws` and App Home: a channel's configuration (name, channel, IAM role, SNS
 * topics in any regions, state), created on first use, edited, deleted; every change audited. No
 * Slack knowledge: channels are looked up through a ChannelDirectory the edge provides.
 */
import type { DeliveryStatus } from "../delivery/delivery-control";
import { ChatbotError, ErrorCode } from "../errors";
import { parseTopicArn, type TopicArn } from "../sns/topic-arn";
import { type AuditAction, latestAudit, recordAudit } from "./audit-log";
import { ChannelConnections } from "./channel-connection";
import {
  type ChannelDirectory,
  isPrivateChannel,
  stateForChannel,
  unconfigurableReason,
} from "./channel-directory";
import { noiseLinesOf } from "./channel-mentions";
import { createChannelConfiguration } from "./configuration-creation";
import {
  type ChannelConfigurationView,
  type ConfigurationScope,
  countSlackConfigurations,
  deleteConfiguration,
  findChannelConfiguration,
  findUnknownPrivacy,
  findWorkspaceConfiguration,
  listWorkspaceConfigurations,
  updateConfiguration,
} from "./configuration-queries";
import {
  type Actor,
  type ChannelRef,
  type ConfigurationServiceDeps,
  channelLabel,
  type DeleteResult,
  describe,
  type EnsuredConfiguration,
  type SubscribeResult,
  type UnsubscribeResult,
  type WorkspaceOverview,
} from "./configuration-types";
import { assertSlackMayChange } from "./file-managed";
import { type RoleTemplate, roleTemplate } from "./role-template";
import { type QueuedTestNotification, queueTestNotification } from "./test-notification";
import type { RoleForProof } from "./topic-access";
import { addTopics, partitionOfRegion, releaseTopics, removeTopics } from "./topic-changes";

export type * from "./configuration-types";
export { channelLabel, describe } from "./configuration-types";

export class ConfigurationService {
  readonly #connections: ChannelConnections;

  constructor(private readonly deps: ConfigurationServiceDeps) {
    this.#connections = new ChannelConnections(deps);
  }

  /** The channel's configuration, created (or connected after an invite) as needed. */
  async ensureChannelConfiguration(
    actor: Actor,
    channel: ChannelRef,
    channels: ChannelDirectory,
  ): Promise<EnsuredConfiguration> {
    const { prisma } = this.deps;
    const lookup = await channels.lookUp(channel.id);
    const refusal = unconfigurableReason(lookup);
    if (refusal !== undefined)
      throw new ChatbotError(ErrorCode.InvalidArgument, `This channel cannot be configured: ${refusal}.`);
    const existing = await findChannelConfiguration(prisma, actor.teamId, channel.id);
    if (existing !== null) {
      const visibleName = lookup.kind === "visible" ? lookup.name : null;
      if (existing.state === "awaiting_invite" && stateForChannel(lookup) === "active") {
        const configuration = await this.#connections.connect(existing, visibleName, actor.userId);
        return { configuration, created: false, activated: true };
      }
      const channelPrivate = isPrivateChannel(lookup);
      if (
        (visibleName !== null && visibleName !== existing.channelName) ||
        channelPrivate !== existing.channelPrivate
      ) {
        const channelName = visibleName ?? existing.channelName;
        await updateConfiguration(prisma, existing.id, { channelName, channelPrivate });
        Object.assign(existing, { channelName, channelPrivate });
      }
      return { configuration: existing, created: false, activated: false };
    }
    const configuration = await createChannelConfiguration(this.deps, actor, {
      lookup,
      nameHint: channel.nameHint,
    });
    return { configuration, created: true, activated: false };
  }

  async subscribe(
    actor: Actor,
    channel: ChannelRef,
    channels: ChannelDirectory,
    topics: readonly TopicArn[],
  ): Promise<SubscribeResult> {
    // Before anything is written: a refused subscribe creates no configuration and adds no topic.
    const current = await findChannelConfiguration(this.deps.prisma, actor.teamId, channel.id);
    assertSlackMayChange(current);
    await this.deps.topicAccess.assertMaySubscribe(actor, topics, await this.#roleOf(actor, current));
    const ensured = await this.ensureChannelConfiguration(actor, channel, channels);
    const existing = new Set(ensured.configuration.topics.map((t) => t.topicArn));
    const outcomes = await addTopics(
      this.deps.prisma,
      this.deps.subscriptions,
      ensured.configuration.id,
      topics,
      existing,
    );
    const added = outcomes.filter((o) => !o.alreadyConfigured).map((o) => o.topicArn);
    if (added.length > 0) {
      await this.#audit(
        actor,
        "topics.subscribed",
        `subscribed ${describe(ensured.configuration)} to ${added.join(", ")}`,
      );
    }
    return {
      ...ensured,
      configuration: await this.#reload(actor.teamId, ensured.configuration.id),
      topics: outcomes,
    };
  }

  async unsubscribe(
    actor: Actor,
    channelId: string,
    topics: readonly TopicArn[],
  ): Promise<UnsubscribeResult | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    assertSlackMayChange(configuration);
    const have = new Set(configuration.topics.map((t) => t.topicArn));
    const removed = topics.map((t) => t.arn).filter((arn) => have.has(arn));
    const notConfigured = topics.map((t) => t.arn).filter((arn) => !have.has(arn));
    const releaseFailures = await removeTopics(
      this.deps.prisma,
      this.deps.subscriptions,
      configuration.id,
      removed,
      this.deps.logger,
    );
    if (removed.length > 0) {
      await this.#audit(
        actor,
        "topics.unsubscribed",
        `unsubscribed ${describe(configuration)} from ${removed.join(", ")}`,
      );
    }
    return {
      configuration: await this.#reload(actor.teamId, configuration.id),
      removed,
      notConfigured,
      releaseFailures,
    };
  }

  /** `list`: the channel's configuration with its topics' subscription states. */
  describeChannel(actor: Pick<Actor, "teamId">, channelId: string): Promise<ChannelConfigurationView | null> {
    return findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
  }

  async channelStatus(
    actor: Pick<Actor, "teamId">,
    channelId: string,
  ): Promise<{ configuration: ChannelConfigurationView; delivery: DeliveryStatus } | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    return { configuration, delivery: await this.deps.delivery.statusOf(configuration.id) };
  }

  async sendTestToChannel(
    actor: Actor,
    channelId: string,
  ): Promise<{ configuration: ChannelConfigurationView; queued: QueuedTestNotification } | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    return configuration === null ? null : this.#sendTest(actor, configuration);
  }

  async sendTest(
    actor: Actor,
    configurationId: string,
  ): Promise<{ configuration: ChannelConfigurationView; queued: QueuedTestNotification }> {
    return this.#sendTest(actor, await this.#mustFind(actor.teamId, configurationId));
  }

  /** `role ARN` / `role none`; setting a role creates the channel's configuration if needed. */
  async setRole(
    actor: Actor,
    channel: ChannelRef,
    channels: ChannelDirectory,
    roleArn: string | null,
  ): Promise<{
    configuration: ChannelConfigurationView;
    previous: string | null;
    created: boolean;
    /** What proving the role's AWS account said, when there is something to tell. */
    proofNote?: string;
  } | null> {
    let configuration: ChannelConfigurationView | null;
    let created = false;
    if (roleArn === null) {
      configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channel.id);
      if (configuration === null) return null;
    } else {
      assertSlackMayChange(await findChannelConfiguration(this.deps.prisma, actor.teamId, channel.id));
      ({ configuration, created } = await this.ensureChannelConfiguration(actor, channel, channels));
    }
    assertSlackMayChange(configuration);
    const previous = configuration.iamRoleArn;
    const externalId =
      configuration.externalId ?? (await this.deps.externalIds.forWorkspace(this.deps.prisma, actor.teamId));
    await updateConfiguration(this.deps.prisma, configuration.id, { iamRoleArn: roleArn, externalId });
    await this.#audit(
      actor,
      roleArn === null ? "role.cleared" : "role.set",
      roleArn === null
        ? `cleared the IAM role of ${describe(configuration)}`
        : `set the IAM role of ${describe(configuration)} to ${roleArn}`,
    );
    const reloaded = await this.#reload(actor.teamId, configuration.id);
    if (roleArn === null) return { configuration: reloaded, previous, created };
    const { topicAccess } = this.deps;
    const topics = reloaded.topics.map((topic) => parseTopicArn(topic.topicArn));
    const proof = await topicAccess.proveRole(actor, { roleArn, externalId }, topics);
    return {
      configuration: reloaded,
      previous,
      created,
      proofNote: topicAccess.proofNote(proof, externalId),
    };
  }

  /**
   * `role template NAME`: the policy, trust policy and CloudFormation for this workspace, and the
   * AWS account of the channel's first topic (where the role belongs), when there is one. The policy
   * lets the role read (sns:GetTopicAttributes, the role proof) the channel's topics of that
   * account, or `topicArns` (a saved form's) when no channel is given.
   */
  async roleTemplate(
    actor: Pick<Actor, "teamId">,
    channelId: string | undefined,
    roleName: string,
    topicArns: readonly string[] = [],
  ): Promise<{ template: RoleTemplate; accountId?: string }> {
    const configuration =
      channelId === undefined
        ? null
        : await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    const topics = configuration?.topics.map((topic) => topic.topicArn) ?? topicArns;
    const accountId = topics[0]?.split(":")[4];
    const externalId = await this.deps.externalIds.forWorkspace(this.deps.prisma, actor.teamId);
    const template = roleTemplate({
      roleName,
      externalId,
      principalArn: this.deps.principalArn,
      topicArns: topics.filter((arn) => arn.split(":")[4] === accountId),
    });
    return { template, accountId };
  }

  /** A configuration of the workspace (for the Edit form), or null. */
  findConfiguration(
    actor: Pick<Actor, "teamId">,
    configurationId: string,
  ): Promise<ChannelConfigurationView | null> {
    return findWorkspaceConfiguration(this.deps.prisma, actor.teamId, configurationId);
  }

  async deleteChannel(actor: Actor, channelId: string): Promise<DeleteResult | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    return configuration === null ? null : this.#delete(actor, configuration);
  }

  async deleteConfiguration(actor: Actor, configurationId: string): Promise<DeleteResult> {
    return this.#delete(actor, await this.#mustFind(actor.teamId, configurationId));
  }

  /** The bot joined a channel: see ChannelConnections.channelJoined. */
  channelJoined(
    teamId: string,
    channelId: string,
    channels: ChannelDirectory,
    announce: (configuration: ChannelConfigurationView) => Promise<void>,
  ): Promise<ChannelConfigurationView[]> {
    return this.#connections.channelJoined(teamId, channelId, channels, announce);
  }

  /** A channel was unarchived: see ChannelConnections.channelUnarchived. */
  channelUnarchived(teamId: string, channelId: string): Promise<ChannelConfigurationView[]> {
    return this.#connections.channelUnarchived(teamId, channelId);
  }

  /**
   * App Home's page: managers see every configuration and change; others (`scope: "public"`) only
   * public channels' configurations and the changes that name no private channel, topic or role.
   */
  async workspaceOverview(
    teamId: string,
    page: number,
    pageSize: number,
    scope: ConfigurationScope = "all",
  ): Promise<WorkspaceOverview> {
    const total = await countSlackConfigurations(this.deps.prisma, teamId, scope);
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    const current = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
    const [configurations, audit] = await Promise.all([
      listWorkspaceConfigurations(
        this.deps.prisma,
        teamId,
        { skip: current * pageSize, take: pageSize },
        scope,
      ),
      latestAudit(this.deps.prisma, teamId, 10, scope === "all" ? "managers" : "everyone"),
    ]);
    const noise = await noiseLinesOf(
      this.deps.prisma,
      configurations.map((c) => c.id),
      new Date(),
    );
    for (const configuration of configurations) configuration.noise = noise.get(configuration.id);
    if (scope !== "all") return { configurations, total, page: current, pageCount, audit };
    // Managers see why a configuration receives nothing from some topics (TOPIC_ACCESS).
    const { topicAccess } = this.deps;
    const held = await topicAccess.heldAccountsByConfiguration(teamId);
    const howToLink = topicAccess.linkInstructions(teamId, "ACCOUNT-ID");
    return { configurations, total, page: current, pageCount, audit, held, howToLink };
  }

  /** The channel's topics' AWS accounts not linked to the workspace (their topics are held). */
  heldAccounts(configuration: ChannelConfigurationView): Promise<string[]> {
    return this.deps.topicAccess.unlinkedAccounts(
      configuration.teamId,
      configuration.topics.map((topic) => topic.topicArn),
    );
  }

  /** The two ways to link an account to the workspace, for a reply that shows held topics. */
  howToLink(teamId: string, account: string): string[] {
    return this.deps.topicAccess.linkInstructions(teamId, account);
  }

  /**
   * Learns whether the channels of configurations from before migration 0002 are private (a few at
   * a time, as App Home is opened); until then they count as private. Lookup failures wait for next time.
   */
  async learnChannelPrivacy(teamId: string, channels: ChannelDirectory, limit = 10): Promise<void> {
    for (const { id, channelId } of await findUnknownPrivacy(this.deps.prisma, teamId, limit)) {
      try {
        const channelPrivate = isPrivateChannel(await channels.lookUp(channelId));
        await updateConfiguration(this.deps.prisma, id, { channelPrivate });
      } catch (error) {
        this.deps.logger.warn({ err: error, channelId }, "could not learn whether a channel is private");
        return;
      }
    }
  }

  async #sendTest(actor: Actor, configuration: ChannelConfigurationView) {
    if (configuration.state === "disabled") {
      throw new ChatbotError(
        ErrorCode.InvalidArgument,
        `Deliveries to ${channelLabel(configuration)} are disabled${configuration.stateReason ? `: ${configuration.stateReason}` : ""}.`,
      );
    }
    const region = configuration.topics[0]?.region ?? "us-east-1";
    const queued = await queueTestNotification(this.deps.prisma, this.deps.delivery, {
      configurationId: configuration.id,
      label: channelLabel(configuration),
      region,
      partition: partitionOfRegion(region),
      held: configuration.state === "awaiting_invite",
    });
    await this.#audit(
      actor,
      "test.sent",
      `sent a test notification to ${describe(configuration)}`,
      configuration,
    );
    return { configuration, queued };
  }

  async #delete(actor: Actor, configuration: ChannelConfigurationView): Promise<DeleteResult> {
    assertSlackMayChange(configuration);
    const topicArns = await deleteConfiguration(this.deps.prisma, configuration.id);
    const releaseFailures = await releaseTopics(this.deps.subscriptions, topicArns, this.deps.logger);
    await this.#audit(actor, "configuration.deleted", `deleted ${describe(configuration)}`, configuration);
    return { configuration, releaseFailures };
  }

  /** The configuration's role, with the ExternalId it is assumed with, for a role proof. */
  async #roleOf(actor: Actor, configuration: ChannelConfigurationView | null): Promise<RoleForProof | null> {
    if (configuration?.iamRoleArn == null) return null;
    const externalId =
      configuration.externalId ?? (await this.deps.externalIds.forWorkspace(this.deps.prisma, actor.teamId));
    return { roleArn: configuration.iamRoleArn, externalId };
  }

  async #mustFind(teamId: string, id: string): Promise<ChannelConfigurationView> {
    const configuration = await findWorkspaceConfiguration(this.deps.prisma, teamId, id);
    if (configuration === null) {
      throw new ChatbotError(ErrorCode.NotFound, "That configuration no longer exists: someone deleted it.");
    }
    return configuration;
  }

  async #reload(teamId: string, id: string): Promise<ChannelConfigurationView> {
    return this.#mustFind(teamId, id);
  }

  /** Entries about a public channel's configuration are shown to everyone (ARNs never: audit-log.ts). */
  #audit(
    actor: Actor,
    action: AuditAction,
    detail: string,
    about?: Pick<ChannelConfigurationView, "channelPrivate">,
  ): Promise<void> {
    return recordAudit(this.deps.prisma, {
      teamId: actor.teamId,
      userId: actor.userId,
      action,
      detail,
      visibleToAll: about?.channelPrivate === false,
    });
  }
}
