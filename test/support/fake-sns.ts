/**
 * A loopback Amazon SNS for tests: it speaks the SNS Query API (form-encoded POST, XML answers in the
 * shapes @aws-sdk/client-sns deserialises), serves its signing certificate over http on 127.0.0.1,
 * and delivers signed SubscriptionConfirmation / Notification / UnsubscribeConfirmation messages to
 * subscribed HTTP endpoints as SNS does. Every API call is recorded; any action can be made to fail
 * or to answer late.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  formatLikeSns,
  type SignatureVersion,
  type SigningIdentity,
  signEnvelope,
  testSigningIdentity,
  type UnsignedEnvelope,
} from "./sns-signing";

export type FakeSnsAction =
  | "Subscribe"
  | "ConfirmSubscription"
  | "Unsubscribe"
  | "GetSubscriptionAttributes"
  | "SetSubscriptionAttributes"
  | "GetTopicAttributes"
  | "Publish";

/** Errors the fake can answer with, as AWS names them in `<Code>`. */
export type FakeSnsErrorCode =
  | "AuthorizationError"
  | "NotFound"
  | "InvalidParameter"
  | "Throttling"
  | "Throttled"
  | "InternalError"
  | "SubscriptionLimitExceeded";

const ERROR_STATUS: Readonly<Record<FakeSnsErrorCode, number>> = {
  AuthorizationError: 403,
  NotFound: 404,
  InvalidParameter: 400,
  Throttling: 400,
  Throttled: 429,
  InternalError: 500,
  SubscriptionLimitExceeded: 403,
};

export interface FakeSnsCall {
  action: string;
  params: Record<string, string>;
  /** True when the request carried an AWS SigV4 Authorization header. */
  signed: boolean;
  /** The region in the SigV4 credential scope, when signed. */
  signingRegion?: string;
  /** The access key id that signed the request (whose credentials were used). */
  accessKeyId?: string;
  at: number;
}

export interface FakeSubscription {
  subscriptionArn: string;
  topicArn: string;
  protocol: "http" | "https";
  endpoint: string;
  token: string;
  confirmed: boolean;
  authenticateOnUnsubscribe: boolean;
  confirmationWasAuthenticated: boolean;
  attributes: Record<string, string>;
}

export interface DeliveryRecord {
  kind: "SubscriptionConfirmation" | "Notification" | "UnsubscribeConfirmation" | "Raw";
  topicArn: string;
  subscriptionArn: string;
  endpoint: string;
  headers: Record<string, string>;
  body: string;
  attempts: number;
  /** Status of the last attempt; undefined when it failed below HTTP (see `error`). */
  status?: number;
  responseBody?: string;
  error?: string;
}

export interface CertificateBehaviour {
  status?: number;
  body?: string | Buffer;
  contentType?: string;
  /** Wait this long before answering at all. */
  delayMs?: number;
  /** Send the body without a Content-Length header (chunked). */
  chunked?: boolean;
}

export interface FakeSnsOptions {
  /** Signature version of topics created without one. Default "1", as SNS. */
  signatureVersion?: SignatureVersion;
  /** How long an endpoint has to answer a delivery. Default 15 000 ms, as SNS. */
  deliveryTimeoutMs?: number;
  /** SNS-like retries of failed deliveries (timeouts and statuses outside 200–499). Default none. */
  retry?: { attempts: number; delayMs: number };
  /** Signing key and certificate. Default the process-wide test identity. */
  identity?: SigningIdentity;
  /** Account of topics created by bare name. Default 123456789012. */
  accountId?: string;
  /** Region of topics created by bare name. Default us-east-1. */
  region?: string;
}

interface Topic {
  arn: string;
  signatureVersion: SignatureVersion;
}

interface InjectedFailure {
  code: FakeSnsErrorCode;
  message: string;
  remaining: number;
}

