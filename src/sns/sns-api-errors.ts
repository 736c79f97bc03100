import { ChatbotError, ErrorCode } from "../errors";
import { FIFO_TOPIC_REASON } from "./topic-arn";

/** How an SNS API call failed, for callers that decide what to do next (retry, tell the user, give up). */
export type SnsApiFailureKind =
  | "access_denied"
  | "no_credentials"
  | "not_found"
  | "invalid_parameter"
  | "fifo_topic"
  | "limit_exceeded"
  | "throttled"
  | "service_error"
  | "network"
  | "unknown";

export type SnsOperation =
  | "Subscribe"
  | "ConfirmSubscription"
  | "Unsubscribe"
  | "GetSubscriptionAttributes"
  | "SetSubscriptionAttributes";

/** A failed SNS API call: `message` is for people, the other fields for code. */
export class SnsApiError extends ChatbotError {
  readonly operation: SnsOperation;
  readonly kind: SnsApiFailureKind;
  /** AWS's error code (e.g. "AuthorizationError", "Throttling"), or the Node error code for network failures. */
  readonly awsErrorCode: string;
  /** True when the same call may succeed later unchanged (throttling, 5xx, network). */
  readonly retryable: boolean;

  constructor(
    fields: { operation: SnsOperation; kind: SnsApiFailureKind; awsErrorCode: string; retryable: boolean },
    message: string,
    options?: ErrorOptions,
  ) {
    super(ErrorCode.SnsApiFailed, message, options);
    this.name = "SnsApiError";
    this.operation = fields.operation;
    this.kind = fields.kind;
    this.awsErrorCode = fields.awsErrorCode;
    this.retryable = fields.retryable;
  }
}

const ACCESS_DENIED = new Set([
  "AuthorizationError",
  "AccessDenied",
  "AccessDeniedException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidSecurity",
  "IncompleteSignature",
  "MissingAuthenticationToken",
]);
const NOT_FOUND = new Set(["NotFound", "ResourceNotFound"]);
const INVALID_PARAMETER = new Set(["InvalidParameter", "ParameterValueInvalid", "ValidationError"]);
const THROTTLED = new Set([
  "Throttled",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
]);
const LIMIT_EXCEEDED = new Set(["SubscriptionLimitExceeded", "FilterPolicyLimitExceeded"]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "TimeoutError",
  "RequestTimeout",
]);

interface AwsErrorShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function shape(error: unknown): AwsErrorShape {
  return error !== null && typeof error === "object" ? (error as AwsErrorShape) : {};
}

/**
 * The AWS error code: modelled SDK exceptions carry it as `Code`, unmodelled ones as `name`, Node
 * network errors as `code`. When the SDK re-wraps a foreign-realm error (it does under jest) only the
 * message keeps the Node code.
 */
function awsCode(error: AwsErrorShape): string {
  if (typeof error.Code === "string" && error.Code !== "") return error.Code;
  if (typeof error.code === "string" && error.code !== "") return error.code;
  const inMessage =
    typeof error.message === "string" ? /\b(E[A-Z_]{4,})\b/.exec(error.message)?.[1] : undefined;
  if (inMessage !== undefined && NETWORK_CODES.has(inMessage)) return inMessage;
  if (typeof error.name === "string" && error.name !== "") return error.name.replace(/Exception$/, "");
  return "Unknown";
}

function awsMessage(error: AwsErrorShape): string {
  const text = typeof error.message === "string" ? error.message.trim() : "";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

export interface SnsCallContext {
  operation: SnsOperation;
  /** The topic or subscription ARN the call was about. */
  resource: string;
  region: string;
}

/** Maps any failure of an SNS SDK call to an SnsApiError with a message saying what to do. */
export function toSnsApiError(error: unknown, context: SnsCallContext): SnsApiError {
  const details = shape(error);
  const code = awsCode(details);
  const status = typeof details.$metadata?.httpStatusCode === "number" ? details.$metadata.httpStatusCode : 0;
  const said = awsMessage(details);
  const aws = said === "" ? "" : ` (AWS said: ${said})`;
  const { operation, resource, region } = context;
  const make = (kind: SnsApiFailureKind, retryable: boolean, message: string) =>
    new SnsApiError({ operation, kind, awsErrorCode: code, retryable }, message, { cause: error });
  const isSubscriptionCall = operation !== "Subscribe" && operation !== "ConfirmSubscription";

  if (ACCESS_DENIED.has(code)) {
    return make(
      "access_denied",
      false,
      `AWS denied sns:${operation} on ${resource}: give this deployment's AWS principal permission for ` +
        `sns:${operation} on it, and check the topic's access policy${aws}`,
    );
  }
  if (code === "CredentialsProviderError") {
    return make(
      "no_credentials",
      false,
      `no AWS credentials were found for sns:${operation}: configure the standard AWS credential ` +
        "variables, a profile or an instance role for this deployment",
    );
  }
  if (NOT_FOUND.has(code)) {
    return make(
      "not_found",
      false,
      isSubscriptionCall
        ? `subscription ${resource} does not exist (it may have been deleted already)`
        : `topic ${resource} does not exist: check the region and account id in the ARN`,
    );
  }
  if (INVALID_PARAMETER.has(code)) {
    if (operation === "Subscribe" && (resource.endsWith(".fifo") || /fifo/i.test(said))) {
      return make("fifo_topic", false, `${resource}: ${FIFO_TOPIC_REASON}`);
    }
    if (operation === "ConfirmSubscription" && /token/i.test(said)) {
      return make(
        "invalid_parameter",
        false,
        `the confirmation token for ${resource} is invalid or has expired (tokens last two days)${aws}`,
      );
    }
    return make("invalid_parameter", false, `SNS refused sns:${operation} on ${resource} as invalid${aws}`);
  }
  if (LIMIT_EXCEEDED.has(code)) {
    return make("limit_exceeded", false, `an SNS limit was reached for ${resource}${aws}`);
  }
  if (THROTTLED.has(code) || status === 429) {
    return make("throttled", true, `SNS is throttling sns:${operation} in ${region}; try again shortly`);
  }
  if (status >= 500 || details.$fault === "server") {
    return make(
      "service_error",
      true,
      `SNS in ${region} failed on sns:${operation} (HTTP ${status || "5xx"})${aws}`,
    );
  }
  // No HTTP status at all: the request never got an answer (refused, reset, timed out, DNS).
  if (status === 0) {
    return make(
      "network",
      true,
      `could not reach SNS in ${region} for sns:${operation}: ${said || code} (check network access or AWS_ENDPOINT_URL_SNS)`,
    );
  }
  return make("unknown", false, `sns:${operation} on ${resource} failed: ${code}${aws}`);
}
