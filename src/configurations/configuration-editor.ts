/**
 * Saving the "Configure new channel" / "Edit" form: `prepare` validates fast enough to answer the
 * view submission (Slack gives 3 s) and returns a plan or per-field problems; `apply` then writes the
 * configuration and subscribes its topics (SNS calls may take longer, so it runs after the answer).
 */
import { ChatbotError, ErrorCode } from "../errors";
import type { TopicArn } from "../sns/topic-arn";
import { recordAudit } from "./audit-log";
import {
  type ChannelDirectory,
  type ChannelLookup,
  isPrivateChannel,
  stateForChannel,
} from "./channel-directory";
import { membershipProblem } from "./channel-membership";
import { AWAITING_INVITE_REASON, createChannelConfiguration } from "./configuration-creation";
import {
  type ConfigurationDraft,
  checkDraft,
  type DraftErrors,
  lookUpDraftChannel,
  roleArnOf,
} from "./configuration-draft";
import {
  type ChannelConfigurationView,
  configurationNames,
  findChannelConfiguration,
  findWorkspaceConfiguration,
  updateConfiguration,
} from "./configuration-queries";
import { type Actor, type ConfigurationServiceDeps, describe } from "./configuration-types";
import { assertSlackMayChange, FILE_MANAGED_REFUSAL, slackMayChange } from "./file-managed";
import { addTopics, type ReleaseFailure, removeTopics, type TopicOutcome } from "./topic-changes";

export interface SavePlan {
  actor: Actor;
  existing: ChannelConfigurationView | null;
  lookup: ChannelLookup;
  name?: string;
  roleArn: string | null;
  topics: TopicArn[];
}

export interface SaveResult {
  configuration: ChannelConfigurationView;
  created: boolean;
  topics: TopicOutcome[];
  removedTopics: string[];
  releaseFailures: ReleaseFailure[];
}

export class ConfigurationEditor {
  constructor(private readonly deps: ConfigurationServiceDeps) {}

  /**
   * Validates the form. Putting the configuration in a channel (new, or moved) needs the actor in
   * that channel, and moving it also in the channel it leaves; the caller checked that the actor is
   * a manager. `command` is the slash command, for the "run it in the channel" advice.
   */
  async prepare(
    actor: Actor,
    draft: ConfigurationDraft,
    channels: ChannelDirectory,
    command: string,
  ): Promise<{ ok: true; plan: SavePlan } | { ok: false; errors: DraftErrors }> {
    const { prisma } = this.deps;
    const checked = checkDraft(draft);
    if (!checked.ok) return checked;
    const { checked: form } = checked;
    let existing: ChannelConfigurationView | null = null;
    if (draft.configurationId !== undefined) {
      existing = await findWorkspaceConfiguration(prisma, actor.teamId, draft.configurationId);
      if (existing === null)
        return { ok: false, errors: { name: "This configuration was deleted meanwhile: close this form." } };
      if (!slackMayChange(existing)) return { ok: false, errors: { name: FILE_MANAGED_REFUSAL } };
    }
    const errors: DraftErrors = {};
    const other = await findChannelConfiguration(prisma, actor.teamId, form.channelId);
    if (other !== null && other.id !== existing?.id) {
      errors[form.channelField] =
        `This channel already has a configuration, "${other.name}": edit that one instead.`;
    }
    if (form.name !== undefined) {
      const lower = form.name.toLowerCase();
      const taken = (await configurationNames(prisma, actor.teamId)).some(
        (name) => name.toLowerCase() === lower && name !== existing?.name,
      );
      if (taken)
        errors.name = `"${form.name}" is already the name of another configuration in this workspace.`;
    }
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    const looked = await lookUpDraftChannel(form, channels);
    if (!looked.ok) return looked;
    const problem = await this.#membershipProblem(actor, existing, looked.lookup, channels, command);
    if (problem !== undefined) return { ok: false, errors: { [form.channelField]: problem } };
    return {
      ok: true,
      plan: {
        actor,
        existing,
        lookup: looked.lookup,
        name: form.name,
        roleArn: roleArnOf(form),
        topics: form.topics,
      },
    };
  }

