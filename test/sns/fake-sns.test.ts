import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { isRawDeliveryBody, parseSnsEnvelope } from "../../src/sns/envelope";
import { SnsApi } from "../../src/sns/sns-api";
import { SnsMessageVerifier } from "../../src/sns/verify-signature";
import {
  type EndpointReceiver,
  type FakeSns,
  type ReceivedRequest,
  startEndpointReceiver,
  startFakeSns,
} from "../support/fake-sns";
import { captureLogs } from "./log-capture";

const CREDENTIALS = { accessKeyId: "AKIDFAKESNSTEST", secretAccessKey: "fake-secret-for-tests" };

let fake: FakeSns;
let receiver: EndpointReceiver;
let api: SnsApi;
let verifier: SnsMessageVerifier;

beforeAll(async () => {
  fake = await startFakeSns();
  receiver = await startEndpointReceiver();
  api = new SnsApi({
    logger: captureLogs().logger,
    endpoint: fake.url,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  verifier = new SnsMessageVerifier({ logger: captureLogs().logger, certUrlPattern: fake.certUrlPattern });
});

afterAll(async () => {
  api.destroy();
  await fake.close();
  await receiver.close();
});

/** What this app's endpoint does first: parse and verify. */
async function verified(request: ReceivedRequest) {
  const envelope = parseSnsEnvelope(request.body);
  await verifier.verify(envelope);
  return envelope;
}

async function subscribeAndConfirm(topicArn: string, endpoint: EndpointReceiver = receiver) {
  const { subscriptionArn } = await api.subscribe(topicArn, endpoint.url);
  const confirmation = await verified(await endpoint.next());
  if (confirmation.Type !== "SubscriptionConfirmation") throw new Error(`got ${confirmation.Type}`);
  await api.confirmSubscription(topicArn, confirmation.Token);
  return subscriptionArn;
}

describe("fake SNS delivering to a loopback endpoint", () => {
  it.each(["1", "2"] as const)(
    "sends a verifiable SubscriptionConfirmation (SignatureVersion %s)",
    async (version) => {
      const topicArn = fake.createTopic(`fake-confirm-v${version}`, { signatureVersion: version });
      const { subscriptionArn } = await api.subscribe(topicArn, receiver.url);
      const request = await receiver.next();
      expect(request.method).toBe("POST");
      expect(request.path).toBe("/sns/events");
      expect(request.headers).toMatchObject({
        "content-type": "text/plain; charset=UTF-8",
        "user-agent": "Amazon Simple Notification Service Agent",
        "x-amz-sns-message-type": "SubscriptionConfirmation",
        "x-amz-sns-topic-arn": topicArn,
      });
      expect(request.headers).not.toHaveProperty("x-amz-sns-subscription-arn");
      const envelope = await verified(request);
      expect(envelope).toMatchObject({
        Type: "SubscriptionConfirmation",
        TopicArn: topicArn,
        SignatureVersion: version,
      });
      expect(request.headers["x-amz-sns-message-id"]).toBe(envelope.MessageId);
      expect(fake.subscriptions().find((sub) => sub.subscriptionArn === subscriptionArn)?.confirmed).toBe(
        false,
      );
      if (envelope.Type === "SubscriptionConfirmation")
        await api.confirmSubscription(topicArn, envelope.Token);
      expect(fake.subscriptions().find((sub) => sub.subscriptionArn === subscriptionArn)?.confirmed).toBe(
        true,
      );
    },
  );

  it("sends nothing to an endpoint until it confirms", async () => {
    const topicArn = fake.createTopic("fake-unconfirmed");
    await api.subscribe(topicArn, receiver.url);
    await receiver.next();
    expect(await fake.publish(topicArn, "nobody hears this")).toEqual([]);
  });

  it("delivers verifiable notifications with and without Subject", async () => {
    const topicArn = fake.createTopic("fake-publish", { signatureVersion: "2" });
    const subscriptionArn = await subscribeAndConfirm(topicArn);
    const [withSubject] = await fake.publish(topicArn, "Disk almost full\non web-1", "Disk alert");
    expect(withSubject).toMatchObject({ kind: "Notification", status: 200, attempts: 1 });
    const first = await verified(await receiver.next());
    expect(first).toMatchObject({
      Type: "Notification",
      Message: "Disk almost full\non web-1",
      Subject: "Disk alert",
      SignatureVersion: "2",
    });
    await fake.publish(topicArn, "no subject");
    const secondRequest = await receiver.next();
    expect(secondRequest.headers["x-amz-sns-subscription-arn"]).toBe(subscriptionArn);
    const second = await verified(secondRequest);
    expect(second.Type === "Notification" && second.Subject).toBeUndefined();
    expect(second.Type === "Notification" && second.UnsubscribeURL).toContain(subscriptionArn);
  });

  it("switches signature version per topic", async () => {
    const topicArn = fake.createTopic("fake-switch");
    await subscribeAndConfirm(topicArn);
    await fake.publish(topicArn, "v1");
    expect((await verified(await receiver.next())).SignatureVersion).toBe("1");
    fake.setTopicSignatureVersion(topicArn, "2");
    await fake.publish(topicArn, "v2");
    expect((await verified(await receiver.next())).SignatureVersion).toBe("2");
  });

  it("supports the Publish action through the AWS SDK", async () => {
    const topicArn = fake.createTopic("fake-publish-action");
    await subscribeAndConfirm(topicArn);
    const client = new SNSClient({
      region: "us-east-1",
      endpoint: fake.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const output = await client.send(
        new PublishCommand({ TopicArn: topicArn, Message: "via SDK", Subject: "SDK" }),
      );
      const envelope = await verified(await receiver.next());
      expect(envelope.MessageId).toBe(output.MessageId);
      expect(envelope.Message).toBe("via SDK");
    } finally {
      client.destroy();
    }
  });

  it("posts raw bodies, marked as such, when raw delivery is on", async () => {
    const topicArn = fake.createTopic("fake-raw");
    const subscriptionArn = await subscribeAndConfirm(topicArn);
    await api.setRawMessageDelivery(subscriptionArn, true);
    await fake.publish(topicArn, '{"AlarmName":"cpu"}', "ignored in raw mode");
    const request = await receiver.next();
    expect(request.body).toBe('{"AlarmName":"cpu"}');
    expect(request.headers["x-amz-sns-rawdelivery"]).toBe("true");
    expect(isRawDeliveryBody(request.headers, request.body)).toBe(true);
    await api.setRawMessageDelivery(subscriptionArn, false);
    await fake.publish(topicArn, '{"AlarmName":"cpu"}');
    const enveloped = await receiver.next();
    expect(isRawDeliveryBody(enveloped.headers, enveloped.body)).toBe(false);
    await verified(enveloped);
  });

  it("sends a verifiable UnsubscribeConfirmation on Unsubscribe", async () => {
    const topicArn = fake.createTopic("fake-unsubscribe", { signatureVersion: "2" });
    const subscriptionArn = await subscribeAndConfirm(topicArn);
    await api.unsubscribe(subscriptionArn);
    const request = await receiver.next();
    expect(request.headers["x-amz-sns-message-type"]).toBe("UnsubscribeConfirmation");
    expect(request.headers["x-amz-sns-subscription-arn"]).toBe(subscriptionArn);
    const envelope = await verified(request);
    expect(envelope.Type).toBe("UnsubscribeConfirmation");
    expect(envelope).not.toHaveProperty("UnsubscribeURL");
    expect(await fake.publish(topicArn, "gone")).toEqual([]);
  });

  it("confirms through the SubscribeURL too, and protects authenticated subscriptions from the UnsubscribeURL", async () => {
    const topicArn = fake.createTopic("fake-urls");
    await api.subscribe(topicArn, receiver.url);
    const confirmation = await verified(await receiver.next());
    if (confirmation.Type !== "SubscriptionConfirmation") throw new Error("expected a confirmation");
    const confirmed = await fetch(confirmation.SubscribeURL);
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("<ConfirmSubscriptionResult><SubscriptionArn>");
    await fake.publish(topicArn, "hello");
    const notification = await verified(await receiver.next());
    if (notification.Type !== "Notification" || notification.UnsubscribeURL === undefined)
      throw new Error("no URL");
    expect((await fetch(notification.UnsubscribeURL)).status).toBe(200);
    expect((await verified(await receiver.next())).Type).toBe("UnsubscribeConfirmation");

    const guarded = fake.createTopic("fake-guarded");
    const guardedArn = await subscribeAndConfirm(guarded);
    const [delivery] = await fake.publish(guarded, "hi");
    const guardedNotification = await verified(await receiver.next());
    if (guardedNotification.Type !== "Notification") throw new Error("expected a notification");
    const refused = await fetch(guardedNotification.UnsubscribeURL ?? "");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("<Code>AuthorizationError</Code>");
    expect(delivery.subscriptionArn).toBe(guardedArn);
    expect(fake.subscriptions().some((sub) => sub.subscriptionArn === guardedArn)).toBe(true);
  });

  it("retries like SNS when the endpoint fails, and records what it answered", async () => {
    const retrying = await startFakeSns({ retry: { attempts: 2, delayMs: 10 } });
    let answers = 0;
    const flaky = await startEndpointReceiver(() => {
      answers += 1;
      return answers === 2 ? { status: 500, body: "try later" } : { status: 200 };
    });
    const retryApi = new SnsApi({
      logger: captureLogs().logger,
      endpoint: retrying.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const topicArn = retrying.createTopic("fake-retry");
      await retryApi.subscribe(topicArn, flaky.url);
      const confirmation = parseSnsEnvelope((await flaky.next()).body);
      if (confirmation.Type !== "SubscriptionConfirmation") throw new Error("expected a confirmation");
      await retryApi.confirmSubscription(topicArn, confirmation.Token);
      const [delivery] = await retrying.publish(topicArn, "eventually");
      expect(delivery).toMatchObject({ attempts: 2, status: 200 });
      expect(flaky.received).toHaveLength(3);
    } finally {
      retryApi.destroy();
      await retrying.close();
      await flaky.close();
    }
  });

  it("treats 4xx as delivered (no retry), as SNS does", async () => {
    const retrying = await startFakeSns({ retry: { attempts: 3, delayMs: 10 } });
    const refusing = await startEndpointReceiver((request) =>
      request.headers["x-amz-sns-message-type"] === "Notification" ? { status: 403 } : { status: 200 },
    );
    const retryApi = new SnsApi({
      logger: captureLogs().logger,
      endpoint: retrying.url,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const topicArn = retrying.createTopic("fake-403");
      await retryApi.subscribe(topicArn, refusing.url);
      const confirmation = parseSnsEnvelope((await refusing.next()).body);
      if (confirmation.Type !== "SubscriptionConfirmation") throw new Error("expected a confirmation");
      await retryApi.confirmSubscription(topicArn, confirmation.Token);
      const [delivery] = await retrying.publish(topicArn, "lost");
      expect(delivery).toMatchObject({ attempts: 1, status: 403 });
    } finally {
      retryApi.destroy();
      await retrying.close();
      await refusing.close();
    }
  });

  it("records a delivery to an endpoint that is down", async () => {
    const topicArn = fake.createTopic("fake-down");
    const down = await startEndpointReceiver();
    try {
      await subscribeAndConfirm(topicArn, down);
    } finally {
      await down.close();
    }
    const [delivery] = await fake.publish(topicArn, "into the void");
    expect(delivery.status).toBeUndefined();
    expect(delivery.error).toBeDefined();
  });
});

describe("fake SNS bookkeeping and failure injection", () => {
  it("records every call with its parameters", async () => {
    const topicArn = fake.createTopic("fake-calls");
    const before = fake.calls.length;
    await api.subscribe(topicArn, receiver.url);
    await receiver.next();
    const [call] = fake.calls.slice(before);
    expect(call).toMatchObject({ action: "Subscribe", signed: true, signingRegion: "us-east-1" });
    expect(call.params.Endpoint).toBe(receiver.url);
  });

  it("fails only as many times as asked", async () => {
    const topicArn = fake.createTopic("fake-fail-twice");
    fake.failNext("Subscribe", "Throttled", { times: 2 });
    await expect(api.subscribe(topicArn, receiver.url)).rejects.toMatchObject({ kind: "throttled" });
    await expect(api.subscribe(topicArn, receiver.url)).rejects.toMatchObject({ kind: "throttled" });
    await expect(api.subscribe(topicArn, receiver.url)).resolves.toHaveProperty("subscriptionArn");
    await receiver.next();
  });

  it("answers late when asked to", async () => {
    fake.delayAction("Subscribe", 200);
    try {
      const started = Date.now();
      await api.subscribe(fake.createTopic("fake-slow"), receiver.url);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      await receiver.next();
    } finally {
      fake.delayAction("Subscribe", 0);
    }
  });

  it("re-sends the confirmation when a pending subscription is subscribed again", async () => {
    const topicArn = fake.createTopic("fake-resubscribe");
    const first = await api.subscribe(topicArn, receiver.url);
    const firstToken = parseSnsEnvelope((await receiver.next()).body);
    const second = await api.subscribe(topicArn, receiver.url);
    const secondToken = parseSnsEnvelope((await receiver.next()).body);
    expect(second.subscriptionArn).toBe(first.subscriptionArn);
    expect(firstToken.Type === "SubscriptionConfirmation" && firstToken.Token).toBe(
      secondToken.Type === "SubscriptionConfirmation" && secondToken.Token,
    );
  });

  it("serves only its own certificate by default", async () => {
    expect((await fetch(fake.certUrl)).status).toBe(200);
    expect(
      (await fetch(`${fake.url}/SimpleNotificationService-ffffffffffffffffffffffffffffffff.pem`)).status,
    ).toBe(404);
    expect(fake.certUrlPattern.test(fake.certUrl)).toBe(true);
  });
});
