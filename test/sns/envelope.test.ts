import { readdirSync } from "node:fs";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { isRawDeliveryBody, parseSnsEnvelope } from "../../src/sns/envelope";
import {
  formatLikeSns,
  loadSharedSnsFixture,
  makeSubscriptionConfirmation,
  makeUnsubscribeConfirmation,
  SHARED_SNS_FIXTURES_DIR,
  signEnvelope,
} from "../support/sns-signing";

const CERT_URL =
  "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

function body(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

function validNotification(): Record<string, unknown> {
  return { ...loadSharedSnsFixture("cw-alarm-ec2-cpu-alarm").envelope, Signature: "c2lnbmF0dXJl" };
}

function reasonOf(text: string): string {
  try {
    parseSnsEnvelope(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ChatbotError);
    expect((error as ChatbotError).code).toBe(ErrorCode.SnsBodyMalformed);
    return (error as ChatbotError).message;
  }
  throw new Error("expected parseSnsEnvelope to throw");
}

describe("parseSnsEnvelope", () => {
  const fixtureNames = readdirSync(SHARED_SNS_FIXTURES_DIR).filter((name) => name.endsWith(".json"));

  it("finds the shared fixtures inside the repository", () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(50);
  });

  it.each(fixtureNames)("parses the shared fixture %s as a Notification", (name) => {
    const fixture = loadSharedSnsFixture(name);
    const signed = signEnvelope(fixture.envelope, { version: "1", certUrl: CERT_URL });
    const envelope = parseSnsEnvelope(formatLikeSns(signed));
    expect(envelope.Type).toBe("Notification");
    if (envelope.Type !== "Notification") return;
    expect(envelope.Message).toBe(fixture.envelope.Message);
    expect(envelope.TopicArn).toBe(fixture.envelope.TopicArn);
    expect(envelope.Subject).toBe(fixture.envelope.Subject);
    expect(envelope.UnsubscribeURL).toBe(fixture.envelope.UnsubscribeURL);
  });

  it("leaves Subject absent when the publisher set none", () => {
    const fields = loadSharedSnsFixture("no-subject-plain-text").envelope;
    const envelope = parseSnsEnvelope(body({ ...fields, Signature: "c2ln" }));
    expect(envelope.Type === "Notification" && envelope.Subject).toBeUndefined();
  });

  it("treats a Lambda-style null Subject as absent", () => {
    const envelope = parseSnsEnvelope(body({ ...validNotification(), Subject: null }));
    expect(envelope.Type === "Notification" && envelope.Subject).toBeUndefined();
  });

  it("keeps message attributes, which are not signed", () => {
    const fixture = loadSharedSnsFixture("backup-vault-notification-completed").envelope;
    const envelope = parseSnsEnvelope(body({ ...fixture, Signature: "c2ln" }));
    expect(envelope.Type === "Notification" && envelope.MessageAttributes).toEqual(fixture.MessageAttributes);
  });

  it("accepts an empty Message (SNS signs it all the same)", () => {
    const envelope = parseSnsEnvelope(body({ ...validNotification(), Message: "" }));
    expect(envelope.Message).toBe("");
  });

  it("parses a SubscriptionConfirmation with its Token and SubscribeURL", () => {
    const fields = signEnvelope(makeSubscriptionConfirmation(), { version: "2", certUrl: CERT_URL });
    const envelope = parseSnsEnvelope(formatLikeSns(fields));
    expect(envelope).toMatchObject({
      Type: "SubscriptionConfirmation",
      Token: fields.Token,
      SubscribeURL: fields.SubscribeURL,
      SignatureVersion: "2",
    });
  });

  it("parses an UnsubscribeConfirmation, which has no UnsubscribeURL", () => {
    const fields = signEnvelope(makeUnsubscribeConfirmation(), { version: "1", certUrl: CERT_URL });
    expect(fields).not.toHaveProperty("UnsubscribeURL");
    const envelope = parseSnsEnvelope(formatLikeSns(fields));
    expect(envelope).toMatchObject({ Type: "UnsubscribeConfirmation", Token: fields.Token });
  });

  it("maps Lambda's SigningCertUrl / UnsubscribeUrl spellings", () => {
    const { SigningCertURL, UnsubscribeURL, ...rest } = validNotification();
    const envelope = parseSnsEnvelope(
      body({ ...rest, SigningCertUrl: SigningCertURL, UnsubscribeUrl: UnsubscribeURL }),
    );
    expect(envelope.SigningCertURL).toBe(SigningCertURL);
    expect(envelope.Type === "Notification" && envelope.UnsubscribeURL).toBe(UnsubscribeURL);
  });

  it("prefers the canonical spelling when both are present", () => {
    const envelope = parseSnsEnvelope(
      body({ ...validNotification(), SigningCertUrl: "https://other.example/x.pem" }),
    );
    expect(envelope.SigningCertURL).toBe(validNotification().SigningCertURL);
  });

  it("drops keys it does not know", () => {
    const envelope = parseSnsEnvelope(body({ ...validNotification(), Extra: "x" }));
    expect(envelope).not.toHaveProperty("Extra");
  });

  describe("says what is wrong", () => {
    it.each([
      ["not JSON", "this is not json", "body is not JSON"],
      ["empty", "", "body is not JSON"],
      ["a JSON array", "[1,2]", "body is JSON but an array, not an object"],
      ["a JSON string", '"Notification"', "body is JSON but a string, not an object"],
      ["JSON null", "null", "body is JSON but null, not an object"],
      ["without Type", body({ MessageId: "x" }), "missing field Type"],
      ["with a numeric Type", body({ Type: 3 }), "field Type must be a string, not a number"],
    ])("body %s", (_label, text, reason) => {
      expect(reasonOf(text)).toBe(reason);
    });

    it("names an unknown Type and lists the known ones", () => {
      expect(reasonOf(body({ ...validNotification(), Type: "Bogus" }))).toBe(
        "unknown Type 'Bogus' (expected one of SubscriptionConfirmation, Notification, UnsubscribeConfirmation)",
      );
    });

    it("clips a long unknown Type and neutralises control characters", () => {
      const reason = reasonOf(body({ Type: `A\nB${"x".repeat(500)}` }));
      expect(reason).toContain("unknown Type 'A?B");
      expect(reason).not.toContain("\n");
      expect(reason.length).toBeLessThan(200);
    });

    it.each([
      "Signature",
      "SigningCertURL",
      "MessageId",
      "TopicArn",
      "Timestamp",
      "SignatureVersion",
      "Message",
    ])("a Notification without %s", (field) => {
      const fields = validNotification();
      delete fields[field];
      expect(reasonOf(body(fields))).toBe(`missing field ${field}`);
    });

    it.each(["Token", "SubscribeURL"])("a SubscriptionConfirmation without %s", (field) => {
      const fields: Record<string, unknown> = {
        ...makeSubscriptionConfirmation(),
        Signature: "c2ln",
        SignatureVersion: "1",
        SigningCertURL: CERT_URL,
      };
      delete fields[field];
      expect(reasonOf(body(fields))).toBe(`missing field ${field}`);
    });

    it("an UnsubscribeConfirmation without Token", () => {
      const fields: Record<string, unknown> = {
        ...makeUnsubscribeConfirmation(),
        Signature: "c2ln",
        SignatureVersion: "1",
        SigningCertURL: CERT_URL,
      };
      delete fields.Token;
      expect(reasonOf(body(fields))).toBe("missing field Token");
    });

    it("a field of the wrong type", () => {
      expect(reasonOf(body({ ...validNotification(), Message: 42 }))).toBe(
        "field Message must be a string, not a number",
      );
      expect(reasonOf(body({ ...validNotification(), Subject: ["a"] }))).toBe(
        "field Subject must be a string, not an array",
      );
    });

    it("an empty required field", () => {
      expect(reasonOf(body({ ...validNotification(), Signature: "" }))).toBe("field Signature is empty");
    });

    it("malformed message attributes", () => {
      expect(reasonOf(body({ ...validNotification(), MessageAttributes: { a: { Type: "String" } } }))).toBe(
        "missing field MessageAttributes.a.Value",
      );
    });

    it("several problems at once", () => {
      const { Signature, SigningCertURL, MessageId, ...rest } = validNotification();
      expect(reasonOf(body(rest))).toBe(
        "missing field MessageId; missing field Signature; missing field SigningCertURL",
      );
    });
  });
});