class FakeSnsError extends Error {
  constructor(
    readonly code: FakeSnsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
const USER_AGENT = "Amazon Simple Notification Service Agent";

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function element(name: string, value: string): string {
  return `<${name}>${xmlEscape(value)}</${name}>`;
}

function okXml(action: string, result?: string): string {
  const resultXml = result === undefined ? "" : `<${action}Result>${result}</${action}Result>`;
  return (
    `<?xml version="1.0"?>\n<${action}Response xmlns="${XMLNS}">${resultXml}` +
    `<ResponseMetadata>${element("RequestId", randomUUID())}</ResponseMetadata></${action}Response>`
  );
}

function errorXml(code: FakeSnsErrorCode, message: string): string {
  const type = ERROR_STATUS[code] >= 500 ? "Receiver" : "Sender";
  return (
    `<?xml version="1.0"?>\n<ErrorResponse xmlns="${XMLNS}"><Error>${element("Type", type)}` +
    `${element("Code", code)}${element("Message", message)}</Error>${element("RequestId", randomUUID())}</ErrorResponse>`
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `Attributes.entry.N.key` / `.value` pairs of a Query API request. */
function entries(params: Record<string, string>, prefix: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, key] of Object.entries(params)) {
    const match = new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.entry\\.(\\d+)\\.key$`).exec(name);
    if (match === null) continue;
    const value = params[`${prefix}.entry.${match[1]}.value`];
    if (value !== undefined) result[key] = value;
  }
  return result;
}

const SETTABLE_ATTRIBUTES = new Set([
  "RawMessageDelivery",
  "DeliveryPolicy",
  "FilterPolicy",
  "FilterPolicyScope",
  "RedrivePolicy",
]);

export class FakeSns {
  /** Base URL, e.g. http://127.0.0.1:43121 (give it to SnsApi as `endpoint`). */
  readonly url: string;
  /** Where this fake's signing certificate is served. */
  readonly certUrl: string;
  /** A SigningCertURL pattern that admits exactly this fake's certificate URLs. */
  readonly certUrlPattern: RegExp;
  readonly calls: FakeSnsCall[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  /** Paths of every certificate request received (any .pem). */
  readonly certificateRequests: string[] = [];
  /** Certificate requests being answered now, and the most seen at once (tests may reset it). */
  certificateRequestsInFlight = 0;
  maxConcurrentCertificateRequests = 0;
  /** TCP connections open to this fake now, and the most open at once (tests may reset it). */
  openConnections = 0;
  maxOpenConnections = 0;
  /** Overrides how the certificate URL answers; undefined serves the real certificate. */
  certificateBehaviour: CertificateBehaviour | undefined;

  /** Forgets the certificate requests seen and serves the real certificate again (between tests). */
  resetCertificateServing(): void {
    this.certificateRequests.length = 0;
    this.maxConcurrentCertificateRequests = 0;
    this.certificateBehaviour = undefined;
  }

  private readonly topics = new Map<string, Topic>();
  private readonly subs = new Map<string, FakeSubscription>();
  private readonly failures = new Map<string, InjectedFailure>();
  private readonly delays = new Map<string, number>();
  /** Topic ARN → who may call GetTopicAttributes on it (by signing access key); absent: anyone. */
  private readonly topicReaders = new Map<string, (accessKeyId: string | undefined) => boolean>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly options: Required<Omit<FakeSnsOptions, "retry">> & Pick<FakeSnsOptions, "retry">;

  constructor(
    private readonly server: Server,
    port: number,
    options: FakeSnsOptions,
  ) {
    this.options = {
      signatureVersion: options.signatureVersion ?? "1",
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 15_000,
      retry: options.retry,
      identity: options.identity ?? testSigningIdentity(),
      accountId: options.accountId ?? "123456789012",
      region: options.region ?? "us-east-1",
    };
    this.url = `http://127.0.0.1:${port}`;
    server.on("connection", (socket) => {
      this.openConnections += 1;
      this.maxOpenConnections = Math.max(this.maxOpenConnections, this.openConnections);
      socket.once("close", () => {
        this.openConnections -= 1;
      });
    });
    this.certUrl = `${this.url}/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
    this.certUrlPattern = new RegExp(
      `^http://127\\.0\\.0\\.1:${port}/SimpleNotificationService-[0-9a-f]{32}\\.pem$`,
    );
  }

  get certificatePem(): string {
    return this.options.identity.certificatePem;
  }

  // ---- test-side controls ----------------------------------------------------------------

  /** Creates a topic from a bare name (default account and region) or a full ARN; returns its ARN. */
  createTopic(nameOrArn: string, options: { signatureVersion?: SignatureVersion } = {}): string {
    const arn = nameOrArn.startsWith("arn:")
      ? nameOrArn
      : `arn:aws:sns:${this.options.region}:${this.options.accountId}:${nameOrArn}`;
    this.topics.set(arn, {
      arn,
      signatureVersion: options.signatureVersion ?? this.options.signatureVersion,
    });
    return arn;
  }

  setTopicSignatureVersion(topicArn: string, version: SignatureVersion): void {
    this.topic(topicArn).signatureVersion = version;
  }

  /** Makes the next `times` calls of `action` fail with `code`. */
  failNext(
    action: FakeSnsAction,
    code: FakeSnsErrorCode,
    options: { times?: number; message?: string } = {},
  ): void {
    this.failures.set(action, {
      code,
      message: options.message ?? `${code} (injected by the fake SNS)`,
      remaining: options.times ?? 1,
    });
  }

  /**
   * The topic's access policy allows sns:GetTopicAttributes only to callers `mayRead` accepts (by the
   * access key that signed the call; FakeSts.issued maps a key to its role); others get
   * AuthorizationError as SNS answers it.
   */
  restrictTopicReaders(topicArn: string, mayRead: (accessKeyId: string | undefined) => boolean): void {
    this.topicReaders.set(topicArn, mayRead);
  }

  /** Makes every call of `action` wait `ms` before answering (0 removes the delay). */
  delayAction(action: FakeSnsAction, ms: number): void {
    if (ms > 0) this.delays.set(action, ms);
    else this.delays.delete(action);
  }

  subscriptions(): FakeSubscription[] {
    return [...this.subs.values()].map((sub) => ({ ...sub, attributes: { ...sub.attributes } }));
  }

  callsOf(action: FakeSnsAction): FakeSnsCall[] {
    return this.calls.filter((call) => call.action === action);
  }

  /** Publishes and waits until every confirmed subscriber answered; returns one record per delivery. */
  async publish(topicArn: string, message: string, subject?: string): Promise<DeliveryRecord[]> {
    return Promise.all(this.fanOut(this.topic(topicArn), message, subject));
  }

  /** Waits for every delivery started so far (e.g. the confirmation a Subscribe sends). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // ---- HTTP ------------------------------------------------------------------------------

  /** @internal */
  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.url);
    if (request.method === "GET" && url.pathname.endsWith(".pem")) {
      await this.serveCertificate(url.pathname, response);
      return;
    }
    const params: Record<string, string> =
      request.method === "POST"
        ? Object.fromEntries(new URLSearchParams(await readBody(request)))
        : Object.fromEntries(url.searchParams);
    const action = params.Action ?? "";
    const authorization = request.headers.authorization ?? "";
    const signed = authorization.startsWith("AWS4-HMAC-SHA256");
    const signingRegion = /Credential=[^/]+\/\d{8}\/([^/]+)\/sns\//.exec(authorization)?.[1];
    const accessKeyId = /Credential=([^/]+)\//.exec(authorization)?.[1];
    this.calls.push({ action, params, signed, signingRegion, accessKeyId, at: Date.now() });
    const delay = this.delays.get(action);
    if (delay !== undefined) await sleep(delay);
    try {
      const xml = this.dispatch(action, params, signed, accessKeyId);
      response.writeHead(200, { "content-type": "text/xml" }).end(xml);
    } catch (error) {
      const failure =
        error instanceof FakeSnsError
          ? error
          : new FakeSnsError("InternalError", String((error as Error).message));
      response
        .writeHead(ERROR_STATUS[failure.code], { "content-type": "text/xml" })
        .end(errorXml(failure.code, failure.message));
    }
  }

  private async serveCertificate(pathname: string, response: ServerResponse): Promise<void> {
    this.certificateRequests.push(pathname);
    this.certificateRequestsInFlight += 1;
    this.maxConcurrentCertificateRequests = Math.max(
      this.maxConcurrentCertificateRequests,
      this.certificateRequestsInFlight,
    );
    response.once("close", () => {
      this.certificateRequestsInFlight -= 1;
    });
    const behaviour = this.certificateBehaviour;
    if (behaviour?.delayMs !== undefined) await sleep(behaviour.delayMs);
    if (behaviour === undefined && pathname !== new URL(this.certUrl).pathname) {
      response.writeHead(404).end("not found");
      return;
    }
    const status = behaviour?.status ?? 200;
    const body = behaviour?.body ?? this.options.identity.certificatePem;
    const headers: Record<string, string> = {
      "content-type": behaviour?.contentType ?? "application/x-x509-ca-cert",
    };
    if (behaviour?.chunked) {
      response.writeHead(status, headers);
      const bytes = Buffer.from(body);
      for (let offset = 0; offset < bytes.length; offset += 1024) {
        if (response.destroyed) return;
        response.write(bytes.subarray(offset, offset + 1024));
      }
      response.end();
      return;
    }
    response.writeHead(status, headers).end(body);
  }

  private dispatch(
    action: string,
    params: Record<string, string>,
    signed: boolean,
    accessKeyId: string | undefined,
  ): string {
    const injected = this.failures.get(action);
    if (injected !== undefined) {
      injected.remaining -= 1;
      if (injected.remaining <= 0) this.failures.delete(action);
      throw new FakeSnsError(injected.code, injected.message);
    }
    switch (action) {
      case "Subscribe":
        return this.subscribe(params);
      case "ConfirmSubscription":
        return this.confirmSubscription(params, signed);
      case "Unsubscribe":
        return this.unsubscribe(params, signed);
      case "GetSubscriptionAttributes":
        return this.getSubscriptionAttributes(params);
      case "SetSubscriptionAttributes":
        return this.setSubscriptionAttributes(params);
      case "GetTopicAttributes":
        return this.getTopicAttributes(params, accessKeyId);
      case "Publish":
        return this.publishAction(params);
      default:
        throw new FakeSnsError(
          "InvalidParameter",
          `Invalid parameter: Action ${action || "(missing)"} is not supported`,
        );
    }
  }

  // ---- actions ---------------------------------------------------------------------------

  private subscribe(params: Record<string, string>): string {
    const topic = this.topic(params.TopicArn ?? "");
    const protocol = params.Protocol;
    const endpoint = params.Endpoint ?? "";
    if (protocol !== "http" && protocol !== "https") {
      throw new FakeSnsError(
        "InvalidParameter",
        `Invalid parameter: Invalid protocol type: ${protocol ?? ""}`,
      );
    }
    if (topic.arn.endsWith(".fifo")) {
      throw new FakeSnsError("InvalidParameter", `Invalid parameter: Invalid protocol type: ${protocol}`);
    }
    if (!endpoint.startsWith(`${protocol}://`)) {
      throw new FakeSnsError("InvalidParameter", "Invalid parameter: Endpoint");
    }
    const attributes = entries(params, "Attributes");
    let sub = [...this.subs.values()].find(
      (candidate) =>
        candidate.topicArn === topic.arn &&
        candidate.endpoint === endpoint &&
        candidate.protocol === protocol,
    );
    if (sub === undefined) {
      sub = {
        subscriptionArn: `${topic.arn}:${randomUUID()}`,
        topicArn: topic.arn,
        protocol,
        endpoint,
        token: randomBytes(64).toString("hex"),
        confirmed: false,
        authenticateOnUnsubscribe: false,
        confirmationWasAuthenticated: false,
        attributes: { RawMessageDelivery: attributes.RawMessageDelivery ?? "false" },
      };
      this.subs.set(sub.subscriptionArn, sub);
    }
    if (!sub.confirmed) this.track(this.deliverConfirmation(sub, topic, "SubscriptionConfirmation"));
    const arn =
      sub.confirmed || params.ReturnSubscriptionArn === "true" ? sub.subscriptionArn : "pending confirmation";
    return okXml("Subscribe", element("SubscriptionArn", arn));
  }

  private confirmSubscription(params: Record<string, string>, signed: boolean): string {
    const topic = this.topic(params.TopicArn ?? "");
    const sub = [...this.subs.values()].find((candidate) => candidate.token === params.Token);
    if (sub === undefined || sub.topicArn !== topic.arn)
      throw new FakeSnsError("InvalidParameter", "Invalid token");
    sub.confirmed = true;
    sub.authenticateOnUnsubscribe = params.AuthenticateOnUnsubscribe === "true";
    sub.confirmationWasAuthenticated = signed;
    return okXml("ConfirmSubscription", element("SubscriptionArn", sub.subscriptionArn));
  }

  private unsubscribe(params: Record<string, string>, signed: boolean): string {
    const sub = this.subscription(params.SubscriptionArn ?? "");
    if (sub.authenticateOnUnsubscribe && !signed) {
      throw new FakeSnsError(
        "AuthorizationError",
        "Unsubscribe of this subscription requires authentication",
      );
    }
    this.subs.delete(sub.subscriptionArn);
    const topic = this.topics.get(sub.topicArn);
    if (topic !== undefined) this.track(this.deliverConfirmation(sub, topic, "UnsubscribeConfirmation"));
    return okXml("Unsubscribe");
  }

  private getSubscriptionAttributes(params: Record<string, string>): string {
    const sub = this.subscription(params.SubscriptionArn ?? "");
    const attributes: Record<string, string> = {
      ...sub.attributes,
      SubscriptionArn: sub.subscriptionArn,
      TopicArn: sub.topicArn,
      Owner: sub.topicArn.split(":")[4] ?? "",
      Protocol: sub.protocol,
      Endpoint: sub.endpoint,
      PendingConfirmation: String(!sub.confirmed),
      ConfirmationWasAuthenticated: String(sub.confirmationWasAuthenticated),
      EffectiveDeliveryPolicy:
        '{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}',
    };
    const xml = Object.entries(attributes)
      .map(([key, value]) => `<entry>${element("key", key)}${element("value", value)}</entry>`)
      .join("");
    return okXml("GetSubscriptionAttributes", `<Attributes>${xml}</Attributes>`);
  }

  private getTopicAttributes(params: Record<string, string>, accessKeyId: string | undefined): string {
    const topic = this.topic(params.TopicArn ?? "");
    const mayRead = this.topicReaders.get(topic.arn);
    if (mayRead !== undefined && !mayRead(accessKeyId)) {
      throw new FakeSnsError(
        "AuthorizationError",
        `User: ${accessKeyId ?? "anonymous"} is not authorized to perform: SNS:GetTopicAttributes on resource: ${topic.arn}`,
      );
    }
    const subs = [...this.subs.values()].filter((sub) => sub.topicArn === topic.arn);
    const attributes: Record<string, string> = {
      TopicArn: topic.arn,
      Owner: topic.arn.split(":")[4] ?? "",
      SignatureVersion: topic.signatureVersion,
      SubscriptionsConfirmed: String(subs.filter((sub) => sub.confirmed).length),
      SubscriptionsPending: String(subs.filter((sub) => !sub.confirmed).length),
      SubscriptionsDeleted: "0",
    };
    const xml = Object.entries(attributes)
      .map(([key, value]) => `<entry>${element("key", key)}${element("value", value)}</entry>`)
      .join("");
    return okXml("GetTopicAttributes", `<Attributes>${xml}</Attributes>`);
  }

  private setSubscriptionAttributes(params: Record<string, string>): string {
    const sub = this.subscription(params.SubscriptionArn ?? "");
    const name = params.AttributeName ?? "";
    const value = params.AttributeValue ?? "";
    if (!SETTABLE_ATTRIBUTES.has(name))
      throw new FakeSnsError("InvalidParameter", "Invalid parameter: AttributeName");
    if (name === "RawMessageDelivery" && value !== "true" && value !== "false") {
      throw new FakeSnsError("InvalidParameter", "Invalid parameter: RawMessageDelivery: Invalid value");
    }
    sub.attributes[name] = value;
    return okXml("SetSubscriptionAttributes");
  }

  private publishAction(params: Record<string, string>): string {
    const topic = this.topic(params.TopicArn ?? "");
    const message = params.Message;
    if (message === undefined || message === "")
      throw new FakeSnsError("InvalidParameter", "Invalid parameter: Empty message");
    const messageId = randomUUID();
    for (const delivery of this.fanOut(topic, message, params.Subject, messageId)) this.track(delivery);
    return okXml("Publish", element("MessageId", messageId));
  }

  // ---- delivery --------------------------------------------------------------------------

  private topic(arn: string): Topic {
    const topic = this.topics.get(arn);
    if (topic === undefined) throw new FakeSnsError("NotFound", "Topic does not exist");
    return topic;
  }

  private subscription(arn: string): FakeSubscription {
    const sub = this.subs.get(arn);
    if (sub === undefined) throw new FakeSnsError("NotFound", "Subscription does not exist");
    return sub;
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private fanOut(
    topic: Topic,
    message: string,
    subject?: string,
    messageId = randomUUID(),
  ): Promise<DeliveryRecord>[] {
    const deliveries: Promise<DeliveryRecord>[] = [];
    for (const sub of this.subs.values()) {
      if (sub.topicArn !== topic.arn || !sub.confirmed) continue;
      if (sub.attributes.RawMessageDelivery === "true") {
        deliveries.push(this.deliver(sub, "Raw", message, { "x-amz-sns-rawdelivery": "true" }, messageId));
        continue;
      }
      const envelope: UnsignedEnvelope = {
        Type: "Notification",
        MessageId: messageId,
        TopicArn: topic.arn,
        ...(subject === undefined || subject === "" ? {} : { Subject: subject }),
        Message: message,
        Timestamp: new Date().toISOString(),
        UnsubscribeURL: `${this.url}/?Action=Unsubscribe&SubscriptionArn=${sub.subscriptionArn}`,
      };
      const body = formatLikeSns(
        signEnvelope(envelope, {
          version: topic.signatureVersion,
          certUrl: this.certUrl,
          privateKey: this.key(),
        }),
      );
      deliveries.push(this.deliver(sub, "Notification", body, {}, messageId));
    }
    return deliveries;
  }

  private deliverConfirmation(
    sub: FakeSubscription,
    topic: Topic,
    type: "SubscriptionConfirmation" | "UnsubscribeConfirmation",
  ): Promise<DeliveryRecord> {
    const messageId = randomUUID();
    const token = type === "SubscriptionConfirmation" ? sub.token : randomBytes(64).toString("hex");
    const message =
      type === "SubscriptionConfirmation"
        ? `You have chosen to subscribe to the topic ${topic.arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
        : `You have chosen to deactivate subscription ${sub.subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
    const envelope: UnsignedEnvelope = {
      Type: type,
      MessageId: messageId,
      Token: token,
      TopicArn: topic.arn,
      Message: message,
      SubscribeURL: `${this.url}/?Action=ConfirmSubscription&TopicArn=${topic.arn}&Token=${token}`,
      Timestamp: new Date().toISOString(),
    };
    const body = formatLikeSns(
      signEnvelope(envelope, {
        version: topic.signatureVersion,
        certUrl: this.certUrl,
        privateKey: this.key(),
      }),
    );
    return this.deliver(sub, type, body, {}, messageId);
  }

  private key() {
    return this.options.identity.privateKey;
  }

  private async deliver(
    sub: FakeSubscription,
    kind: DeliveryRecord["kind"],
    body: string,
    extraHeaders: Record<string, string>,
    messageId: string,
  ): Promise<DeliveryRecord> {
    const headers: Record<string, string> = {
      "content-type": "text/plain; charset=UTF-8",
      "user-agent": USER_AGENT,
      "x-amz-sns-message-type": kind === "Raw" ? "Notification" : kind,
      "x-amz-sns-message-id": messageId,
      "x-amz-sns-topic-arn": sub.topicArn,
      ...(kind === "SubscriptionConfirmation" ? {} : { "x-amz-sns-subscription-arn": sub.subscriptionArn }),
      ...extraHeaders,
    };
    const record: DeliveryRecord = {
      kind,
      topicArn: sub.topicArn,
      subscriptionArn: sub.subscriptionArn,
      endpoint: sub.endpoint,
      headers,
      body,
      attempts: 0,
    };
    this.deliveries.push(record);
    const attempts = 1 + (this.options.retry?.attempts ?? 0);
    while (record.attempts < attempts) {
      if (record.attempts > 0) await sleep(this.options.retry?.delayMs ?? 0);
      record.attempts += 1;
      try {
        const response = await fetch(sub.endpoint, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(this.options.deliveryTimeoutMs),
        });
        record.status = response.status;
        record.responseBody = await response.text();
        record.error = undefined;
        // SNS counts any answer below 500 as delivered (PROTOCOLS §1.4).
        if (response.status >= 200 && response.status < 500) break;
      } catch (error) {
        record.status = undefined;
        record.error = error instanceof Error ? error.message : String(error);
      }
    }
    return record;
  }
}

