/**
 * A message genuinely signed by Amazon SNS (from the AWS SDK for Java v2 test resources; see
 * test/fixtures/sns-real/README.md), checked against the certificate that signed it. That
 * certificate expired in 2016, so the validity-period check is switched off here and only here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { parseSnsEnvelope } from "../../src/sns/envelope";
import { checkSigningCertUrl, SnsMessageVerifier } from "../../src/sns/verify-signature";
import { type FakeSns, startFakeSns } from "../support/fake-sns";
import { captureLogs } from "./log-capture";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "sns-real");
const REAL_BODY = readFileSync(path.join(FIXTURES, "aws-sdk-java-v2-sample-message.json"), "utf8");
const REAL_CERT = readFileSync(
  path.join(FIXTURES, "SimpleNotificationService-bb750dd426d95ee9390147a5624348ee.pem"),
  "utf8",
);

let fake: FakeSns;

beforeAll(async () => {
  fake = await startFakeSns();
  fake.certificateBehaviour = { body: REAL_CERT };
});

afterAll(async () => {
  await fake.close();
});

/** The real message with its (unsigned) SigningCertURL pointed at the loopback copy of the certificate. */
function realMessage(overrides: Record<string, string> = {}) {
  const original = JSON.parse(REAL_BODY) as Record<string, unknown>;
  const certPath = new URL(original.SigningCertURL as string).pathname;
  return parseSnsEnvelope(
    JSON.stringify({ ...original, SigningCertURL: `${fake.url}${certPath}`, ...overrides }),
  );
}

function verifier(checkValidityPeriod: boolean): SnsMessageVerifier {
  return new SnsMessageVerifier({
    logger: captureLogs().logger,
    certUrlPattern: fake.certUrlPattern,
    checkValidityPeriod,
  });
}

describe("a genuine AWS-signed SNS message", () => {
  it("has a SigningCertURL the default pattern accepts", () => {
    const original = JSON.parse(REAL_BODY) as { SigningCertURL: string };
    expect(checkSigningCertUrl(original.SigningCertURL).hostname).toBe("sns.us-east-1.amazonaws.com");
  });

  it("parses, message attributes and all", () => {
    const envelope = realMessage();
    expect(envelope).toMatchObject({
      Type: "Notification",
      Subject: "this is raw",
      Message: "boo",
      SignatureVersion: "1",
    });
    expect(envelope.Type === "Notification" && Object.keys(envelope.MessageAttributes ?? {})).toHaveLength(3);
  });

  it("verifies against AWS's own certificate (validity-period check off: it expired in 2016)", async () => {
    await expect(verifier(false).verify(realMessage())).resolves.toBeUndefined();
    expect(fake.certificateRequests).toEqual([
      "/SimpleNotificationService-bb750dd426d95ee9390147a5624348ee.pem",
    ]);
  });

  it("is refused as expired with the normal validity-period check", async () => {
    const error = await verifier(true)
      .verify(realMessage())
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(ChatbotError);
    expect((error as ChatbotError).code).toBe(ErrorCode.SnsCertificateFetchFailed);
    expect((error as ChatbotError).message).toContain("expired");
  });

  it.each([
    ["Message", { Message: "boo!" }],
    ["Subject", { Subject: "this is not raw" }],
    ["TopicArn", { TopicArn: "arn:aws:sns:us-east-1:810605503585:other" }],
    ["Timestamp", { Timestamp: "2015-09-20T01:22:14.002Z" }],
    ["SignatureVersion", { SignatureVersion: "2" }],
  ])("fails once %s is changed", async (_field, overrides) => {
    await expect(verifier(false).verify(realMessage(overrides))).rejects.toMatchObject({
      code: ErrorCode.SnsSignatureInvalid,
    });
  });
});
