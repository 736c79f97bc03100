/**
 * IAM role names and ARNs as a channel configuration takes them. The AWS Chatbot setup guide allows
 * letters, digits and `+=,.@-_` (1–64 characters) for a Slack channel's role, and only letters and
 * digits for an Amazon Chime (webhook) configuration's; IAM itself caps names at 64 and paths at 512.
 */
import { ChatbotError, ErrorCode } from "../errors";

export const ROLE_NAME_MAX = 64;
const ROLE_PATH_MAX = 512;
const SLACK_ROLE_NAME = /^[A-Za-z0-9+=,.@_-]+$/;
const CHIME_ROLE_NAME = /^[A-Za-z0-9]+$/;
/** IAM paths: `/`, or `/`-delimited segments of printable ASCII. */
const ROLE_PATH = /^\/(?:[\x21-\x2E\x30-\x7E]+\/)*$/;
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role(\/.*)$/;
const EXAMPLE_ROLE_ARN = "arn:aws:iam::123456789012:role/AWSChatbotNotifications";

export interface IamRoleArn {
  arn: string;
  partition: string;
  accountId: string;
  /** "/" or "/path/to/". */
  path: string;
  name: string;
}

function shown(input: string): string {
  return input.length > 100 ? `${input.slice(0, 100)}…` : input;
}

function lengthProblem(name: string): string | undefined {
  if (name.length === 0) return "the role name is empty";
  if (name.length > ROLE_NAME_MAX)
    return `the role name has ${name.length} characters; at most ${ROLE_NAME_MAX} are allowed`;
  return undefined;
}

/**
 * What is wrong with a role name for a Slack channel configuration, or undefined when it is valid:
 * 1–64 letters, digits and `+=,.@-_`.
 */
export function slackRoleNameProblem(name: string): string | undefined {
  const length = lengthProblem(name);
  if (length !== undefined) return length;
  if (!SLACK_ROLE_NAME.test(name)) {
    return `"${shown(name)}" has characters a role name cannot have: use only letters, digits and + = , . @ - _ (no spaces)`;
  }
  return undefined;
}

/** What is wrong with a role name for an Amazon Chime (webhook) configuration: letters and digits only. */
export function chimeRoleNameProblem(name: string): string | undefined {
  const length = lengthProblem(name);
  if (length !== undefined) return length;
  if (!CHIME_ROLE_NAME.test(name)) {
    return `"${shown(name)}" has characters a role name for Amazon Chime cannot have: use only letters and digits`;
  }
  return undefined;
}

/** Throws ChatbotError(InvalidArgument) unless `name` is a valid role name for a Slack channel. */
export function assertSlackRoleName(name: string): string {
  const problem = slackRoleNameProblem(name);
  if (problem !== undefined) throw new ChatbotError(ErrorCode.InvalidArgument, problem);
  return name;
}

/** Throws ChatbotError(InvalidArgument) unless `name` is a valid role name for a Chime webhook. */
export function assertChimeRoleName(name: string): string {
  const problem = chimeRoleNameProblem(name);
  if (problem !== undefined) throw new ChatbotError(ErrorCode.InvalidArgument, problem);
  return name;
}

function invalidArn(input: string, problem: string): ChatbotError {
  return new ChatbotError(
    ErrorCode.InvalidArgument,
    `"${shown(input)}" is not a valid IAM role ARN: ${problem}. A role ARN looks like ${EXAMPLE_ROLE_ARN} ` +
      "(arn:PARTITION:iam::ACCOUNT-ID:role/[PATH/]NAME).",
  );
}

/**
 * Parses `arn:<partition>:iam::<12 digits>:role/<path/><name>`; the name must pass the Slack role
 * name rules. Throws ChatbotError(InvalidArgument) saying what is wrong and what to type.
 */
export function parseIamRoleArn(input: string): IamRoleArn {
  const arn = input.trim();
  const match = ROLE_ARN.exec(arn);
  if (match === null) {
    if (!arn.startsWith("arn:")) throw invalidArn(arn, 'it must start with "arn:"');
    const parts = arn.split(":");
    if (parts[2] !== "iam") throw invalidArn(arn, `the service is "${shown(parts[2] ?? "")}", not "iam"`);
    if (!["aws", "aws-cn", "aws-us-gov"].includes(parts[1] ?? "")) {
      throw invalidArn(arn, `the partition "${shown(parts[1] ?? "")}" is not one of aws, aws-cn, aws-us-gov`);
    }
    if (parts[3] !== "") throw invalidArn(arn, "IAM ARNs have no region: the part after iam: must be empty");
    if (!/^\d{12}$/.test(parts[4] ?? "")) {
      throw invalidArn(arn, `the account id "${shown(parts[4] ?? "")}" must be exactly 12 digits`);
    }
    throw invalidArn(arn, "the resource must be role/NAME");
  }
  const [, partition, accountId, resource] = match;
  const lastSlash = resource.lastIndexOf("/");
  const path = resource.slice(0, lastSlash + 1);
  const name = resource.slice(lastSlash + 1);
  if (path.length > ROLE_PATH_MAX || !ROLE_PATH.test(path)) {
    throw invalidArn(arn, "the role path must be / or /segments/ of at most 512 characters");
  }
  const problem = slackRoleNameProblem(name);
  if (problem !== undefined) throw invalidArn(arn, problem);
  return { arn, partition, accountId, path, name };
}

/** The ARN of role `name` in `accountId` (what the role template creates). */
export function roleArnFor(partition: string, accountId: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:role/${name}`;
}