  async #membershipProblem(
    actor: Actor,
    existing: ChannelConfigurationView | null,
    lookup: ChannelLookup,
    channels: ChannelDirectory,
    command: string,
  ): Promise<string | undefined> {
    if (existing !== null && existing.channelId === lookup.id) return undefined;
    const moving = existing === null ? undefined : "to";
    const label = lookup.kind === "visible" ? `#${lookup.name}` : "that channel";
    const into = await membershipProblem(channels, { id: lookup.id, label }, actor.userId, command, moving);
    if (into !== undefined || existing?.channelId == null) return into;
    const from = { id: existing.channelId, label: `#${existing.channelName ?? existing.channelId}` };
    return membershipProblem(channels, from, actor.userId, command, "from");
  }

  async apply(plan: SavePlan): Promise<SaveResult> {
    const { prisma, subscriptions, logger } = this.deps;
    // Applied from a file between the form's check and now: the file wins.
    if (plan.existing !== null)
      assertSlackMayChange(await findWorkspaceConfiguration(prisma, plan.actor.teamId, plan.existing.id));
    const { actor, lookup } = plan;
    // Topics the form adds must be readable by the workspace; a refusal is thrown before any write.
    const had = new Set(plan.existing?.topics.map((t) => t.topicArn) ?? []);
    const role =
      plan.roleArn === null
        ? null
        : {
            roleArn: plan.roleArn,
            externalId:
              plan.existing?.externalId ?? (await this.deps.externalIds.forWorkspace(prisma, actor.teamId)),
          };
    await this.deps.topicAccess.assertMaySubscribe(
      actor,
      plan.topics.filter((topic) => !had.has(topic.arn)),
      role,
    );
    let configuration: ChannelConfigurationView;
    const created = plan.existing === null;
    if (plan.existing === null) {
      configuration = await createChannelConfiguration(this.deps, actor, {
        lookup,
        name: plan.name,
        iamRoleArn: plan.roleArn,
      });
    } else {
      configuration = plan.existing;
      await this.#update(plan, configuration);
    }
    const wanted = new Set(plan.topics.map((t) => t.arn));
    const removedTopics = [...had].filter((arn) => !wanted.has(arn));
    const releaseFailures = await removeTopics(
      prisma,
      subscriptions,
      configuration.id,
      removedTopics,
      logger,
    );
    const outcomes = await addTopics(prisma, subscriptions, configuration.id, plan.topics, had);
    const added = outcomes.filter((o) => !o.alreadyConfigured).map((o) => o.topicArn);
    const audit = (action: "topics.subscribed" | "topics.unsubscribed", arns: string[], verb: string) =>
      arns.length === 0
        ? Promise.resolve()
        : recordAudit(prisma, {
            teamId: actor.teamId,
            userId: actor.userId,
            action,
            detail: `${verb} ${describe(configuration)} ${action === "topics.subscribed" ? "to" : "from"} ${arns.join(", ")}`,
          });
    await audit("topics.subscribed", added, "subscribed");
    await audit("topics.unsubscribed", removedTopics, "unsubscribed");
    const saved = await findWorkspaceConfiguration(prisma, actor.teamId, configuration.id);
    if (saved === null)
      throw new ChatbotError(ErrorCode.NotFound, "The configuration was deleted while it was being saved.");
    return { configuration: saved, created, topics: outcomes, removedTopics, releaseFailures };
  }

  async #update(plan: SavePlan, configuration: ChannelConfigurationView): Promise<void> {
    const { prisma } = this.deps;
    const { lookup, actor } = plan;
    const state =
      configuration.state === "disabled" && lookup.id === configuration.channelId
        ? "disabled"
        : stateForChannel(lookup);
    const channelName =
      lookup.kind === "visible"
        ? lookup.name
        : lookup.id === configuration.channelId
          ? configuration.channelName
          : null;
    const externalId =
      configuration.externalId ?? (await this.deps.externalIds.forWorkspace(prisma, actor.teamId));
    await updateConfiguration(prisma, configuration.id, {
      name: plan.name ?? configuration.name,
      channelId: lookup.id,
      channelName,
      channelPrivate: isPrivateChannel(lookup),
      iamRoleArn: plan.roleArn,
      externalId,
      state,
      stateReason:
        state === "awaiting_invite"
          ? AWAITING_INVITE_REASON
          : state === "disabled"
            ? configuration.stateReason
            : null,
    });
    const changes = [
      plan.name !== undefined && plan.name !== configuration.name ? `renamed to ${plan.name}` : null,
      lookup.id !== configuration.channelId ? `moved to #${channelName ?? lookup.id}` : null,
      plan.roleArn !== configuration.iamRoleArn ? `role ${plan.roleArn ?? "none"}` : null,
    ].filter((change): change is string => change !== null);
    if (changes.length > 0) {
      await recordAudit(prisma, {
        teamId: actor.teamId,
        userId: actor.userId,
        action: "configuration.updated",
        detail: `updated ${describe(configuration)}: ${changes.join(", ")}`,
        // A move names both channels: everyone may see it only when both are public.
        visibleToAll: configuration.channelPrivate === false && !isPrivateChannel(lookup),
      });
    }
    if (configuration.state === "awaiting_invite" && state === "active") {
      await this.deps.delivery.releaseHeld(configuration.id);
    }
  }
}
