import { ChatbotError, ErrorCode } from "../../src/errors";
import { SnsApi, type SnsApiOptions } from "../../src/sns/sns-api";
import { SnsApiError, type SnsApiFailureKind } from "../../src/sns/sns-api-errors";
import {
  type EndpointReceiver,
  type FakeSns,
  type FakeSnsErrorCode,
  startEndpointReceiver,
  startFakeSns,
} from "../support/fake-sns";
import { captureLogs } from "./log-capture";

const CREDENTIALS = { accessKeyId: "AKIDFAKESNSTEST", secretAccessKey: "fake-secret-for-tests" };

let fake: FakeSns;
let receiver: EndpointReceiver;
const apis: SnsApi[] = [];

beforeAll(async () => {
  fake = await startFakeSns();
  receiver = await startEndpointReceiver();
});

afterAll(async () => {
  for (const api of apis) api.destroy();
  await fake.close();
  await receiver.close();
});

function newApi(options: Partial<SnsApiOptions> = {}): SnsApi {
  const api = new SnsApi({
    logger: captureLogs().logger,
    endpoint: fake.url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    ...options,
  });
  apis.push(api);
  return api;
}

async function apiError(promise: Promise<unknown>): Promise<SnsApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SnsApiError);
    expect((error as SnsApiError).code).toBe(ErrorCode.SnsApiFailed);
    return error as SnsApiError;
  }
  throw new Error("expected an SnsApiError");
}

/** Subscribes the receiver to a fresh topic and confirms it; returns the ARNs. */
async function confirmedSubscription(api: SnsApi, topicName: string) {
  const topicArn = fake.createTopic(topicName);
  const { subscriptionArn } = await api.subscribe(topicArn, receiver.url);
  const confirmation = await receiver.next();
  await api.confirmSubscription(topicArn, JSON.parse(confirmation.body).Token as string);
  return { topicArn, subscriptionArn };
}

