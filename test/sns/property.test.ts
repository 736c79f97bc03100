import fc from "fast-check";
import { ChatbotError, ErrorCode } from "../../src/errors";
import {
  isRawDeliveryBody,
  parseSnsEnvelope,
  parseSnsEnvelopeBySchema,
  SNS_MESSAGE_TYPES,
} from "../../src/sns/envelope";
import { SnsMessageVerifier } from "../../src/sns/verify-signature";
import { type FakeSns, startFakeSns } from "../support/fake-sns";
import { formatLikeSns, makeNotification, signEnvelope } from "../support/sns-signing";
import { captureLogs } from "./log-capture";

let fake: FakeSns;
let verifier: SnsMessageVerifier;

beforeAll(async () => {
  fake = await startFakeSns();
  verifier = new SnsMessageVerifier({ logger: captureLogs().logger, certUrlPattern: fake.certUrlPattern });
});

afterAll(async () => {
  await fake.close();
});

const PARSE_CODES = new Set([ErrorCode.SnsBodyMalformed]);
const VERIFY_CODES = new Set([
  ErrorCode.SnsSignatureInvalid,
  ErrorCode.SnsCertificateUrlRejected,
  ErrorCode.SnsCertificateFetchFailed,
]);

function expectOnly(error: unknown, codes: Set<ErrorCode>): void {
  if (!(error instanceof ChatbotError) || !codes.has(error.code)) {
    throw new Error(
      `unexpected failure: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
    );
  }
}

/** Parses, then verifies: the endpoint's whole untrusted-input path. */
async function ingest(body: string): Promise<"parse-error" | "rejected" | "verified"> {
  let envelope: ReturnType<typeof parseSnsEnvelope>;
  try {
    envelope = parseSnsEnvelope(body);
  } catch (error) {
    expectOnly(error, PARSE_CODES);
    return "parse-error";
  }
  try {
    await verifier.verify(envelope);
    return "verified";
  } catch (error) {
    expectOnly(error, VERIFY_CODES);
    return "rejected";
  }
}

const anyText = fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.constantFrom("", "null", "[]", "{}"));

/** Objects shaped like an envelope, with every field possibly wrong. */
const envelopeLike = fc.record(
  {
    Type: fc.oneof(fc.constantFrom(...SNS_MESSAGE_TYPES), fc.string(), fc.integer()),
    MessageId: fc.oneof(fc.uuid(), fc.string()),
    TopicArn: fc.string(),
    Subject: fc.oneof(fc.string(), fc.constant(null)),
    Message: fc.oneof(fc.string({ unit: "binary" }), fc.json()),
    Timestamp: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    SignatureVersion: fc.oneof(fc.constantFrom("1", "2"), fc.string()),
    Signature: fc.oneof(fc.base64String(), fc.string()),
    SigningCertURL: fc.oneof(fc.constant("cert"), fc.webUrl(), fc.string()),
    Token: fc.string(),
    SubscribeURL: fc.webUrl(),
    UnsubscribeURL: fc.webUrl(),
    MessageAttributes: fc.dictionary(fc.string(), fc.record({ Type: fc.string(), Value: fc.string() })),
  },
  { requiredKeys: [] },
);

describe("untrusted input never breaks the parser or the verifier", () => {
  it("random text", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        await ingest(text);
        expect(typeof isRawDeliveryBody({}, text)).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("random JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const text = JSON.stringify(value);
        await ingest(text);
        expect(typeof isRawDeliveryBody({ "x-amz-sns-rawdelivery": "false" }, text)).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });

  it("envelope-shaped objects with random fields, some pointing at the real certificate", async () => {
    await fc.assert(
      fc.asyncProperty(envelopeLike, async (fields) => {
        const body = JSON.stringify(
          fields.SigningCertURL === "cert" ? { ...fields, SigningCertURL: fake.certUrl } : fields,
        );
        expect(await ingest(body)).not.toBe("verified");
      }),
      { numRuns: 300 },
    );
  });

  it("never lets a random signature through for a well-formed message", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.base64String({ minLength: 4 }),
        fc.constantFrom("1", "2"),
        async (signature, version) => {
          const signed = signEnvelope(makeNotification(), { version, certUrl: fake.certUrl });
          expect(await ingest(formatLikeSns({ ...signed, Signature: signature }))).toBe("rejected");
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("genuine messages verify whatever their content", () => {
  it("any Message and Subject text, both signature versions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary" }),
        fc.option(fc.string({ unit: "binary" }), { nil: undefined }),
        fc.constantFrom("1", "2"),
        async (message, subject, version) => {
          const signed = signEnvelope(makeNotification({ message, subject }), {
            version,
            certUrl: fake.certUrl,
          });
          expect(await ingest(formatLikeSns(signed))).toBe("verified");
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("the Notification fast path of parseSnsEnvelope", () => {
  /** Each field: a proper value, or a wrong type, or absent; Lambda spellings and extra keys too. */
  const field = <T>(proper: fc.Arbitrary<T>) =>
    fc.oneof({ arbitrary: proper, weight: 6 }, fc.constantFrom("", null, 0, true, [], {}));
  const notificationLike = fc.record(
    {
      Type: fc.oneof(
        { arbitrary: fc.constant("Notification"), weight: 8 },
        fc.constantFrom(...SNS_MESSAGE_TYPES, 7),
      ),
      MessageId: field(fc.uuid()),
      TopicArn: field(fc.constant("arn:aws:sns:us-east-1:123456789012:t")),
      Subject: field(fc.string()),
      Message: field(fc.string()),
      Timestamp: field(fc.constant("2026-11-26T07:00:00.000Z")),
      SignatureVersion: field(fc.constantFrom("1", "2")),
      Signature: field(fc.base64String({ minLength: 4 })),
      SigningCertURL: field(fc.webUrl()),
      SigningCertUrl: field(fc.webUrl()),
      UnsubscribeURL: field(fc.webUrl()),
      UnsubscribeUrl: field(fc.webUrl()),
      MessageAttributes: fc.dictionary(fc.string(), fc.record({ Type: fc.string(), Value: fc.string() })),
      Token: field(fc.string()),
      Extra: fc.string(),
    },
    { requiredKeys: ["Type", "MessageId", "TopicArn", "Message", "Timestamp", "Signature"] },
  );

  const outcome = (parse: (body: string) => unknown, body: string) => {
    try {
      return { envelope: parse(body) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };

  it("gives exactly what the schema gives, and the schema's reason whenever it refuses", () => {
    fc.assert(
      fc.property(notificationLike, (object) => {
        const body = JSON.stringify(object);
        expect(outcome(parseSnsEnvelope, body)).toStrictEqual(outcome(parseSnsEnvelopeBySchema, body));
      }),
      { numRuns: 2_000 },
    );
  });
});
