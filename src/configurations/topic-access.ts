/**
 * Topic access across workspaces (TOPIC_ACCESS). A topic ARN is not a secret, so a workspace may
 * subscribe a channel or a webhook room to a topic only when the topic's AWS account is linked to
 * it: by the operator (`npx chatbot accounts link`) or by proof (a role of that account, assumed with
 * the workspace's ExternalId, reads the topic with sns:GetTopicAttributes). The check runs inside the
 * services that create or change a configuration's topics, whatever Slack surface called them; the
 * operator CLI is trusted. A shared, confirmed SNS subscription grants nothing: ingest fans out only
 * to configurations whose workspace has the account linked (`mayReceive`).
 */
import type { TopicAccessPolicy } from "../config";
import type { PrismaClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import type { TopicArn } from "../sns/topic-arn";
import { recordAudit } from "./audit-log";
import { parseIamRoleArn } from "./iam-role";
import { heldTopics, linkAccount, linkedAccountIds } from "./linked-accounts";
import { PRINCIPAL_PLACEHOLDER, topicReadStatement, trustPolicyDocument } from "./role-template";

/** The owner of configurations made with the operator CLI (no Slack team id can equal it). */
export const OPERATOR_TEAM_ID = "cli";

/** Whether a workspace's configuration may receive topics of an account (pure). */
export function mayReceive(
  policy: TopicAccessPolicy,
  teamId: string,
  accountId: string,
  linked: (teamId: string, accountId: string) => boolean,
): boolean {
  return policy === "any" || teamId === OPERATOR_TEAM_ID || linked(teamId, accountId);
}

export type TopicAccessDecision = { allowed: true } | { allowed: false; unlinkedAccounts: string[] };

/** May the workspace subscribe all these topics? Names every account that is missing (pure). */
export function decideTopicAccess(input: {
  policy: TopicAccessPolicy;
  teamId: string;
  topics: readonly Pick<TopicArn, "accountId">[];
  linked: ReadonlySet<string>;
}): TopicAccessDecision {
  const accounts = [...new Set(input.topics.map((topic) => topic.accountId))].sort();
  const unlinked = accounts.filter(
    (account) => !mayReceive(input.policy, input.teamId, account, (_, id) => input.linked.has(id)),
  );
  return unlinked.length === 0 ? { allowed: true } : { allowed: false, unlinkedAccounts: unlinked };
}

/** A role to prove access with: its ARN and the ExternalId it is assumed with. */
export interface RoleForProof {
  roleArn: string;
  externalId: string;
}

export type ProbeCall = "sts:AssumeRole" | "sns:GetTopicAttributes";
export type ProbeOutcome = { ok: true } | { ok: false; failedCall: ProbeCall; reason: string };

/** Assumes a role and reads a topic with it (sns/topic-read-probe.ts implements it on the AWS SDK). */
export interface TopicReadProbe {
  canRead(role: RoleForProof, topic: TopicArn, sessionId: string): Promise<ProbeOutcome>;
}

export type RoleProofOutcome =
  | { kind: "not_needed" }
  | { kind: "already_linked"; accountId: string }
  | { kind: "no_topic"; accountId: string }
  | { kind: "unavailable"; accountId: string }
  | { kind: "linked"; accountId: string; topicArn: string }
  | { kind: "failed"; accountId: string; topicArn: string; failedCall: ProbeCall; reason: string };

export interface TopicAccessDeps {
  prisma: PrismaClient;
  policy: TopicAccessPolicy;
  /** Absent: role proof is not offered (linking is then the operator's alone). */
  probe?: TopicReadProbe;
  logger: Logger;
  /** The slash command's name, for the instructions in a refusal. */
  command: string;
  /** ARN of this deployment's AWS principal, for the trust policy shown when AssumeRole fails. */
  principalArn?: string;
}

interface Acting {
  teamId: string;
  userId: string;
}

export class TopicAccess {
  constructor(private readonly deps: TopicAccessDeps) {}

  get policy(): TopicAccessPolicy {
    return this.deps.policy;
  }

  /**
   * Throws ChatbotError(Forbidden) naming every unlinked account and both ways to link it, unless
   * the workspace may subscribe all `topics`. With `role` (the configuration's), an unlinked
   * account of the role's is proved first. Call it before writing anything: a refusal changes nothing.
   */
  async assertMaySubscribe(
    actor: Acting,
    topics: readonly TopicArn[],
    role?: RoleForProof | null,
  ): Promise<void> {
    const accounts = [...new Set(topics.map((topic) => topic.accountId))];
    const linked = await linkedAccountIds(this.deps.prisma, actor.teamId, accounts);
    const decide = () => decideTopicAccess({ policy: this.policy, teamId: actor.teamId, topics, linked });
    const first = decide();
    if (first.allowed) return;
    let proof: RoleProofOutcome | undefined;
    const roleAccount = role ? accountOfRole(role.roleArn) : undefined;
    if (role && roleAccount !== undefined && first.unlinkedAccounts.includes(roleAccount)) {
      const topic = topics.find((candidate) => candidate.accountId === roleAccount);
      if (topic !== undefined) proof = await this.#prove(actor, role, topic);
      if (proof?.kind === "linked") linked.add(roleAccount);
    }
    const decision = decide();
    if (decision.allowed) return;
    throw new ChatbotError(
      ErrorCode.Forbidden,
      this.refusal(actor.teamId, decision.unlinkedAccounts, proof, role?.externalId),
    );
  }

  /**
   * A role was set on a configuration: prove its account with the configuration's first topic of
   * that account. Without such a topic nothing is proved now; subscribing one later proves it then.
   */
  async proveRole(
    actor: Acting,
    role: RoleForProof,
    topicArns: readonly TopicArn[],
  ): Promise<RoleProofOutcome> {
    const accountId = accountOfRole(role.roleArn);
    if (accountId === undefined || this.policy === "any" || actor.teamId === OPERATOR_TEAM_ID)
      return { kind: "not_needed" };
    if ((await linkedAccountIds(this.deps.prisma, actor.teamId, [accountId])).has(accountId))
      return { kind: "already_linked", accountId };
    const topic = topicArns.find((candidate) => candidate.accountId === accountId);
    if (topic === undefined) return { kind: "no_topic", accountId };
    return this.#prove(actor, role, topic);
  }

  /** The line a person reads after setting a role, or undefined when there is nothing to say. */
  proofNote(outcome: RoleProofOutcome, externalId: string | null): string | undefined {
    switch (outcome.kind) {
      case "not_needed":
      case "already_linked":
        return undefined;
      case "linked":
        return `The role read ${outcome.topicArn}: AWS account ${outcome.accountId} is now linked to this workspace, so its topics can be subscribed here.`;
      case "no_topic":
        return `AWS account ${outcome.accountId} is not linked to this workspace yet: \`${this.deps.command} subscribe\` a topic of it and the role proves access then (it needs sns:GetTopicAttributes on the topic).`;
      case "unavailable":
        return `AWS account ${outcome.accountId} is not linked to this workspace, and role proof is not available here: ask the operator to run \`npx chatbot accounts link\`.`;
      case "failed":
        return this.#failureText(outcome, externalId ?? undefined);
    }
  }

  refusal(
    teamId: string,
    accounts: readonly string[],
    proof?: RoleProofOutcome,
    externalId?: string,
  ): string {
    const which =
      accounts.length === 1
        ? `AWS account ${accounts[0]} is not linked to this workspace`
        : `AWS accounts ${accounts.join(", ")} are not linked to this workspace`;
    const lines = [
      `Nothing was changed: ${which}. A workspace may subscribe only topics of AWS accounts linked to it (a topic ARN is not a secret). Link ${accounts.length === 1 ? "it" : "each"} either way:`,
      ...this.linkInstructions(teamId, accounts[0] ?? "ACCOUNT", "then subscribes again"),
    ];
    if (proof?.kind === "failed") lines.push(this.#failureText(proof, externalId));
    if (proof?.kind === "unavailable") lines.push("Role proof is not available on this deployment.");
    return lines.join("\n");
  }

  /** The two ways to link `account` to the workspace, one line each. */
  linkInstructions(teamId: string, account: string, then = "in the channel"): string[] {
    const { command } = this.deps;
    return [
      `• the operator of this AWS Chatbot runs \`npx chatbot accounts link --team ${teamId} --account ${account}\`;`,
      `• or a manager proves access: \`${command} role arn:aws:iam::${account}:role/NAME\` with a role of that account that trusts this workspace's ExternalId (\`${command} role template NAME\` shows the trust policy) and may call sns:GetTopicAttributes on the topic, ${then}.`,
    ];
  }

  /**
   * Of these topics' AWS accounts, those not linked to the workspace (sorted): under `linked`,
   * ingest holds their topics back from it. None under `any` and for the operator's configurations.
   */
  async unlinkedAccounts(teamId: string, topicArns: readonly string[]): Promise<string[]> {
    if (this.policy === "any" || teamId === OPERATOR_TEAM_ID) return [];
    const accounts = [...new Set(topicArns.map((arn) => arn.split(":")[4] ?? ""))];
    const linked = await linkedAccountIds(this.deps.prisma, teamId, accounts);
    return accounts.filter((account) => !linked.has(account)).sort();
  }

  /** Per configuration of the workspace, the AWS accounts whose topics are held from it (App Home). */
  async heldAccountsByConfiguration(teamId: string): Promise<Record<string, string[]>> {
    if (this.policy === "any" || teamId === OPERATOR_TEAM_ID) return {};
    const held: Record<string, string[]> = {};
    for (const topic of await heldTopics(this.deps.prisma, { teamId })) {
      const accounts = held[topic.configurationId] ?? [];
      if (!accounts.includes(topic.accountId)) held[topic.configurationId] = [...accounts, topic.accountId];
    }
    return held;
  }

  #failureText(outcome: Extract<RoleProofOutcome, { kind: "failed" }>, externalId?: string): string {
    if (outcome.failedCall === "sts:AssumeRole") {
      const trust = JSON.stringify(
        trustPolicyDocument(this.deps.principalArn ?? PRINCIPAL_PLACEHOLDER, externalId ?? "<ExternalId>"),
      );
      return `The channel's role did not prove access to AWS account ${outcome.accountId}: sts:AssumeRole failed: ${outcome.reason}. The role's trust policy must be: \`${trust}\``;
    }
    const statement = JSON.stringify(topicReadStatement([outcome.topicArn]));
    return `The channel's role did not prove access to AWS account ${outcome.accountId}: sns:GetTopicAttributes on ${outcome.topicArn} failed: ${outcome.reason}. Add this statement to the role's permissions policy (\`${this.deps.command} role template NAME\` shows the whole policy): \`${statement}\`, and check that the topic's access policy does not deny it.`;
  }

  async #prove(actor: Acting, role: RoleForProof, topic: TopicArn): Promise<RoleProofOutcome> {
    const { probe, prisma, logger } = this.deps;
    const accountId = topic.accountId;
    if (probe === undefined) return { kind: "unavailable", accountId };
    const outcome = await probe.canRead(role, topic, `proof-${actor.teamId}`);
    if (!outcome.ok) {
      logger.info(
        {
          teamId: actor.teamId,
          accountId,
          roleArn: role.roleArn,
          failedCall: outcome.failedCall,
          reason: outcome.reason,
        },
        "role proof of an AWS account failed",
      );
      return { kind: "failed", accountId, topicArn: topic.arn, ...outcome };
    }
    const proof = `${role.roleArn} read ${topic.arn}`;
    const { created } = await linkAccount(prisma, {
      teamId: actor.teamId,
      accountId,
      linkedVia: "role_proof",
      linkedBy: actor.userId,
      proof,
    });
    if (created) {
      await recordAudit(prisma, {
        teamId: actor.teamId,
        userId: actor.userId,
        action: "account.linked",
        detail: `linked AWS account ${accountId}: ${proof}`,
      });
      logger.info(
        { teamId: actor.teamId, accountId, roleArn: role.roleArn },
        "AWS account linked by role proof",
      );
    }
    return { kind: "linked", accountId, topicArn: topic.arn };
  }
}

function accountOfRole(roleArn: string): string | undefined {
  try {
    return parseIamRoleArn(roleArn).accountId;
  } catch {
    return undefined;
  }
}
