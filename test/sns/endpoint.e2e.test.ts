/**
 * POST /sns/events on the real server and a real database: what SNS sends is verified, stored once
 * and answered with the status codes of CONTRACT.md; everything else is refused before it costs a
 * certificate download or a row.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { SetSubscriptionAttributesCommand, SNSClient } from "@aws-sdk/client-sns";
import { describeEachDatabase } from "../support/databases";
import { makeNotification, type UnsignedEnvelope } from "../support/sns-signing";
import { type SnsHarness, startSnsHarness } from "./e2e-harness";

const MAX_BODY = 256 * 1024;
const RAW_DELIVERY_REASON = /^raw message delivery must be disabled on the SNS subscription/;

function storedFor(harness: SnsHarness, topicArn: string) {
  return harness.app.server.db.prisma.message.findMany({
    where: { topicArn },
    include: { deliveries: true },
  });
}

/** A Notification as the fake SNS would send it for `topicArn`. */
function notification(
  harness: SnsHarness,
  topicArn: string,
  fields: { message?: string; subject?: string } = {},
) {
  return makeNotification({
    topicArn,
    message: fields.message ?? `{"AlarmName":"cpu-${randomUUID()}"}`,
    subject: fields.subject,
    unsubscribeUrl: `${harness.sns.url}/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${randomUUID()}`,
  });
}

/** Calls to the global fetch (the certificate download) made while `run` runs, except to the endpoint. */
async function outgoingFetches(harness: SnsHarness, run: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = globalThis.fetch;
  const spy = jest.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url !== harness.endpoint) seen.push(url);
    return original(input, init);
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return seen;
}

