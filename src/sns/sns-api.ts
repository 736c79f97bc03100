import {
  ConfirmSubscriptionCommand,
  GetSubscriptionAttributesCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  type SNSClientConfig,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import { ChatbotError, ErrorCode } from "../errors";
import type { Logger } from "../logger";
import { type SnsOperation, toSnsApiError } from "./sns-api-errors";
import { parseSubscriptionArn, parseTopicArn } from "./topic-arn";

/**
 * The SNS API calls this app makes, on `@aws-sdk/client-sns`. One client per region, created on first
 * use; the region always comes from the ARN, because a deployment serves topics in many regions.
 * Credentials come from the SDK's default chain. The SDK itself honours AWS_ENDPOINT_URL_SNS
 * (and AWS_ENDPOINT_URL); `endpoint` overrides both.
 */

export interface SnsApiOptions {
  logger: Logger;
  /** Explicit SNS endpoint for every region (tests, private endpoints). Unset: the SDK decides. */
  endpoint?: string;
  /** Credentials instead of the default chain (tests). */
  credentials?: SNSClientConfig["credentials"];
  /** Attempts per call including the first, the SDK's retry for throttling/5xx/network. Default 3. */
  maxAttempts?: number;
  /** Per-attempt HTTP timeout. Default 10 000 ms. */
  requestTimeoutMs?: number;
}

export interface SubscriptionResult {
  /** The subscription ARN (ReturnSubscriptionArn=true, so never "pending confirmation"). */
  subscriptionArn: string;
}

export class SnsApi {
  private readonly logger: Logger;
  private readonly options: SnsApiOptions;
  private readonly clients = new Map<string, SNSClient>();

  constructor(options: SnsApiOptions) {
    this.options = options;
    this.logger = options.logger.child({ component: "sns-api" });
  }

  /**
   * Subscribes `endpointUrl` to the topic. SNS then posts a SubscriptionConfirmation there. The
   * protocol follows the endpoint's scheme: https in production, http only for loopback tests.
   */
  async subscribe(topicArn: string, endpointUrl: string): Promise<SubscriptionResult> {
    const topic = parseTopicArn(topicArn);
    const protocol = protocolOf(endpointUrl);
    const output = await this.call("Subscribe", topic.region, topic.arn, (client) =>
      client.send(
        new SubscribeCommand({
          TopicArn: topic.arn,
          Protocol: protocol,
          Endpoint: endpointUrl,
          ReturnSubscriptionArn: true,
        }),
      ),
    );
    return { subscriptionArn: requireArn(output.SubscriptionArn, "Subscribe") };
  }

  /**
   * Confirms with the token from a SubscriptionConfirmation. AuthenticateOnUnsubscribe makes the
   * subscription removable only by signed requests, so no one holding the UnsubscribeURL can drop it.
   */
  async confirmSubscription(topicArn: string, token: string): Promise<SubscriptionResult> {
    const topic = parseTopicArn(topicArn);
    const output = await this.call("ConfirmSubscription", topic.region, topic.arn, (client) =>
      client.send(
        new ConfirmSubscriptionCommand({
          TopicArn: topic.arn,
          Token: token,
          AuthenticateOnUnsubscribe: "true",
        }),
      ),
    );
    return { subscriptionArn: requireArn(output.SubscriptionArn, "ConfirmSubscription") };
  }

  async unsubscribe(subscriptionArn: string): Promise<void> {
    const subscription = parseSubscriptionArn(subscriptionArn);
    await this.call("Unsubscribe", subscription.topic.region, subscription.arn, (client) =>
      client.send(new UnsubscribeCommand({ SubscriptionArn: subscription.arn })),
    );
  }

  /** The subscription's attributes (PendingConfirmation, RawMessageDelivery, TopicArn, …). */
  async getSubscriptionAttributes(subscriptionArn: string): Promise<Record<string, string>> {
    const subscription = parseSubscriptionArn(subscriptionArn);
    const output = await this.call(
      "GetSubscriptionAttributes",
      subscription.topic.region,
      subscription.arn,
      (client) => client.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscription.arn })),
    );
    return { ...(output.Attributes ?? {}) };
  }

  /** Raw delivery strips the signature, so the endpoint needs it off. */
  async setRawMessageDelivery(subscriptionArn: string, enabled: boolean): Promise<void> {
    const subscription = parseSubscriptionArn(subscriptionArn);
    await this.call("SetSubscriptionAttributes", subscription.topic.region, subscription.arn, (client) =>
      client.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: subscription.arn,
          AttributeName: "RawMessageDelivery",
          AttributeValue: enabled ? "true" : "false",
        }),
      ),
    );
  }

  /** Closes every regional client's connections. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private client(region: string): SNSClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new SNSClient({
        region,
        ...(this.options.endpoint === undefined ? {} : { endpoint: this.options.endpoint }),
        ...(this.options.credentials === undefined ? {} : { credentials: this.options.credentials }),
        maxAttempts: this.options.maxAttempts ?? 3,
        requestHandler: {
          requestTimeout: this.options.requestTimeoutMs ?? 10_000,
          // Without this the SDK only prints a warning to the console and keeps waiting.
          throwOnRequestTimeout: true,
          connectionTimeout: 5_000,
        },
      });
      this.clients.set(region, client);
    }
    return client;
  }

  private async call<T>(
    operation: SnsOperation,
    region: string,
    resource: string,
    send: (client: SNSClient) => Promise<T>,
  ): Promise<T> {
    const started = Date.now();
    try {
      const output = await send(this.client(region));
      this.logger.info({ operation, region, resource, ms: Date.now() - started }, "SNS call succeeded");
      return output;
    } catch (error) {
      const failure = toSnsApiError(error, { operation, region, resource });
      this.logger.warn(
        {
          operation,
          region,
          resource,
          ms: Date.now() - started,
          kind: failure.kind,
          awsErrorCode: failure.awsErrorCode,
          retryable: failure.retryable,
        },
        `SNS call failed: ${failure.message}`,
      );
      throw failure;
    }
  }
}

function protocolOf(endpointUrl: string): "https" | "http" {
  let url: URL;
  try {
    url = new URL(endpointUrl);
  } catch {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      "the SNS endpoint (PUBLIC_URL + /sns/events) is not a URL",
    );
  }
  if (url.protocol === "https:") return "https";
  if (url.protocol === "http:") return "http";
  throw new ChatbotError(
    ErrorCode.InvalidArgument,
    `the SNS endpoint must be an https URL (PUBLIC_URL + /sns/events), not ${url.protocol}`,
  );
}

function requireArn(arn: string | undefined, operation: SnsOperation): string {
  if (arn === undefined || arn === "" || arn === "pending confirmation") {
    throw new ChatbotError(
      ErrorCode.SnsApiFailed,
      `SNS answered sns:${operation} without a subscription ARN`,
    );
  }
  return arn;
}