/** Starts a fake SNS on 127.0.0.1 with an ephemeral port. Call `close()` when done. */
export async function startFakeSns(options: FakeSnsOptions = {}): Promise<FakeSns> {
  let fake: FakeSns | undefined;
  const server = createServer((request, response) => {
    fake?.handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake = new FakeSns(server, (server.address() as AddressInfo).port, options);
  return fake;
}

// ---- a tiny endpoint that receives deliveries ------------------------------------------------

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface EndpointReceiver {
  /** e.g. http://127.0.0.1:40123/sns/events */
  url: string;
  received: ReceivedRequest[];
  /** Resolves with the next request received (or one already waiting that no call has taken). */
  next(): Promise<ReceivedRequest>;
  close(): Promise<void>;
}

/**
 * An HTTP endpoint on loopback standing in for this app's /sns/events: it records each request and
 * answers with `answer(request)` (default 200).
 */
export async function startEndpointReceiver(
  answer: (
    request: ReceivedRequest,
  ) => Promise<{ status: number; body?: string }> | { status: number; body?: string } = () => ({
    status: 200,
  }),
): Promise<EndpointReceiver> {
  const received: ReceivedRequest[] = [];
  const waiting: Array<(request: ReceivedRequest) => void> = [];
  let taken = 0;
  const server = createServer((request, response) => {
    readBody(request)
      .then(async (body) => {
        const headers: Record<string, string> = {};
        for (const [key, value] of Object.entries(request.headers)) {
          if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(", ") : value;
        }
        const entry: ReceivedRequest = {
          method: request.method ?? "",
          path: request.url ?? "",
          headers,
          body,
        };
        received.push(entry);
        const waiter = waiting.shift();
        if (waiter !== undefined) {
          taken += 1;
          waiter(entry);
        }
        const reply = await answer(entry);
        response.writeHead(reply.status).end(reply.body ?? "");
      })
      .catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/sns/events`,
    received,
    next() {
      if (taken < received.length) {
        const entry = received[taken];
        taken += 1;
        return Promise.resolve(entry);
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
