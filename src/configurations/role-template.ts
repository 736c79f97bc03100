/**
 * The "Notification permissions" role template of the AWS Chatbot setup guide, for a role this
 * deployment assumes (charts of CloudWatch alarms): the permissions policy
 * `AWS-Chatbot-NotificationsOnly-Policy` (cloudwatch Describe/Get/List on *), a trust policy that
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

export function notificationsPolicyDocument(): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AWSChatbotNotificationsOnly",
        Effect: "Allow",
        Action: NOTIFICATIONS_ACTIONS,
        Resource: "*",
      },
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

function cloudFormationYaml(roleName: string, externalId: string, principalArn: string): string {
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
    "Outputs:",
    "  RoleArn:",
    "    Value: !GetAtt ChatbotRole.Arn",
  ].join("\n");
}

export function roleTemplate({ roleName, externalId, principalArn }: RoleTemplateInput): RoleTemplate {
  const principal = principalArn ?? PRINCIPAL_PLACEHOLDER;
  return {
    roleName,
    externalId,
    principalArn: principal,
    principalKnown: principalArn !== undefined,
    permissionsPolicy: JSON.stringify(notificationsPolicyDocument(), null, 2),
    trustPolicy: JSON.stringify(trustPolicyDocument(principal, externalId), null, 2),
    cloudFormation: cloudFormationYaml(roleName, externalId, principal),
  };
}
