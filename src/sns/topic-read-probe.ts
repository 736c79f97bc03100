/**
 * Role proof for TOPIC_ACCESS: assume the workspace's role (sts:AssumeRole with its ExternalId, via
 * the charts' RoleCredentialsCache) and read the topic with those credentials
 * (sns:GetTopicAttributes, in the topic's region). The outcome names the call that failed and
 * AWS's reason, so a person can fix the trust policy or the permissions. Never throws.
 */
import { GetTopicAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import type { RoleCredentialsCache } from "../charts/role-credentials";
import type { ProbeOutcome, RoleForProof, TopicReadProbe } from "../configurations/topic-access";
import type { TopicArn } from "./topic-arn";

export interface RoleTopicProbeOptions {
  credentials: Pick<RoleCredentialsCache, "credentialsFor">;
  /** Explicit SNS endpoint (config.awsEndpoints.sns); unset, the SDK decides (and reads the env). */
  snsEndpoint?: string;
  /** Per-call HTTP timeout. Default 5 000 ms. */
  timeoutMs?: number;
}

const REASON_MAX = 300;

/** AWS's code and message of a failed SDK call, short enough for a Slack reply. */
export function awsReason(error: unknown): string {
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  const code = typeof name === "string" && name !== "" && name !== "Error" ? `${name}: ` : "";
  const text = typeof message === "string" ? message.trim() : String(error);
  const reason = `${code}${text}`;
  return reason.length > REASON_MAX ? `${reason.slice(0, REASON_MAX)}…` : reason;
}

export class RoleTopicProbe implements TopicReadProbe {
  constructor(private readonly options: RoleTopicProbeOptions) {}

  async canRead(role: RoleForProof, topic: TopicArn, sessionId: string): Promise<ProbeOutcome> {
    let credentials: Awaited<ReturnType<RoleTopicProbeOptions["credentials"]["credentialsFor"]>>;
    try {
      credentials = await this.options.credentials.credentialsFor({
        roleArn: role.roleArn,
        externalId: role.externalId,
        sessionId,
        region: topic.region,
      });
    } catch (error) {
      return { ok: false, failedCall: "sts:AssumeRole", reason: awsReason(error) };
    }
    const client = new SNSClient({
      region: topic.region,
      credentials,
      ...(this.options.snsEndpoint === undefined ? {} : { endpoint: this.options.snsEndpoint }),
      maxAttempts: 2,
      requestHandler: {
        requestTimeout: this.options.timeoutMs ?? 5_000,
        throwOnRequestTimeout: true,
        connectionTimeout: 3_000,
      },
    });
    try {
      await client.send(new GetTopicAttributesCommand({ TopicArn: topic.arn }));
      return { ok: true };
    } catch (error) {
      return { ok: false, failedCall: "sns:GetTopicAttributes", reason: awsReason(error) };
    } finally {
      client.destroy();
    }
  }
}
