/**
 * The "Notification permissions" role template of the AWS Chatbot setup guide, for a role this
 * deployment assumes (charts of CloudWatch alarms, and the role proof of TOPIC_ACCESS): the
 * permissions policy `AWS-Chatbot-NotificationsOnly-Policy` (cloudwatch Describe/Get/List on *, and
 * sns:GetTopicAttributes on the workspace's topics, which the role proof calls), a trust policy that
 * lets this deployment's AWS principal assume the role with the workspace's ExternalId, and a
 * CloudFormation template that creates both. Pure functions of their inputs.
 */

export const NOTIFICATIONS_POLICY_NAME = "AWS-Chatbot-NotificationsOnly-Policy";
/** Shown when the deployment's own AWS principal is not known (it is not, offline). */
export const PRINCIPAL_PLACEHOLDER = "arn:aws:iam::<your-account-id>:root";

export interface RoleTemplateInput {
  roleName: string;
  externalId: string;
  /** ARN of the AWS principal this deployment runs as; the placeholder when unknown. */
  principalArn?: string;
  /**
   * The topics the role proves access to (sns:GetTopicAttributes): the channel's, of the role's
   * account. None known: every topic of the account the role is created in.
   */
  topicArns?: readonly string[];
}

export interface RoleTemplate {
  roleName: string;
  externalId: string;
  principalArn: string;
  principalKnown: boolean;
  permissionsPolicy: string;
  trustPolicy: string;
  cloudFormation: string;
}

const NOTIFICATIONS_ACTIONS = ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"];
export const TOPIC_READ_ACTION = "sns:GetTopicAttributes";
/** Every topic of the account the role lives in (CloudFormation fills in partition and account). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation !Sub string, not JavaScript's.
const ACCOUNT_TOPICS = "arn:${AWS::Partition}:sns:*:${AWS::AccountId}:*";
/** The same in a plain JSON policy, where the account is not known. */
const ANY_TOPIC = "arn:aws:sns:*:*:*";

/** The statement the role proof needs: read the attributes of these topics. */
export function topicReadStatement(topicArns: readonly string[]): object {
  const resources = [...new Set(topicArns)].sort();
  return {
    Sid: "AWSChatbotReadTopics",
    Effect: "Allow",
    Action: TOPIC_READ_ACTION,
    Resource: resources.length === 0 ? ANY_TOPIC : resources.length === 1 ? resources[0] : resources,
  };
}

export function notificationsPolicyDocument(topicArns: readonly string[] = []): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSChatbotNotificationsOnly",
        Effect: "Allow",
        Action: NOTIFICATIONS_ACTIONS,
        Resource: "*",
      },
      topicReadStatement(topicArns),
    ],
  };
}

export function trustPolicyDocument(principalArn: string, externalId: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: principalArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  };
}

/** YAML scalars here are ids and names without quotes or newlines; quoting keeps `*` and `:` literal. */
function yamlString(value: string): string {
  return JSON.stringify(value);
}

function topicResourcesYaml(topicArns: readonly string[]): string[] {
  const resources = [...new Set(topicArns)].sort();
  if (resources.length === 0) return [`                Resource: !Sub ${yamlString(ACCOUNT_TOPICS)}`];
  return ["                Resource:", ...resources.map((arn) => `                  - ${yamlString(arn)}`)];
}

function cloudFormationYaml(
  roleName: string,
  externalId: string,
  principalArn: string,
  topicArns: readonly string[],
): string {
  const actions = NOTIFICATIONS_ACTIONS.map((action) => `                  - ${yamlString(action)}`);
  return [
    'AWSTemplateFormatVersion: "2010-09-09"',
    `Description: ${yamlString(`IAM role ${roleName} for AWS Chatbot (Notification permissions)`)}`,
    "Parameters:",
    "  ChatbotPrincipalArn:",
    "    Type: String",
    `    Default: ${yamlString(principalArn)}`,
    "    Description: ARN of the IAM principal this AWS Chatbot deployment runs as",
    "Resources:",
    "  ChatbotRole:",
    "    Type: AWS::IAM::Role",
    "    Properties:",
    `      RoleName: ${yamlString(roleName)}`,
    "      AssumeRolePolicyDocument:",
    '        Version: "2012-10-17"',
    "        Statement:",
    "          - Effect: Allow",
    "            Principal:",
    "              AWS: !Ref ChatbotPrincipalArn",
    "            Action: sts:AssumeRole",
    "            Condition:",
    "              StringEquals:",
    `                sts:ExternalId: ${yamlString(externalId)}`,
    "      Policies:",
    `        - PolicyName: ${NOTIFICATIONS_POLICY_NAME}`,
    "          PolicyDocument:",
    '            Version: "2012-10-17"',
    "            Statement:",
    "              - Effect: Allow",
    "                Action:",
    ...actions,
    '                Resource: "*"',
    "              - Effect: Allow",
    `                Action: ${TOPIC_READ_ACTION}`,
    ...topicResourcesYaml(topicArns),
    "Outputs:",
    "  RoleArn:",
    "    Value: !GetAtt ChatbotRole.Arn",
  ].join("\n");
}

export function roleTemplate({
  roleName,
  externalId,
  principalArn,
  topicArns = [],
}: RoleTemplateInput): RoleTemplate {
  const principal = principalArn ?? PRINCIPAL_PLACEHOLDER;
  return {
    roleName,
    externalId,
    principalArn: principal,
    principalKnown: principalArn !== undefined,
    permissionsPolicy: JSON.stringify(notificationsPolicyDocument(topicArns), null, 2),
    trustPolicy: JSON.stringify(trustPolicyDocument(principal, externalId), null, 2),
    cloudFormation: cloudFormationYaml(roleName, externalId, principal, topicArns),
  };
}