describeEachDatabase("POST /sns/events (end to end)", (kind) => {
  let harness: SnsHarness;
  let wanted: string;
  let alsoWanted: string;

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    wanted = await harness.wantedTopic("endpoint-alarms");
    alsoWanted = await harness.wantedTopic("endpoint-other");
    // Two channels want `wanted`: each stored message gets two deliveries.
    await harness.addConfiguration(wanted);
  });
  afterAll(async () => {
    await harness.stop();
  });

  it.each(["1", "2"] as const)(
    "stores a SignatureVersion %s notification from SNS with its deliveries",
    async (version) => {
      const topicArn = await harness.wantedTopic(`signed-v${version}`, { signatureVersion: version });
      await harness.subscribe(topicArn);
      const [withSubject] = await harness.sns.publish(topicArn, "CPU > 90%\non web-1", "ALARM: cpu");
      const [withoutSubject] = await harness.sns.publish(topicArn, "no subject here");
      expect(withSubject).toMatchObject({ kind: "Notification", status: 200 });
      expect(JSON.parse(withSubject.body).SignatureVersion).toBe(version);
      expect(JSON.parse(withSubject.responseBody ?? "{}")).toEqual({ ok: true, reason: "stored" });
      expect(withoutSubject.status).toBe(200);

      const stored = await storedFor(harness, topicArn);
      expect(
        [...stored].sort((x, y) => x.body.localeCompare(y.body)).map((m) => [m.subject, m.body]),
      ).toEqual([
        ["ALARM: cpu", "CPU > 90%\non web-1"],
        [null, "no subject here"],
      ]);
      const sent = JSON.parse(withSubject.body) as { MessageId: string; Timestamp: string };
      expect(stored.find((m) => m.subject !== null)).toMatchObject({
        snsMessageId: sent.MessageId,
        snsTimestamp: sent.Timestamp,
      });
      // One channel wants the topic: one delivery each (the delivery worker may already have posted it).
      expect(stored.map((m) => m.deliveries.length)).toEqual([1, 1]);
    },
  );

  it.each(["application/json", "application/xml", "text/plain; charset=UTF-8"])(
    "accepts an envelope whatever Content-Type the request policy sets (%s)",
    async (contentType) => {
      const envelope = notification(harness, wanted);
      const answer = await harness.post(harness.sign(envelope, "2"), { "content-type": contentType });
      expect(answer).toEqual({ status: 200, body: { ok: true, reason: "stored" } });
      expect((await storedFor(harness, wanted)).some((m) => m.snsMessageId === envelope.MessageId)).toBe(
        true,
      );
    },
  );

  describe("a signature that does not match answers 403 and stores nothing", () => {
    const tamperings: ReadonlyArray<readonly [string, (envelope: UnsignedEnvelope) => UnsignedEnvelope]> = [
      ["Message changed", (e) => ({ ...e, Message: `${e.Message as string} (edited)` })],
      ["Subject changed", (e) => ({ ...e, Subject: "OK: all is well" })],
      ["Subject removed", ({ Subject: _removed, ...e }) => e],
      ["Subject added", (e) => ({ ...e, Subject: "injected" })],
      ["TopicArn moved to another wanted topic", (e) => ({ ...e, TopicArn: "ALSO_WANTED" })],
      ["Timestamp changed", (e) => ({ ...e, Timestamp: new Date(Date.now() + 60_000).toISOString() })],
      ["MessageId changed", (e) => ({ ...e, MessageId: randomUUID() })],
      [
        "Type changed",
        (e) => ({ ...e, Type: "SubscriptionConfirmation", Token: "t", SubscribeURL: "https://x" }),
      ],
      ["SignatureVersion 1 claimed as 2", (e) => ({ ...e, SignatureVersion: "2" })],
      ["Signature of another message", (e) => ({ ...e, Signature: randomBytes(256).toString("base64") })],
      ["SignatureVersion unknown", (e) => ({ ...e, SignatureVersion: "3" })],
    ];

    it.each(tamperings)("%s", async (name, tamper) => {
      const subject = name === "Subject added" ? {} : { subject: "ALARM: disk" };
      const signed = JSON.parse(
        harness.sign(notification(harness, wanted, subject), "1"),
      ) as UnsignedEnvelope;
      const forged = tamper(signed);
      if (forged.TopicArn === "ALSO_WANTED") forged.TopicArn = alsoWanted;
      const before =
        (await storedFor(harness, wanted)).length + (await storedFor(harness, alsoWanted)).length;

      const answer = await harness.post(JSON.stringify(forged));
      expect(answer).toEqual({
        status: 403,
        body: { ok: false, error: "sns_signature_invalid", reason: "signature verification failed" },
      });
      const after = (await storedFor(harness, wanted)).length + (await storedFor(harness, alsoWanted)).length;
      expect(after).toBe(before);
    });

    it("while the unsigned fields (UnsubscribeURL, MessageAttributes) may differ", async () => {
      const signed = JSON.parse(harness.sign(notification(harness, wanted), "2")) as UnsignedEnvelope;
      const answer = await harness.post(
        JSON.stringify({
          ...signed,
          UnsubscribeURL: "https://example.invalid/elsewhere",
          MessageAttributes: { added: { Type: "String", Value: "later" } },
        }),
      );
      expect(answer.status).toBe(200);
    });
  });

  describe("certificate URLs outside the configured pattern: 403 and nothing fetched", () => {
    const variants: ReadonlyArray<readonly [string, (certUrl: string) => string]> = [
      ["a query string", (u) => `${u}?Action=GetCertificate`],
      ["a fragment", (u) => `${u}#x.pem`],
      ["a path not ending in .pem", (u) => u.replace(/\.pem$/, ".crt")],
      ["a .pem that is not the last path segment", (u) => `${u}/x.txt`],
      ["another port on the host", (u) => u.replace(/:\d+\//, ":1/")],
      ["another loopback host", (u) => u.replace("127.0.0.1", "127.0.0.2")],
      ["userinfo before the host", (u) => u.replace("http://127.0.0.1", "http://127.0.0.1@example.invalid")],
      ["https instead of the fake's http", (u) => u.replace("http://", "https://")],
    ];

    it.each(variants)("%s", async (_name, mutate) => {
      const requestsBefore = harness.sns.certificateRequests.length;
      let answer: Awaited<ReturnType<SnsHarness["post"]>> | undefined;
      const fetched = await outgoingFetches(harness, async () => {
        const envelope = notification(harness, wanted);
        answer = await harness.post(harness.sign(envelope, "1", mutate(harness.sns.certUrl)));
      });
      expect(answer).toEqual({
        status: 403,
        body: { ok: false, error: "sns_certificate_url_rejected", reason: "signature verification failed" },
      });
      expect(fetched).toEqual([]);
      expect(harness.sns.certificateRequests.length).toBe(requestsBefore);
    });

    it("the certificate itself is fetched once and then served from the cache", async () => {
      const before = harness.sns.certificateRequests.length;
      for (let i = 0; i < 3; i++) {
        expect((await harness.post(harness.sign(notification(harness, wanted), "2"))).status).toBe(200);
      }
      expect(harness.sns.certificateRequests.length - before).toBeLessThanOrEqual(1);
      expect(
        harness.sns.certificateRequests.every((path) => path === new URL(harness.sns.certUrl).pathname),
      ).toBe(true);
    });
  });

  it("refuses (403) a genuine notification for a topic nobody wants, storing nothing", async () => {
    const unwanted = harness.sns.createTopic("endpoint-unwanted");
    const answer = await harness.post(harness.sign(notification(harness, unwanted), "2"));
    expect(answer).toEqual({
      status: 403,
      body: { ok: false, error: "sns_topic_not_wanted", reason: "no configuration wants this topic" },
    });
    expect(await storedFor(harness, unwanted)).toEqual([]);
  });

  describe("body size", () => {
    /** A signed notification whose SNS-formatted body is exactly `bytes` long. */
    function bodyOfSize(bytes: number): { body: string; messageId: string } {
      const envelope = notification(harness, wanted, { message: "" });
      const probe = harness.sign(envelope, "1");
      const message = "x".repeat(bytes - Buffer.byteLength(probe));
      const body = harness.sign({ ...envelope, Message: message }, "1");
      expect(Buffer.byteLength(body)).toBe(bytes);
      return { body, messageId: envelope.MessageId as string };
    }

    it("accepts a body of exactly 256 KiB", async () => {
      const { body, messageId } = bodyOfSize(MAX_BODY);
      expect((await harness.post(body)).status).toBe(200);
      expect((await storedFor(harness, wanted)).some((m) => m.snsMessageId === messageId)).toBe(true);
    });

    it("answers 413 to one byte more, storing nothing", async () => {
      const { body, messageId } = bodyOfSize(MAX_BODY + 1);
      expect(await harness.post(body)).toEqual({
        status: 413,
        body: { ok: false, error: "sns_body_too_large", reason: "body is over SNS's 262144 bytes" },
      });
      expect((await storedFor(harness, wanted)).some((m) => m.snsMessageId === messageId)).toBe(false);
    });
  });

  describe("malformed envelopes answer 400 with the reason", () => {
    // A JSON object carrying envelope keys is an envelope attempt: what is wrong with it is said.
    // (A body that is not JSON at all cannot be told apart from a raw-delivery text message, so it is
    // answered 415; see the raw-delivery tests below.)
    it.each([
      [
        '{"Type":"Notification","MessageId":"m-1"}',
        /^missing field TopicArn; missing field Message; missing field Timestamp$/,
      ],
      [
        '{"Type":"Bogus","MessageId":"m-1"}',
        /^unknown Type 'Bogus' \(expected one of SubscriptionConfirmation, Notification, UnsubscribeConfirmation\)$/,
      ],
      ['{"Type":42,"Signature":"x"}', /^field Type must be a string, not a number$/],
      ['{"MessageId":"m-1","Signature":"abc"}', /^missing field Type$/],
    ])("%s", async (body, reason) => {
      const answer = await harness.post(body);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe("sns_body_malformed");
      expect(answer.body.reason).toMatch(reason);
    });

    it("a signed envelope with a field of the wrong type", async () => {
      const signed = JSON.parse(harness.sign(notification(harness, wanted), "1")) as UnsignedEnvelope;
      const answer = await harness.post(JSON.stringify({ ...signed, MessageId: 42, Timestamp: null }));
      expect(answer).toEqual({
        status: 400,
        body: {
          ok: false,
          error: "sns_body_malformed",
          reason:
            "field MessageId must be a string, not a number; field Timestamp must be a string, not null",
        },
      });
    });
  });

  describe("raw message delivery answers 415 saying it must be disabled", () => {
    it.each([
      [
        "marked raw by SNS's header, even around an envelope",
        "ENVELOPE",
        { "x-amz-sns-rawdelivery": "true" },
      ],
      ["a JSON body without envelope keys", '{"AlarmName":"cpu","NewStateValue":"ALARM"}', {}],
      ["a plain-text body", "CPU above 90% on web-1", {}],
      ["an envelope cut short (not JSON any more)", "TRUNCATED", {}],
    ] as const)("%s", async (_name, rawBody, headers) => {
      const signed = harness.sign(notification(harness, wanted), "1");
      const body = rawBody === "ENVELOPE" ? signed : rawBody === "TRUNCATED" ? signed.slice(0, -20) : rawBody;
      const before = (await storedFor(harness, wanted)).length;
      const answer = await harness.post(body, headers);
      expect(answer.status).toBe(415);
      expect(answer.body.error).toBe("sns_raw_delivery");
      expect(answer.body.reason).toMatch(RAW_DELIVERY_REASON);
      expect((await storedFor(harness, wanted)).length).toBe(before);
    });

    it("what SNS posts once someone turns raw delivery on", async () => {
      const topicArn = await harness.wantedTopic("raw-later");
      await harness.subscribe(topicArn);
      const [subscription] = harness.sns.subscriptions().filter((s) => s.topicArn === topicArn);
      const client = new SNSClient({ region: "us-east-1", endpoint: harness.sns.url, maxAttempts: 1 });
      try {
        await client.send(
          new SetSubscriptionAttributesCommand({
            SubscriptionArn: subscription.subscriptionArn,
            AttributeName: "RawMessageDelivery",
            AttributeValue: "true",
          }),
        );
      } finally {
        client.destroy();
      }
      const [delivery] = await harness.sns.publish(topicArn, '{"AlarmName":"cpu"}');
      expect(delivery).toMatchObject({ kind: "Raw", status: 415 });
      expect(JSON.parse(delivery.responseBody ?? "{}").reason).toMatch(RAW_DELIVERY_REASON);
      expect(await storedFor(harness, topicArn)).toEqual([]);
    });
  });
});

