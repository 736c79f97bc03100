import { z } from "zod";
import { ChatbotError, ErrorCode } from "../errors";

/**
 * The JSON envelope Amazon SNS posts to HTTP(S) subscribers (PROTOCOLS §1.1). Parsing only checks
 * shape; authenticity is `SnsMessageVerifier`'s job.
 */

export const SNS_MESSAGE_TYPES = [
  "SubscriptionConfirmation",
  "Notification",
  "UnsubscribeConfirmation",
] as const;
export type SnsMessageType = (typeof SNS_MESSAGE_TYPES)[number];

/** One SNS message attribute as SNS renders it in the envelope. Attributes are not signed. */
export interface SnsMessageAttribute {
  Type: string;
  Value: string;
}

interface SnsEnvelopeBase {
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  /** Kept as the string SNS sent: an unknown version is a verification failure, not a parse error. */
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
}

export interface SnsNotification extends SnsEnvelopeBase {
  Type: "Notification";
  /** Absent (not empty) when the publisher set no subject; that changes the string to sign. */
  Subject?: string;
  UnsubscribeURL?: string;
  MessageAttributes?: Record<string, SnsMessageAttribute>;
}

export interface SnsSubscriptionConfirmation extends SnsEnvelopeBase {
  Type: "SubscriptionConfirmation";
  Token: string;
  SubscribeURL: string;
}

/** Same fields as a SubscriptionConfirmation; it has no UnsubscribeURL. */
export interface SnsUnsubscribeConfirmation extends SnsEnvelopeBase {
  Type: "UnsubscribeConfirmation";
  Token: string;
  SubscribeURL: string;
}

export type SnsEnvelope = SnsNotification | SnsSubscriptionConfirmation | SnsUnsubscribeConfirmation;

const required = z.string().min(1);

const baseShape = {
  MessageId: required,
  TopicArn: required,
  // A publisher can send an empty message with a subject; SNS still signs it.
  Message: z.string(),
  Timestamp: required,
  SignatureVersion: required,
  Signature: required,
  SigningCertURL: required,
};

const attributeSchema = z.object({ Type: z.string(), Value: z.string() });

const notificationSchema = z.object({
  ...baseShape,
  Type: z.literal("Notification"),
  // Lambda-style records carry `"Subject": null` for "no subject".
  Subject: z
    .string()
    .nullish()
    .transform((subject) => subject ?? undefined),
  UnsubscribeURL: z.string().optional(),
  MessageAttributes: z.record(z.string(), attributeSchema).optional(),
});

const confirmationShape = { ...baseShape, Token: required, SubscribeURL: required };
const subscriptionConfirmationSchema = z.object({
  ...confirmationShape,
  Type: z.literal("SubscriptionConfirmation"),
});
const unsubscribeConfirmationSchema = z.object({
  ...confirmationShape,
  Type: z.literal("UnsubscribeConfirmation"),
});

const SCHEMAS = {
  Notification: notificationSchema,
  SubscriptionConfirmation: subscriptionConfirmationSchema,
  UnsubscribeConfirmation: unsubscribeConfirmationSchema,
} as const;

/** Lambda's SNS records spell these two keys with a lower-case "rl". */
const LAMBDA_SPELLINGS: ReadonlyArray<readonly [canonical: string, lambda: string]> = [
  ["SigningCertURL", "SigningCertUrl"],
  ["UnsubscribeURL", "UnsubscribeUrl"],
];

/** Keys every SNS envelope carries; a JSON body with none of them is not an envelope at all. */
const ENVELOPE_MARKER_KEYS = ["Type", "MessageId", "Signature", "SigningCertURL", "SigningCertUrl"] as const;

function malformed(reason: string): ChatbotError {
  return new ChatbotError(ErrorCode.SnsBodyMalformed, reason);
}

