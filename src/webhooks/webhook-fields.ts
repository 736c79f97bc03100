/**
 * The other fields of a webhook configuration. The description follows AWS Chatbot's convention
 * "Chat_room_name/Webhook_name" (1–255 characters), so lists show which room and which of its
 * webhooks a configuration posts to. The IAM role follows AWS Chatbot's rule for Amazon Chime
 * configurations: the role NAME may hold only letters and digits (the general IAM rules, path
 * included, still apply to the rest of the ARN).
 */
import { chimeRoleNameProblem, type IamRoleArn, parseIamRoleArn } from "../configurations/iam-role";
import { ChatbotError, ErrorCode } from "../errors";

export const WEBHOOK_DESCRIPTION_MAX = 255;
const DESCRIPTION_EXAMPLE = '"Ops-room/Alarms"';
const EXAMPLE_WEBHOOK_ROLE_ARN = "arn:aws:iam::123456789012:role/AWSChatbotChimeNotifications";

export interface WebhookDescription {
  /** "Room/Webhook" as stored, each part trimmed. */
  description: string;
  room: string;
  webhook: string;
}

function invalidDescription(problem: string): ChatbotError {
  return new ChatbotError(
    ErrorCode.InvalidArgument,
    `The webhook description ${problem}. Write it as Chat_room_name/Webhook_name, e.g. ${DESCRIPTION_EXAMPLE}.`,
  );
}

/** Parses "Room/Webhook": two non-empty parts separated by exactly one `/`. */
export function parseWebhookDescription(input: string): WebhookDescription {
  const trimmed = input.trim();
  if (trimmed === "") throw invalidDescription("is empty");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(trimmed))
    throw invalidDescription("contains control characters or line breaks");
  const parts = trimmed.split("/");
  if (parts.length !== 2) {
    throw invalidDescription(
      parts.length === 1
        ? "has no `/` between the chat room's name and the webhook's name"
        : `has ${parts.length - 1} \`/\` characters; it needs exactly one`,
    );
  }
  const [room, webhook] = parts.map((part) => part.trim());
  if (room === "") throw invalidDescription("has no chat room name before the `/`");
  if (webhook === "") throw invalidDescription("has no webhook name after the `/`");
  const description = `${room}/${webhook}`;
  if (description.length > WEBHOOK_DESCRIPTION_MAX) {
    throw invalidDescription(
      `has ${description.length} characters; at most ${WEBHOOK_DESCRIPTION_MAX} are allowed`,
    );
  }
  return { description, room, webhook };
}

/** What is wrong with a role name for a webhook configuration (letters and digits only), or undefined. */
export function webhookRoleNameProblem(name: string): string | undefined {
  return chimeRoleNameProblem(name);
}

/**
 * Parses the IAM role ARN of a webhook configuration: a valid role ARN whose name has only letters and
 * digits. Throws ChatbotError(InvalidArgument) saying what is wrong and what to type.
 */
export function parseWebhookRoleArn(input: string): IamRoleArn {
  const trimmed = input.trim();
  if (!trimmed.startsWith("arn:") && webhookRoleNameProblem(trimmed) === undefined) {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      `"${trimmed.slice(0, 64)}" is a role name; give the role's full ARN, e.g. ${EXAMPLE_WEBHOOK_ROLE_ARN}.`,
    );
  }
  const role = parseIamRoleArn(trimmed);
  const problem = webhookRoleNameProblem(role.name);
  if (problem !== undefined) {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      `${problem}. A webhook configuration's role ARN looks like ${EXAMPLE_WEBHOOK_ROLE_ARN}.`,
    );
  }
  return role;
}
