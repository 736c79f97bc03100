/**
 * The SNS subscription lifecycle end to end, on the real server and a real database, against the
 * loopback fake SNS: Subscribe → signed SubscriptionConfirmation → ConfirmSubscription → confirmed;
 * raw delivery turned off; UnsubscribeConfirmation; release; AWS failures stored as readable reasons.
 */

import { SNSClient, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { removeTopicFromConfiguration } from "../../src/configurations/configuration-store";
import { describeEachDatabase } from "../support/databases";
import type { FakeSnsCall } from "../support/fake-sns";
import { SLACK_IDS } from "../support/slack-payloads";
import { makeSubscriptionConfirmation } from "../support/sns-signing";
import { type SnsHarness, startSnsHarness } from "./e2e-harness";

/** A client of the fake SNS acting as someone else (the console, another tool), not the server. */
function outsideClient(harness: SnsHarness): SNSClient {
  return new SNSClient({ region: "us-east-1", endpoint: harness.sns.url, maxAttempts: 1 });
}

function topicRow(harness: SnsHarness, topicArn: string) {
  return harness.app.server.db.prisma.topicSubscription.findUniqueOrThrow({ where: { topicArn } });
}

/** Every call the server made to SNS carried a SigV4 signature: so no one fetched a SubscribeURL. */
function expectOnlySignedCalls(calls: readonly FakeSnsCall[]): void {
  expect(calls.filter((call) => !call.signed)).toEqual([]);
}

describeEachDatabase("SNS subscription lifecycle (end to end)", (kind) => {
  let harness: SnsHarness;

  beforeEach(async () => {
    harness = await startSnsHarness(kind);
  });
  afterEach(async () => {
    await harness.stop();
  });

  it("confirms a wanted topic with ConfirmSubscription(AuthenticateOnUnsubscribe=true), never via the SubscribeURL", async () => {
    const topicArn = await harness.wantedTopic("handshake");
    await harness.subscribe(topicArn);

    const [subscription] = harness.sns.subscriptions();
    expect(subscription).toMatchObject({
      topicArn,
      endpoint: harness.endpoint,
      protocol: "http",
      confirmed: true,
      authenticateOnUnsubscribe: true,
      confirmationWasAuthenticated: true,
    });
    const subscribe = harness.sns.callsOf("Subscribe");
    expect(subscribe).toHaveLength(1);
    expect(subscribe[0].params).toMatchObject({
      TopicArn: topicArn,
      Protocol: "http",
      Endpoint: harness.endpoint,
      ReturnSubscriptionArn: "true",
    });
    expect(subscribe[0].signingRegion).toBe("us-east-1");
    const confirm = harness.sns.callsOf("ConfirmSubscription");
    expect(confirm).toHaveLength(1);
    expect(confirm[0].params).toMatchObject({
      TopicArn: topicArn,
      Token: subscription.token,
      AuthenticateOnUnsubscribe: "true",
    });
    expectOnlySignedCalls(harness.sns.calls);

    const [delivery] = harness.sns.deliveries;
    expect(delivery).toMatchObject({ kind: "SubscriptionConfirmation", status: 200, attempts: 1 });
    expect(await topicRow(harness, topicArn)).toMatchObject({
      status: "confirmed",
      statusReason: null,
      subscriptionArn: subscription.subscriptionArn,
      rawDelivery: false,
    });
    // Raw delivery was checked and found off: nothing to change.
    expect(harness.sns.callsOf("GetSubscriptionAttributes")).toHaveLength(1);
    expect(harness.sns.callsOf("SetSubscriptionAttributes")).toHaveLength(0);

    // Confirmed means notifications now flow into the outbox.
    const [published] = await harness.sns.publish(topicArn, "first alarm", "ALARM");
    expect(published).toMatchObject({ kind: "Notification", status: 200 });
    const messages = await harness.app.server.db.prisma.message.findMany({ include: { deliveries: true } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ topicArn, subject: "ALARM", body: "first alarm" });
    expect(messages[0].deliveries).toHaveLength(1);

    // Asking again for a confirmed topic calls nothing.
    await harness.app.server.subscriptions.ensureSubscribed(topicArn);
    expect(harness.sns.callsOf("Subscribe")).toHaveLength(1);
  });

  it.each(["1", "2"] as const)("confirms topics that sign with SignatureVersion %s", async (version) => {
    const topicArn = await harness.wantedTopic(`handshake-v${version}`, { signatureVersion: version });
    await harness.subscribe(topicArn);
    expect(JSON.parse(harness.sns.deliveries[0].body).SignatureVersion).toBe(version);
    expect((await topicRow(harness, topicArn)).status).toBe("confirmed");
  });

  it("turns off raw message delivery found on after confirmation, and records it", async () => {
    // Active: the channel is told (an invite-awaiting one would not be).
    const topicArn = await harness.wantedTopic("raw-on", { state: "active" });
    // Someone subscribed this endpoint by hand with raw delivery on; the confirmation reaches us.
    const client = outsideClient(harness);
    try {
      await client.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "http",
          Endpoint: harness.endpoint,
          Attributes: { RawMessageDelivery: "true" },
          ReturnSubscriptionArn: true,
        }),
      );
    } finally {
      client.destroy();
    }
    await harness.sns.flush();

    const [subscription] = harness.sns.subscriptions();
    expect(subscription.confirmed).toBe(true);
    expect(subscription.attributes.RawMessageDelivery).toBe("false");
    const set = harness.sns.callsOf("SetSubscriptionAttributes");
    expect(set).toHaveLength(1);
    expect(set[0]).toMatchObject({
      signed: true,
      params: {
        SubscriptionArn: subscription.subscriptionArn,
        AttributeName: "RawMessageDelivery",
        AttributeValue: "false",
      },
    });
    expect(await topicRow(harness, topicArn)).toMatchObject({ status: "confirmed", rawDelivery: false });
    expect(harness.app.logs()).toContain("raw message delivery was on for the subscription: turned it off");
    // The channel that wants the topic is told.
    const [notice] = await harness.slack.waitForCalls("chat.postMessage", 1, {
      filter: (call) => String(call.args.text).includes("raw message delivery"),
    });
    expect(notice.args.channel).toBe(SLACK_IDS.channelId);
    expect(String(notice.args.text)).toContain(topicArn);

    // The next notification arrives as a signed envelope, not a raw body.
    const [delivery] = await harness.sns.publish(topicArn, "after the fix");
    expect(delivery).toMatchObject({ kind: "Notification", status: 200 });
    expect(await harness.app.server.db.prisma.message.count()).toBe(1);
  });

  it("records raw delivery left on, with the reason, when turning it off fails", async () => {
    const topicArn = await harness.wantedTopic("raw-stuck");
    const client = outsideClient(harness);
    try {
      harness.sns.failNext("SetSubscriptionAttributes", "AuthorizationError", {
        message: "User is not authorized to perform: SNS:SetSubscriptionAttributes",
      });
      await client.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: "http",
          Endpoint: harness.endpoint,
          Attributes: { RawMessageDelivery: "true" },
        }),
      );
    } finally {
      client.destroy();
    }
    await harness.sns.flush();
    const row = await topicRow(harness, topicArn);
    expect(row).toMatchObject({ status: "confirmed", rawDelivery: true });
    expect(row.statusReason).toMatch(/^raw message delivery is on: AWS denied sns:SetSubscriptionAttributes/);
  });

  it("refuses (403) a confirmation for a topic nobody wants, without calling ConfirmSubscription", async () => {
    const topicArn = harness.sns.createTopic("nobody-wants-this");
    const client = outsideClient(harness);
    try {
      await client.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: harness.endpoint }),
      );
    } finally {
      client.destroy();
    }
    await harness.sns.flush();
    const [delivery] = harness.sns.deliveries;
    expect(delivery).toMatchObject({ kind: "SubscriptionConfirmation", status: 403 });
    expect(JSON.parse(delivery.responseBody ?? "{}")).toMatchObject({ error: "sns_topic_not_wanted" });
    expect(harness.sns.callsOf("ConfirmSubscription")).toHaveLength(0);
    expectOnlySignedCalls(harness.sns.calls);
    expect(harness.sns.subscriptions()[0].confirmed).toBe(false);
    expect(await harness.app.server.db.prisma.topicSubscription.count()).toBe(0);
  });

  it("records an UnsubscribeConfirmation as unsubscribed and never subscribes again by itself", async () => {
    const topicArn = await harness.wantedTopic("removed-by-hand");
    await harness.subscribe(topicArn);
    const [subscription] = harness.sns.subscriptions();

    // Someone with AWS credentials removes the subscription (the console, the CLI).
    const client = outsideClient(harness);
    try {
      await client.send(new UnsubscribeCommand({ SubscriptionArn: subscription.subscriptionArn }));
    } finally {
      client.destroy();
    }
    await harness.sns.flush();

    const unsubscribe = harness.sns.deliveries.find((d) => d.kind === "UnsubscribeConfirmation");
    expect(unsubscribe).toMatchObject({ status: 200 });
    const row = await topicRow(harness, topicArn);
    expect(row.status).toBe("unsubscribed");
    expect(row.statusReason).toMatch(/SNS reported the subscription removed at .*subscribe the topic again/);

    // Nothing follows: no Subscribe, no confirmation fetched from the SubscribeURL it carried.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await harness.sns.flush();
    expect(harness.sns.callsOf("Subscribe")).toHaveLength(1);
    expect(harness.sns.callsOf("ConfirmSubscription")).toHaveLength(1);
    expectOnlySignedCalls(harness.sns.calls.filter((call) => call.action !== "Unsubscribe"));
    expect(harness.sns.subscriptions()).toEqual([]);
  });

  it("releases a topic with Unsubscribe when its last configuration leaves it, not before", async () => {
    const topicArn = harness.sns.createTopic("shared");
    const first = await harness.addConfiguration(topicArn);
    const second = await harness.addConfiguration(topicArn);
    await harness.subscribe(topicArn);
    const [subscription] = harness.sns.subscriptions();
    const prisma = harness.app.server.db.prisma;

    await removeTopicFromConfiguration(prisma, first, topicArn);
    await harness.app.server.subscriptions.release(topicArn);
    expect(harness.sns.callsOf("Unsubscribe")).toHaveLength(0);
    expect((await topicRow(harness, topicArn)).status).toBe("confirmed");

    await removeTopicFromConfiguration(prisma, second, topicArn);
    await harness.app.server.subscriptions.release(topicArn);
    const unsubscribe = harness.sns.callsOf("Unsubscribe");
    expect(unsubscribe).toHaveLength(1);
    // Signed: the subscription was confirmed with AuthenticateOnUnsubscribe=true.
    expect(unsubscribe[0]).toMatchObject({
      signed: true,
      params: { SubscriptionArn: subscription.subscriptionArn },
    });
    expect(harness.sns.subscriptions()).toEqual([]);
    await harness.sns.flush();
    // SNS's UnsubscribeConfirmation that follows is accepted and changes nothing.
    expect(harness.sns.deliveries.find((d) => d.kind === "UnsubscribeConfirmation")).toMatchObject({
      status: 200,
    });
    expect(await topicRow(harness, topicArn)).toMatchObject({
      status: "unsubscribed",
      statusReason: "no configuration wants this topic",
    });
    expect(harness.sns.callsOf("Subscribe")).toHaveLength(1);
  });

  it("ignores a late UnsubscribeConfirmation of an earlier subscription once the topic is subscribed again", async () => {
    const topicArn = harness.sns.createTopic("resubscribed");
    const first = await harness.addConfiguration(topicArn);
    await harness.subscribe(topicArn);
    const [old] = harness.sns.subscriptions();
    const prisma = harness.app.server.db.prisma;
    await removeTopicFromConfiguration(prisma, first, topicArn);
    await harness.app.server.subscriptions.release(topicArn);
    await harness.sns.flush();
    const oldConfirmation = harness.sns.deliveries.find((d) => d.kind === "UnsubscribeConfirmation");
    expect(oldConfirmation?.body).toContain(old.subscriptionArn);

    // A channel wants the topic again: a new subscription is made and confirmed.
    await harness.addConfiguration(topicArn);
    await harness.subscribe(topicArn);
    const [current] = harness.sns.subscriptions();
    expect(current.subscriptionArn).not.toBe(old.subscriptionArn);
    expect(await topicRow(harness, topicArn)).toMatchObject({
      status: "confirmed",
      subscriptionArn: current.subscriptionArn,
    });

    // SNS retries the old UnsubscribeConfirmation: accepted (200), and the topic stays confirmed.
    expect((await harness.post(oldConfirmation?.body ?? "")).status).toBe(200);
    expect(await topicRow(harness, topicArn)).toMatchObject({
      status: "confirmed",
      subscriptionArn: current.subscriptionArn,
    });
    expect(harness.app.logs()).toContain("UnsubscribeConfirmation of an earlier subscription ignored");
  });

  it("a repeated confirmation whose token AWS refuses does not undo a confirmed subscription", async () => {
    const topicArn = await harness.wantedTopic("confirmed-once");
    await harness.subscribe(topicArn);
    const stale = harness.sign(makeSubscriptionConfirmation({ topicArn, token: "0123abcd" }), "2");
    expect(await harness.post(stale)).toEqual({
      status: 200,
      body: { ok: true, reason: "confirmation handled" },
    });
    const confirm = harness.sns.callsOf("ConfirmSubscription");
    expect(confirm).toHaveLength(2);
    expect(confirm[1].params.Token).toBe("0123abcd");
    expect(await topicRow(harness, topicArn)).toMatchObject({ status: "confirmed", statusReason: null });
  });

  it("keeps the topic when Unsubscribe fails, with the reason, and treats an already-gone subscription as released", async () => {
    const topicArn = await harness.wantedTopic("unsubscribe-fails");
    await harness.subscribe(topicArn);
    const prisma = harness.app.server.db.prisma;
    const [configuration] = await prisma.configurationTopic.findMany({ where: { topicArn } });
    await removeTopicFromConfiguration(prisma, configuration.configurationId, topicArn);

    harness.sns.failNext("Unsubscribe", "AuthorizationError");
    await expect(harness.app.server.subscriptions.release(topicArn)).rejects.toMatchObject({
      kind: "access_denied",
    });
    const kept = await topicRow(harness, topicArn);
    expect(kept.status).toBe("confirmed");
    expect(kept.statusReason).toMatch(/^Unsubscribe failed: AWS denied sns:Unsubscribe/);

    harness.sns.failNext("Unsubscribe", "NotFound");
    await harness.app.server.subscriptions.release(topicArn);
    expect((await topicRow(harness, topicArn)).status).toBe("unsubscribed");
  });

  describe("AWS failures end as a readable reason on the topic", () => {
    it.each([
      ["AuthorizationError", /^AWS denied sns:Subscribe on arn:aws:sns:us-east-1:123456789012:failing: give/],
      ["NotFound", /^topic arn:aws:sns:us-east-1:123456789012:failing does not exist: check the region/],
      [
        "InvalidParameter",
        /^SNS refused sns:Subscribe on arn:aws:sns:us-east-1:123456789012:failing as invalid/,
      ],
    ] as const)("Subscribe answering %s", async (code, reason) => {
      const topicArn = await harness.wantedTopic("failing");
      harness.sns.failNext("Subscribe", code);
      const state = await harness.app.server.subscriptions.ensureSubscribed(topicArn);
      expect(state.status).toBe("failed");
      expect(state.statusReason).toMatch(reason);
      expect(await topicRow(harness, topicArn)).toMatchObject({
        status: "failed",
        statusReason: state.statusReason,
      });
      expect(harness.sns.callsOf("Subscribe")).toHaveLength(1);
    });

    it("Subscribe throttled past the SDK's retries", async () => {
      const topicArn = await harness.wantedTopic("throttled");
      harness.sns.failNext("Subscribe", "Throttling", { times: 3 });
      const state = await harness.app.server.subscriptions.ensureSubscribed(topicArn);
      expect(state).toMatchObject({
        status: "failed",
        statusReason: "SNS is throttling sns:Subscribe in us-east-1; try again shortly",
      });
      expect(harness.sns.callsOf("Subscribe")).toHaveLength(3);
      // Asked again later, it goes through.
      await harness.subscribe(topicArn);
      expect((await topicRow(harness, topicArn)).status).toBe("confirmed");
    });

    it("a FIFO topic is refused before AWS is called", async () => {
      const topicArn = await harness.wantedTopic("orders.fifo");
      const state = await harness.app.server.subscriptions.ensureSubscribed(topicArn);
      expect(state).toMatchObject({
        status: "failed",
        statusReason: `${topicArn}: SNS cannot deliver FIFO topics to HTTPS endpoints; use a standard topic`,
      });
      expect(harness.sns.calls).toEqual([]);
    });

    it("ConfirmSubscription refusing the token marks the topic failed (200: SNS must not retry)", async () => {
      const topicArn = await harness.wantedTopic("bad-token");
      harness.sns.failNext("ConfirmSubscription", "InvalidParameter", { message: "Invalid token" });
      await harness.subscribe(topicArn);
      expect(harness.sns.deliveries[0]).toMatchObject({ kind: "SubscriptionConfirmation", status: 200 });
      const row = await topicRow(harness, topicArn);
      expect(row.status).toBe("failed");
      expect(row.statusReason).toMatch(/the confirmation token for .* is invalid or has expired/);
    });
  });

  it("answers 503 when ConfirmSubscription fails in a way worth retrying, and SNS's retry confirms", async () => {
    await harness.stop();
    harness = await startSnsHarness(kind, { fakeSns: { retry: { attempts: 2, delayMs: 100 } } });
    const topicArn = await harness.wantedTopic("confirm-retry");
    // The SDK itself tries three times; all three fail, so the endpoint must give up with a 503.
    harness.sns.failNext("ConfirmSubscription", "InternalError", { times: 3 });
    await harness.subscribe(topicArn);

    const [delivery] = harness.sns.deliveries;
    expect(delivery).toMatchObject({ kind: "SubscriptionConfirmation", status: 200, attempts: 2 });
    expect(harness.sns.callsOf("ConfirmSubscription")).toHaveLength(4);
    expect(await topicRow(harness, topicArn)).toMatchObject({ status: "confirmed", statusReason: null });
    expect(harness.app.logs()).toContain("SNS ConfirmSubscription failed");
    const metrics = await (await fetch(`${harness.app.url}/metrics`)).text();
    expect(metrics).toContain('chatbot_sns_requests_total{status="503",type="SubscriptionConfirmation"} 1');
    expect(metrics).toContain('chatbot_sns_requests_total{status="200",type="SubscriptionConfirmation"} 1');
  });
});