/** Quotes untrusted text inside an error reason without letting it grow or break the line. */
function quote(value: string): string {
  const clipped = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return `'${clipped.replace(/\p{Cc}/gu, "?")}'`;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeIssue(input: unknown, issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join(".") || "body";
  const value = valueAt(input, issue.path);
  if (value === undefined) return `missing field ${field}`;
  if (issue.code === "too_small") return `field ${field} is empty`;
  if (issue.code === "invalid_type")
    return `field ${field} must be a ${issue.expected}, not ${describeType(value)}`;
  return `field ${field} is invalid`;
}

function parseJsonObject(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw malformed("body is not JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw malformed(`body is JSON but ${describeType(parsed)}, not an object`);
  }
  return parsed as Record<string, unknown>;
}

function withCanonicalSpellings(object: Record<string, unknown>): Record<string, unknown> {
  const result = { ...object };
  for (const [canonical, lambda] of LAMBDA_SPELLINGS) {
    if (result[canonical] === undefined && result[lambda] !== undefined) result[canonical] = result[lambda];
    delete result[lambda];
  }
  return result;
}

function isSnsMessageType(value: string): value is SnsMessageType {
  return (SNS_MESSAGE_TYPES as readonly string[]).includes(value);
}

/**
 * Parses an SNS HTTP body (the raw text SNS posted, or a Lambda-style record) into a typed envelope.
 * Throws ChatbotError(SnsBodyMalformed) whose message is a reason a person can act on, e.g.
 * "body is not JSON", "missing field Signature", "unknown Type 'X'". Unknown extra keys are dropped.
 */
export function parseSnsEnvelope(body: string): SnsEnvelope {
  const object = withCanonicalSpellings(parseJsonObject(body));
  return plainNotification(object) ?? parseWithSchema(object);
}

const isFilled = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/**
 * The hot path: a Notification as SNS sends it (every field a string, no message attributes) is
 * taken field by field, giving what the schema would. Anything else, including everything that is
 * wrong, goes through the schema, which also says what is wrong.
 */
function plainNotification(object: Record<string, unknown>): SnsNotification | undefined {
  const { Type, MessageId, TopicArn, Message, Timestamp, SignatureVersion, Signature, SigningCertURL } =
    object;
  const { Subject, UnsubscribeURL, MessageAttributes } = object;
  if (
    Type !== "Notification" ||
    !isFilled(MessageId) ||
    !isFilled(TopicArn) ||
    typeof Message !== "string" ||
    !isFilled(Timestamp) ||
    !isFilled(SignatureVersion) ||
    !isFilled(Signature) ||
    !isFilled(SigningCertURL) ||
    !(Subject === undefined || Subject === null || typeof Subject === "string") ||
    !(UnsubscribeURL === undefined || typeof UnsubscribeURL === "string") ||
    MessageAttributes !== undefined
  ) {
    return undefined;
  }
  const notification: SnsNotification = {
    Type,
    MessageId,
    TopicArn,
    Message,
    Timestamp,
    SignatureVersion,
    Signature,
    SigningCertURL,
  };
  // As the schema gives it: a key absent stays absent, `"Subject": null` becomes undefined.
  if (Subject !== undefined) notification.Subject = Subject ?? undefined;
  if (UnsubscribeURL !== undefined) notification.UnsubscribeURL = UnsubscribeURL;
  return notification;
}

/** parseSnsEnvelope through the schema alone, without the Notification fast path (for tests). */
export function parseSnsEnvelopeBySchema(body: string): SnsEnvelope {
  return parseWithSchema(withCanonicalSpellings(parseJsonObject(body)));
}

function parseWithSchema(object: Record<string, unknown>): SnsEnvelope {
  const type = object.Type;
  if (type === undefined) throw malformed("missing field Type");
  if (typeof type !== "string") throw malformed(`field Type must be a string, not ${describeType(type)}`);
  if (!isSnsMessageType(type)) {
    throw malformed(`unknown Type ${quote(type)} (expected one of ${SNS_MESSAGE_TYPES.join(", ")})`);
  }
  const result = SCHEMAS[type].safeParse(object);
  if (!result.success) {
    const reasons = result.error.issues.slice(0, 3).map((issue) => describeIssue(object, issue));
    throw malformed(reasons.join("; "));
  }
  return result.data;
}

export type HttpHeaders = Readonly<Record<string, string | ReadonlyArray<string> | undefined>>;

function headerValue(headers: HttpHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === "string" ? value : value?.[0];
  }
  return undefined;
}

/** SNS's own mark of a raw-delivery message: `x-amz-sns-rawdelivery: true`. */
export function hasRawDeliveryHeader(headers: HttpHeaders): boolean {
  return headerValue(headers, "x-amz-sns-rawdelivery")?.trim().toLowerCase() === "true";
}

/**
 * True when the body is a raw-delivery message rather than an SNS envelope: SNS marks raw delivery
 * with `x-amz-sns-rawdelivery: true`, and a body that is not JSON, or is JSON carrying none of the
 * envelope's keys, cannot be an envelope either. Raw bodies carry no signature, so they can never be
 * verified; the endpoint refuses them (415) and the subscription should have raw delivery turned off.
 */
export function isRawDeliveryBody(headers: HttpHeaders, body: string): boolean {
  if (hasRawDeliveryHeader(headers)) return true;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return true;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return true;
  return !ENVELOPE_MARKER_KEYS.some((key) => Object.hasOwn(parsed, key));
}