describe("SnsApi against the fake SNS", () => {
  it("subscribes with the endpoint's protocol and asks for the subscription ARN", async () => {
    const api = newApi();
    const topicArn = fake.createTopic("api-subscribe");
    const { subscriptionArn } = await api.subscribe(topicArn, receiver.url);
    expect(subscriptionArn).toMatch(new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const call = fake.callsOf("Subscribe").at(-1);
    expect(call?.params).toMatchObject({
      Action: "Subscribe",
      Version: "2010-03-31",
      TopicArn: topicArn,
      Protocol: "http",
      Endpoint: receiver.url,
      ReturnSubscriptionArn: "true",
    });
    expect(call?.signed).toBe(true);
    const confirmation = await receiver.next();
    expect(confirmation.headers["x-amz-sns-message-type"]).toBe("SubscriptionConfirmation");
  });

  it("confirms with AuthenticateOnUnsubscribe=true on a signed request", async () => {
    const api = newApi();
    const { topicArn, subscriptionArn } = await confirmedSubscription(api, "api-confirm");
    const call = fake.callsOf("ConfirmSubscription").at(-1);
    expect(call?.params).toMatchObject({ TopicArn: topicArn, AuthenticateOnUnsubscribe: "true" });
    expect(call?.signed).toBe(true);
    const attributes = await api.getSubscriptionAttributes(subscriptionArn);
    expect(attributes).toMatchObject({
      SubscriptionArn: subscriptionArn,
      TopicArn: topicArn,
      PendingConfirmation: "false",
      ConfirmationWasAuthenticated: "true",
      RawMessageDelivery: "false",
      Protocol: "http",
      Endpoint: receiver.url,
    });
  });

  it("reads PendingConfirmation=true before confirmation", async () => {
    const api = newApi();
    const topicArn = fake.createTopic("api-pending");
    const { subscriptionArn } = await api.subscribe(topicArn, receiver.url);
    await receiver.next();
    expect((await api.getSubscriptionAttributes(subscriptionArn)).PendingConfirmation).toBe("true");
  });

  it("turns raw message delivery off (and on)", async () => {
    const api = newApi();
    const { subscriptionArn } = await confirmedSubscription(api, "api-raw");
    await api.setRawMessageDelivery(subscriptionArn, true);
    expect((await api.getSubscriptionAttributes(subscriptionArn)).RawMessageDelivery).toBe("true");
    await api.setRawMessageDelivery(subscriptionArn, false);
    expect((await api.getSubscriptionAttributes(subscriptionArn)).RawMessageDelivery).toBe("false");
    expect(fake.callsOf("SetSubscriptionAttributes").at(-1)?.params).toMatchObject({
      SubscriptionArn: subscriptionArn,
      AttributeName: "RawMessageDelivery",
      AttributeValue: "false",
    });
  });

  it("unsubscribes (a signed request, as AuthenticateOnUnsubscribe requires)", async () => {
    const api = newApi();
    const { subscriptionArn } = await confirmedSubscription(api, "api-unsubscribe");
    await api.unsubscribe(subscriptionArn);
    expect(fake.subscriptions().some((sub) => sub.subscriptionArn === subscriptionArn)).toBe(false);
    expect((await receiver.next()).headers["x-amz-sns-message-type"]).toBe("UnsubscribeConfirmation");
    expect((await apiError(api.getSubscriptionAttributes(subscriptionArn))).kind).toBe("not_found");
  });

  it("calls each topic's own region", async () => {
    const api = newApi();
    const west = fake.createTopic("arn:aws:sns:us-west-2:123456789012:api-west");
    const china = fake.createTopic("arn:aws-cn:sns:cn-north-1:123456789012:api-china");
    await api.subscribe(west, receiver.url);
    await api.subscribe(china, receiver.url);
    await receiver.next();
    await receiver.next();
    expect(
      fake
        .callsOf("Subscribe")
        .slice(-2)
        .map((call) => call.signingRegion),
    ).toEqual(["us-west-2", "cn-north-1"]);
  });

  it("refuses malformed ARNs and endpoints before calling AWS", async () => {
    const api = newApi();
    const before = fake.calls.length;
    for (const attempt of [
      () => api.subscribe("not-an-arn", receiver.url),
      () => api.subscribe(fake.createTopic("api-bad-endpoint"), "not a url"),
      () => api.subscribe(fake.createTopic("api-ftp"), "ftp://example.test/sns/events"),
      () => api.confirmSubscription("arn:aws:sns:us-east-1:1:t", "token"),
      () => api.unsubscribe("pending confirmation"),
      () => api.getSubscriptionAttributes("arn:aws:sns:us-east-1:123456789012:t"),
      () => api.setRawMessageDelivery("", false),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    }
    expect(fake.calls.length).toBe(before);
  });
});

describe("SnsApi endpoint selection", () => {
  const saved = process.env.AWS_ENDPOINT_URL_SNS;

  afterEach(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SNS;
    else process.env.AWS_ENDPOINT_URL_SNS = saved;
  });

  it("honours AWS_ENDPOINT_URL_SNS through the SDK", async () => {
    process.env.AWS_ENDPOINT_URL_SNS = fake.url;
    const api = newApi({ endpoint: undefined });
    const topicArn = fake.createTopic("arn:aws:sns:eu-west-1:123456789012:api-env-endpoint");
    const before = fake.callsOf("Subscribe").length;
    await api.subscribe(topicArn, receiver.url);
    await receiver.next();
    expect(fake.callsOf("Subscribe").length).toBe(before + 1);
    expect(fake.callsOf("Subscribe").at(-1)?.signingRegion).toBe("eu-west-1");
  });

  it("lets an explicit endpoint win over AWS_ENDPOINT_URL_SNS", async () => {
    process.env.AWS_ENDPOINT_URL_SNS = "http://127.0.0.1:1";
    const api = newApi({ endpoint: fake.url });
    const topicArn = fake.createTopic("api-explicit-endpoint");
    await expect(api.subscribe(topicArn, receiver.url)).resolves.toHaveProperty("subscriptionArn");
    await receiver.next();
  });
});

describe("SnsApi error mapping", () => {
  const cases: Array<[FakeSnsErrorCode, SnsApiFailureKind, boolean, string]> = [
    [
      "AuthorizationError",
      "access_denied",
      false,
      "AWS denied sns:Subscribe on arn:aws:sns:us-east-1:123456789012:api-errors",
    ],
    ["NotFound", "not_found", false, "topic arn:aws:sns:us-east-1:123456789012:api-errors does not exist"],
    ["InvalidParameter", "invalid_parameter", false, "SNS refused sns:Subscribe"],
    ["Throttling", "throttled", true, "SNS is throttling sns:Subscribe in us-east-1"],
    ["Throttled", "throttled", true, "SNS is throttling sns:Subscribe in us-east-1"],
    ["InternalError", "service_error", true, "SNS in us-east-1 failed on sns:Subscribe (HTTP 500)"],
    ["SubscriptionLimitExceeded", "limit_exceeded", false, "an SNS limit was reached"],
  ];

  it.each(cases)("maps %s to %s (retryable %s)", async (code, kind, retryable, message) => {
    const api = newApi();
    const topicArn = fake.createTopic("api-errors");
    fake.failNext("Subscribe", code);
    const error = await apiError(api.subscribe(topicArn, receiver.url));
    expect(error).toBeInstanceOf(ChatbotError);
    expect(error).toMatchObject({ kind, retryable, awsErrorCode: code, operation: "Subscribe" });
    expect(error.message).toContain(message);
  });

  it("tells the user what permission to grant", async () => {
    const api = newApi();
    fake.failNext("ConfirmSubscription", "AuthorizationError", {
      message:
        "User: arn:aws:iam::123456789012:user/bot is not authorized to perform: SNS:ConfirmSubscription",
    });
    const error = await apiError(api.confirmSubscription(fake.createTopic("api-denied"), "tok"));
    expect(error.message).toContain(
      "give this deployment's AWS principal permission for sns:ConfirmSubscription",
    );
    expect(error.message).toContain("is not authorized to perform");
  });

  it("reports a topic that does not exist", async () => {
    const error = await apiError(
      newApi().subscribe("arn:aws:sns:us-east-1:123456789012:never-created", receiver.url),
    );
    expect(error.kind).toBe("not_found");
    expect(error.message).toBe(
      "topic arn:aws:sns:us-east-1:123456789012:never-created does not exist: check the region and account id in the ARN",
    );
  });

  it("reports a subscription that does not exist", async () => {
    const error = await apiError(newApi().unsubscribe("arn:aws:sns:us-east-1:123456789012:t:0f1e2d3c-4b5a"));
    expect(error).toMatchObject({ kind: "not_found", operation: "Unsubscribe" });
    expect(error.message).toContain(
      "subscription arn:aws:sns:us-east-1:123456789012:t:0f1e2d3c-4b5a does not exist",
    );
  });

  it("explains a FIFO topic refused by SNS", async () => {
    const topicArn = fake.createTopic("api-orders.fifo");
    const error = await apiError(newApi().subscribe(topicArn, receiver.url));
    expect(error).toMatchObject({ kind: "fifo_topic", awsErrorCode: "InvalidParameter", retryable: false });
    expect(error.message).toBe(
      `${topicArn}: SNS cannot deliver FIFO topics to HTTPS endpoints; use a standard topic`,
    );
  });

  it("explains a bad confirmation token", async () => {
    const error = await apiError(
      newApi().confirmSubscription(fake.createTopic("api-token"), "not-the-token"),
    );
    expect(error.kind).toBe("invalid_parameter");
    expect(error.message).toContain("confirmation token");
    expect(error.message).toContain("invalid or has expired");
  });

  it("maps an unreachable SNS to a retryable network failure", async () => {
    const error = await apiError(
      newApi({ endpoint: "http://127.0.0.1:1" }).subscribe(fake.createTopic("api-net"), receiver.url),
    );
    expect(error).toMatchObject({ kind: "network", retryable: true, awsErrorCode: "ECONNREFUSED" });
    expect(error.message).toContain("could not reach SNS in us-east-1");
  });

  it("maps a slow SNS to a retryable timeout", async () => {
    fake.delayAction("GetSubscriptionAttributes", 1_000);
    try {
      const error = await apiError(
        newApi({ requestTimeoutMs: 100 }).getSubscriptionAttributes(
          "arn:aws:sns:us-east-1:123456789012:t:abc",
        ),
      );
      expect(error).toMatchObject({ kind: "network", retryable: true });
    } finally {
      fake.delayAction("GetSubscriptionAttributes", 0);
    }
  });

  it("maps missing credentials", async () => {
    const api = newApi({
      credentials: async () => {
        throw Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        });
      },
    });
    const error = await apiError(api.subscribe(fake.createTopic("api-no-creds"), receiver.url));
    expect(error).toMatchObject({ kind: "no_credentials", retryable: false });
    expect(error.message).toContain("no AWS credentials were found");
  });

  it("lets the SDK retry throttling when allowed more attempts", async () => {
    const api = newApi({ maxAttempts: 3 });
    const topicArn = fake.createTopic("api-retry");
    const before = fake.callsOf("Subscribe").length;
    fake.failNext("Subscribe", "Throttling", { times: 1 });
    await expect(api.subscribe(topicArn, receiver.url)).resolves.toHaveProperty("subscriptionArn");
    await receiver.next();
    expect(fake.callsOf("Subscribe").length).toBe(before + 2);
  });

  it("logs failures without credentials", async () => {
    const capture = captureLogs();
    const api = new SnsApi({
      logger: capture.logger,
      endpoint: fake.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    apis.push(api);
    fake.failNext("Subscribe", "AuthorizationError");
    await apiError(api.subscribe(fake.createTopic("api-log"), receiver.url));
    const text = capture.text();
    expect(text).toContain('"awsErrorCode":"AuthorizationError"');
    expect(text).not.toContain(CREDENTIALS.secretAccessKey);
    expect(text).not.toContain(CREDENTIALS.accessKeyId);
  });
});