describe("isRawDeliveryBody", () => {
  const envelopeBody = body(validNotification());

  it("is false for an SNS envelope", () => {
    expect(isRawDeliveryBody({ "content-type": "text/plain; charset=UTF-8" }, envelopeBody)).toBe(false);
  });

  it("is true when SNS says raw delivery, whatever the body", () => {
    expect(isRawDeliveryBody({ "x-amz-sns-rawdelivery": "true" }, envelopeBody)).toBe(true);
    expect(isRawDeliveryBody({ "X-Amz-Sns-RawDelivery": "True" }, "{}")).toBe(true);
    expect(isRawDeliveryBody({ "x-amz-sns-rawdelivery": ["true"] }, "hello")).toBe(true);
  });

  it("is false when the header says false and the body is an envelope", () => {
    expect(isRawDeliveryBody({ "x-amz-sns-rawdelivery": "false" }, envelopeBody)).toBe(false);
  });

  it("is true for a body that cannot be an envelope", () => {
    expect(isRawDeliveryBody({}, "Nightly job finished")).toBe(true);
    expect(isRawDeliveryBody({}, '{"AlarmName":"cpu-high","NewStateValue":"ALARM"}')).toBe(true);
    expect(isRawDeliveryBody({}, "[1,2,3]")).toBe(true);
    expect(isRawDeliveryBody({}, "42")).toBe(true);
  });

  it("is false for an envelope-like body, so the parser can say what is missing", () => {
    expect(isRawDeliveryBody({}, '{"Type":"Bogus"}')).toBe(false);
    expect(isRawDeliveryBody({}, '{"Type":"Notification","MessageId":"x"}')).toBe(false);
    expect(isRawDeliveryBody({}, '{"Signature":"x"}')).toBe(false);
  });
});
