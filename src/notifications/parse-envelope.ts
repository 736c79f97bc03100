import { z } from "zod";
import { ChatbotError, ErrorCode } from "../errors";
import type { SnsNotificationEnvelope } from "./types";

/**
 * Text that someone says is an SNS message body (a file for `chatbot render`, a paste on the setup
 * page) → the envelope the renderers take, or a ChatbotError(NotSnsMessage) saying what it is instead.
 */

const NON_RENDERING_TYPES = new Set(["SubscriptionConfirmation", "UnsubscribeConfirmation"]);

const notificationSchema = z.object({
  Type: z.literal("Notification"),
  MessageId: z.string(),
  TopicArn: z.string(),
  // Lambda-style records carry `Subject: null` when there is none.
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string(),
  MessageAttributes: z
    .record(z.string(), z.object({ Type: z.string(), Value: z.string().optional() }))
    .optional()
    .catch(undefined),
});

/** Only a Notification envelope renders; anything else says what it is and what was expected. */
export function parseEnvelope(text: string): SnsNotificationEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `not an SNS message: the input is not JSON (${(error as Error).message})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      "not an SNS message: expected a JSON object with Type and Message",
    );
  }
  const record = value as Record<string, unknown>;
  const type = record.Type;
  if (type === undefined) {
    const hint =
      "envelope" in record
        ? ' (this looks like a test fixture: render its "envelope" object)'
        : "Records" in record
          ? " (this looks like a Lambda event: render Records[0].Sns)"
          : "";
    throw new ChatbotError(ErrorCode.NotSnsMessage, `not an SNS message: no "Type" field${hint}`);
  }
  if (typeof type === "string" && NON_RENDERING_TYPES.has(type)) {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `this is an SNS ${type}; only Notification messages render (subscriptions are confirmed by the server)`,
    );
  }
  if (type !== "Notification") {
    throw new ChatbotError(
      ErrorCode.NotSnsMessage,
      `not an SNS message: unknown Type ${JSON.stringify(type)}`,
    );
  }
  const parsed = notificationSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
      .join("; ");
    throw new ChatbotError(ErrorCode.NotSnsMessage, `not a valid SNS Notification: ${problems}`);
  }
  const { Subject, MessageAttributes, ...rest } = parsed.data;
  return {
    ...rest,
    ...(typeof Subject === "string" ? { Subject } : {}),
    ...(MessageAttributes === undefined ? {} : { MessageAttributes }),
  };
}