describeEachDatabase("POST /sns/events with AWS's certificate URL pattern (end to end)", (kind) => {
  let harness: SnsHarness;
  let wanted: string;

  beforeAll(async () => {
    harness = await startSnsHarness(kind, { certPattern: "default" });
    wanted = await harness.wantedTopic("default-pattern");
  });
  afterAll(async () => {
    await harness.stop();
  });

  const pem = `SimpleNotificationService-${"0".repeat(32)}.pem`;
  it.each([
    ["http:// to an SNS host", `http://sns.us-east-1.amazonaws.com/${pem}`],
    ["a host that only starts like SNS's", `https://sns.us-east-1.amazonaws.com.evil.example/${pem}`],
    ["SNS's host as userinfo", `https://sns.us-east-1.amazonaws.com@evil.example/${pem}`],
    ["SNS's host as userinfo with a port", `https://sns.us-east-1.amazonaws.com:443@evil.example/${pem}`],
    [
      "a backslash the URL parser reads as a slash",
      `https://sns.us-east-1.amazonaws.com\\@evil.example/${pem}`,
    ],
    ["a path that is not a .pem", `https://sns.us-east-1.amazonaws.com/${pem}.txt`],
    ["a query string", `https://sns.us-east-1.amazonaws.com/${pem}?x=1`],
    ["a query string ending in .pem", "https://sns.us-east-1.amazonaws.com/cert?file=.pem"],
    ["dot segments", `https://sns.us-east-1.amazonaws.com/%2e%2e/${pem}`],
    ["another host", `https://evil.example/${pem}`],
    ["another AWS service", `https://s3.us-east-1.amazonaws.com/${pem}`],
    ["the loopback fake's own certificate", "FAKE"],
  ])("refuses %s with 403 before any fetch", async (_name, certUrl) => {
    let answer: Awaited<ReturnType<SnsHarness["post"]>> | undefined;
    const fetched = await outgoingFetches(harness, async () => {
      const url = certUrl === "FAKE" ? harness.sns.certUrl : certUrl;
      answer = await harness.post(harness.sign(notification(harness, wanted), "2", url));
    });
    expect(answer).toEqual({
      status: 403,
      body: { ok: false, error: "sns_certificate_url_rejected", reason: "signature verification failed" },
    });
    expect(fetched).toEqual([]);
    expect(harness.sns.certificateRequests).toEqual([]);
    expect(await storedFor(harness, wanted)).toEqual([]);
  });
});
