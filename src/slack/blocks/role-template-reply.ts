/**
 * `/aws role template NAME`: the "Notification permissions" policy, the trust policy and a
 * CloudFormation template, each in code blocks split to Slack's 3000-character sections.
 */
import type { KnownBlock } from "@slack/types";
import { NOTIFICATIONS_POLICY_NAME, type RoleTemplate } from "../../configurations/role-template";
import { type Reply, reply } from "./replies";
import { codeSections, context, escapeText, header, MESSAGE_BLOCKS_MAX, section } from "./text";

export function roleTemplateBlocks(template: RoleTemplate): KnownBlock[] {
  const name = escapeText(template.roleName);
  const principalNote = template.principalKnown
    ? `It trusts \`${escapeText(template.principalArn)}\`, the principal this AWS Chatbot runs as.`
    : `Replace \`${escapeText(template.principalArn)}\` with the ARN of the AWS account or role this AWS Chatbot ` +
      "deployment runs as (`aws sts get-caller-identity` on its host); the CloudFormation template takes it as " +
      "the parameter `ChatbotPrincipalArn`.";
  return [
    header(`IAM role ${template.roleName}: Notification permissions`),
    section(
      `Create the role *${name}* in the AWS account of your topics. It may read CloudWatch (for alarm charts) and ` +
        "the attributes of your SNS topics (sns:GetTopicAttributes: AWS Chatbot reads a topic with the role to " +
        "prove this workspace may subscribe it) and nothing else, and only this workspace can use it: " +
        `its trust policy requires the ExternalId ` +
        `\`${escapeText(template.externalId)}\`.\n${principalNote}`,
    ),
    ...codeSections(`*Permissions policy* \`${NOTIFICATIONS_POLICY_NAME}\``, template.permissionsPolicy),
    ...codeSections("*Trust policy*", template.trustPolicy),
    ...codeSections("*CloudFormation* (creates the role with both policies)", template.cloudFormation),
  ];
}

export function roleTemplateReply(command: string, template: RoleTemplate, accountHint?: string): Reply {
  const account = accountHint ?? "ACCOUNT-ID";
  const blocks = [
    ...roleTemplateBlocks(template),
    section(
      `Then give it to this channel: \`${command} role arn:aws:iam::${escapeText(account)}:role/${escapeText(template.roleName)}\``,
    ),
    context(
      "Role names: 1–64 letters, digits and + = , . @ - _ (for Amazon Chime: letters and digits only).",
    ),
  ].slice(0, MESSAGE_BLOCKS_MAX);
  return reply(`IAM role template for ${template.roleName} (ExternalId ${template.externalId})`, blocks);
}
