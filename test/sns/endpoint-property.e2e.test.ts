/**
 * Property: whatever is POSTed to /sns/events — random text and bytes, random JSON, envelope-like
 * objects (some genuinely signed, with random content), random content types, encodings and the
 * raw-delivery header — the real server answers one of the contract's statuses with a JSON reason,
 * never a 500, never crashes, and keeps answering /healthz.
 */
import fc from "fast-check";
import { describeEachDatabase } from "../support/databases";
import { type SnsHarness, startSnsHarness } from "./e2e-harness";

const TYPES = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"] as const;
const MAX_BODY = 256 * 1024;

/**
 * 503 means "retry later". The database is up throughout, so the only legitimate 503 here is a
 * certificate URL on the fake's host that serves no certificate; a message the database refuses
 * (e.g. PostgreSQL and NUL) would be a 503 SNS retries forever, and fails this test.
 */
const RETRY_LATER = new Set(["sns_certificate_fetch_failed"]);

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const hex = fc.stringMatching(/^[0-9a-f]{1,128}$/);

function headersArbitrary() {
  const random = fc.record(
    {
      "content-type": fc.oneof(
        fc.constantFrom(
          "text/plain; charset=UTF-8",
          "application/json",
          "application/xml",
          "text/plain; charset=latin1",
          "text/plain; charset=utf-16le",
          "text/plain; charset=no-such-charset",
          "application/octet-stream",
          "multipart/form-data; boundary=x",
          "application/x-www-form-urlencoded",
        ),
        printable,
      ),
      "content-encoding": fc.constantFrom("identity", "gzip", "deflate", "br", "x-unknown"),
      "x-amz-sns-rawdelivery": fc.oneof(fc.constantFrom("true", "false", "TRUE", " true "), printable),
      "x-amz-sns-message-type": fc.oneof(fc.constantFrom(...TYPES), printable),
      "x-amz-sns-topic-arn": printable,
    },
    { requiredKeys: [] },
  );
  // Half the requests carry SNS's own headers, so that genuine bodies get past the body parser.
  return fc.oneof(fc.constant({ "content-type": "text/plain; charset=UTF-8" }), random);
}

type Body = string | Uint8Array;

function bodyArbitrary(harness: SnsHarness, wanted: string): fc.Arbitrary<Body> {
  const topic = fc.oneof(
    fc.constant(wanted),
    fc.constant("arn:aws:sns:us-east-1:123456789012:nobody-wants-this"),
    fc.string(),
  );
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
    // Control characters PostgreSQL's text type refuses (NUL) or that break naive parsers.
    fc
      .tuple(fc.string(), fc.constantFrom("\u0000", "\u0000\u0001", "\r\n", "\u2028", "\ud800"))
      .map(([a, b]) => a + b),
  );
  const certUrl = fc.oneof(
    fc.constant(harness.sns.certUrl),
    fc.constant(`${harness.sns.url}/SimpleNotificationService-${"ab".repeat(16)}.pem`),
    fc.constant("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"),
    fc.webUrl(),
    fc.string(),
  );
  const fields = {
    Type: fc.oneof(fc.constantFrom(...TYPES), fc.string(), fc.integer()),
    MessageId: fc.oneof(fc.uuid(), fc.string(), fc.integer(), fc.constant(null)),
    TopicArn: fc.oneof(topic, fc.integer()),
    Subject: fc.oneof(text, fc.constant(null)),
    Message: fc.oneof(text, fc.json(), fc.integer()),
    Timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
    ),
    SignatureVersion: fc.oneof(fc.constantFrom("1", "2"), fc.string()),
    Signature: fc.oneof(fc.base64String(), fc.string()),
    SigningCertURL: certUrl,
    SigningCertUrl: certUrl,
    Token: fc.oneof(hex, fc.string()),
    SubscribeURL: fc.oneof(fc.webUrl(), fc.string()),
    UnsubscribeURL: fc.oneof(fc.webUrl(), fc.string()),
    MessageAttributes: fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.record({ Type: fc.string(), Value: fc.string() })),
    ),
  };
  const envelopeLike = fc.record(fields, { requiredKeys: [] }).map((object) => JSON.stringify(object));
  // Genuinely signed by the fake SNS, with random content: these reach the subscription service and
  // the database (NUL characters, odd Unicode, empty strings, long subjects…).
  const signed = fc
    .record({
      Type: fc.constantFrom(...TYPES),
      MessageId: fc.oneof(
        fc.uuid(),
        fc.string({ minLength: 1 }),
        fc.string({ unit: "binary", minLength: 1 }),
      ),
      TopicArn: topic.filter((arn) => arn !== ""),
      Subject: fc.option(text, { nil: undefined }),
      Message: fc.oneof(text, fc.json()),
      Timestamp: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.string({ minLength: 1 }),
      ),
      Token: hex,
      SubscribeURL: fc.webUrl(),
      version: fc.constantFrom("1" as const, "2" as const),
    })
    .map(({ version, Subject, Token, SubscribeURL, ...rest }) => {
      const envelope =
        rest.Type === "Notification"
          ? { ...rest, ...(Subject === undefined ? {} : { Subject }) }
          : { ...rest, Token, SubscribeURL };
      return harness.sign(envelope, version);
    });
  return fc.oneof(
    text,
    fc.json(),
    fc.jsonValue().map((value) => JSON.stringify(value)),
    envelopeLike,
    { arbitrary: signed, weight: 4 },
    signed.map((body) => body.slice(0, Math.max(0, body.length - 7))),
    fc.uint8Array({ maxLength: 300 }),
    fc.integer({ min: MAX_BODY - 64, max: MAX_BODY + 64 }).map((size) => "x".repeat(size)),
  );
}

describeEachDatabase("POST /sns/events under random input (end to end, property)", (kind) => {
  let harness: SnsHarness;
  let wanted: string;

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    wanted = await harness.wantedTopic("property");
    await harness.subscribe(wanted);
  });
  afterAll(async () => {
    await harness.stop();
  });

  it("answers every request with a contract status and a JSON reason, never 500", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(bodyArbitrary(harness, wanted), headersArbitrary(), async (body, headers) => {
        const response = await fetch(harness.endpoint, { method: "POST", headers, body });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        expect([200, 400, 403, 413, 415, 503]).toContain(response.status);
        const answer = JSON.parse(text) as { ok: boolean; error?: string; reason: string };
        expect(typeof answer.reason).toBe("string");
        expect(answer.ok).toBe(response.status === 200);
        if (response.status === 503) expect(RETRY_LATER).toContain(answer.error);
      }),
      { numRuns: 400 },
    );
    // The generators reach every outcome, so the property is not vacuous.
    expect([...seen.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 403, 413, 415]));
    expect((await fetch(`${harness.app.url}/healthz`)).status).toBe(200);
    // Genuine notifications kept flowing throughout.
    const [delivery] = await harness.sns.publish(wanted, "after the storm");
    expect(delivery.status).toBe(200);
    expect(harness.app.logs()).not.toContain('"level":60');
  });
});
