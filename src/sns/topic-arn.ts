import { ChatbotError, ErrorCode } from "../errors";

/** SNS topic and subscription ARNs, as users type them into `/aws subscribe`. */

export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

export interface TopicArn {
  /** The ARN as given, trimmed. */
  arn: string;
  partition: AwsPartition;
  region: string;
  accountId: string;
  name: string;
  isFifo: boolean;
}

export interface SubscriptionArn {
  arn: string;
  topic: TopicArn;
  /** The subscription's own id, the last ARN segment (a UUID). */
  subscriptionId: string;
}

/** Which regions belong to which partition, by shape, so new regions need no code change. */
const REGION_SHAPE: Readonly<Record<AwsPartition, { pattern: RegExp; example: string }>> = {
  aws: { pattern: /^(?!cn-|us-gov-|us-iso)[a-z]{2}-[a-z]+-\d{1,2}$/, example: "us-east-2" },
  "aws-cn": { pattern: /^cn-[a-z]+-\d{1,2}$/, example: "cn-north-1" },
  "aws-us-gov": { pattern: /^us-gov-[a-z]+-\d{1,2}$/, example: "us-gov-west-1" },
};

const PARTITIONS = Object.keys(REGION_SHAPE) as AwsPartition[];
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const FIFO_SUFFIX = ".fifo";
const EXAMPLE = "arn:aws:sns:us-east-2:123456789012:my-topic";
const SUBSCRIPTION_ID = /^[A-Za-z0-9-]{1,128}$/;

export const FIFO_TOPIC_REASON = "SNS cannot deliver FIFO topics to HTTPS endpoints; use a standard topic";

function isPartition(value: string): value is AwsPartition {
  return (PARTITIONS as string[]).includes(value);
}

function shown(input: string): string {
  return input.length > 120 ? `${input.slice(0, 120)}…` : input;
}

function invalid(input: string, problem: string): ChatbotError {
  return new ChatbotError(
    ErrorCode.InvalidArgument,
    `"${shown(input)}" is not a valid SNS topic ARN: ${problem}. A topic ARN looks like ${EXAMPLE} ` +
      "(arn:PARTITION:sns:REGION:ACCOUNT-ID:TOPIC-NAME).",
  );
}

/** Problems with a 6-part ARN's fields, or undefined when they are fine. Shared by topic and subscription ARNs. */
function topicProblem(parts: readonly string[]): string | undefined {
  const [prefix, partition, service, region, accountId, name] = parts;
  if (prefix !== "arn") return 'it must start with "arn:"';
  if (!isPartition(partition)) {
    return `the partition "${shown(partition)}" is not one of ${PARTITIONS.join(", ")}`;
  }
  if (service !== "sns") return `the service is "${shown(service)}", not "sns"`;
  const shape = REGION_SHAPE[partition];
  if (!shape.pattern.test(region)) {
    return region === ""
      ? "the region is missing"
      : `the region "${shown(region)}" is not a region of the ${partition} partition (e.g. ${shape.example})`;
  }
  if (!/^\d{12}$/.test(accountId)) return `the account id "${shown(accountId)}" must be exactly 12 digits`;
  const base = name.endsWith(FIFO_SUFFIX) ? name.slice(0, -FIFO_SUFFIX.length) : name;
  if (name === "") return "the topic name is missing";
  if (name.length > 256) return "the topic name is longer than 256 characters";
  if (!TOPIC_NAME.test(base)) {
    return "the topic name may contain only letters, digits, hyphens and underscores (plus an optional .fifo suffix)";
  }
  return undefined;
}

function toTopic(arn: string, parts: readonly string[]): TopicArn {
  const [, partition, , region, accountId, name] = parts;
  return {
    arn,
    partition: partition as AwsPartition,
    region,
    accountId,
    name,
    isFifo: name.endsWith(FIFO_SUFFIX),
  };
}

/**
 * Parses `arn:<partition>:sns:<region>:<account>:<name>`. Throws ChatbotError(InvalidArgument) whose
 * message says what is wrong and what a valid ARN looks like.
 */
export function parseTopicArn(input: string): TopicArn {
  const arn = input.trim();
  const parts = arn.split(":");
  if (parts.length !== 6) {
    const problem =
      parts.length === 7 && parts[0] === "arn"
        ? "it has 7 parts, so it looks like a subscription ARN rather than a topic ARN"
        : `it has ${parts.length} colon-separated part${parts.length === 1 ? "" : "s"}, a topic ARN has 6`;
    throw invalid(arn, problem);
  }
  const problem = topicProblem(parts);
  if (problem !== undefined) throw invalid(arn, problem);
  return toTopic(arn, parts);
}

/** True when `input` is a well-formed SNS topic ARN. */
export function isTopicArn(input: string): boolean {
  const parts = input.trim().split(":");
  return parts.length === 6 && topicProblem(parts) === undefined;
}

/**
 * Refuses FIFO topics, which SNS delivers only to SQS. The configuration service calls this before
 * recording a topic, so the user hears why instead of seeing a subscription that never confirms.
 */
export function assertDeliverableTopic(topic: TopicArn | string): TopicArn {
  const parsed = typeof topic === "string" ? parseTopicArn(topic) : topic;
  if (parsed.isFifo)
    throw new ChatbotError(ErrorCode.InvalidArgument, `${shown(parsed.arn)}: ${FIFO_TOPIC_REASON}`);
  return parsed;
}

/**
 * Parses a subscription ARN, `<topic ARN>:<subscription id>`. SNS answers the literal string
 * "pending confirmation" instead of an ARN in some calls; that is refused here too.
 */
export function parseSubscriptionArn(input: string): SubscriptionArn {
  const arn = input.trim();
  const parts = arn.split(":");
  const problem =
    parts.length !== 7
      ? `it has ${parts.length} colon-separated part${parts.length === 1 ? "" : "s"}, a subscription ARN has 7`
      : (topicProblem(parts.slice(0, 6)) ??
        (SUBSCRIPTION_ID.test(parts[6]) ? undefined : "the subscription id is missing or malformed"));
  if (problem !== undefined) {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      `"${shown(arn)}" is not a valid SNS subscription ARN: ${problem}. A subscription ARN looks like ` +
        `${EXAMPLE}:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0.`,
    );
  }
  return { arn, topic: toTopic(parts.slice(0, 6).join(":"), parts), subscriptionId: parts[6] };
}
