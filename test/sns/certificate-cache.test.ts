import { generateKeyPairSync } from "node:crypto";
import { ChatbotError, ErrorCode } from "../../src/errors";
import {
  CertificateCache,
  type CertificateCacheOptions,
  DEFAULT_FAILURE_TTL_MS,
} from "../../src/sns/certificate-cache";
import { parseSnsEnvelope } from "../../src/sns/envelope";
import { SnsMessageVerifier } from "../../src/sns/verify-signature";
import { startFakeSns } from "../support/fake-sns";
import { sharedAcrossTests } from "../support/shared-fake";
import {
  createSelfSignedCertificatePem,
  createSigningIdentity,
  formatLikeSns,
  makeNotification,
  signEnvelope,
  testSigningIdentity,
} from "../support/sns-signing";
import { captureLogs } from "./log-capture";

const fake = sharedAcrossTests(startFakeSns, (sns) => sns.resetCertificateServing());

function newCache(options: Partial<CertificateCacheOptions> = {}): CertificateCache {
  return new CertificateCache({ logger: captureLogs().logger, ...options });
}

async function failure(promise: Promise<unknown>): Promise<ChatbotError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ChatbotError);
    expect((error as ChatbotError).code).toBe(ErrorCode.SnsCertificateFetchFailed);
    return error as ChatbotError;
  }
  throw new Error("expected the certificate fetch to fail");
}

/** Any .pem path on the fake, so several URLs can be cached at once. */
function pemUrl(name: string): string {
  return `${fake().url}/${name}.pem`;
}

describe("CertificateCache fetching", () => {
  it("fetches and parses the certificate", async () => {
    const certificate = await newCache().get(fake().certUrl);
    expect(certificate.publicKey.asymmetricKeyType).toBe("rsa");
    expect(certificate.toString()).toBe(fake().certificatePem);
  });

  const failures: Array<[string, () => void, string]> = [
    ["HTTP 404", () => (fake().certificateBehaviour = { status: 404, body: "not found" }), "HTTP 404"],
    [
      "HTTP 500",
      () => (fake().certificateBehaviour = { status: 500, body: testSigningIdentity().certificatePem }),
      "HTTP 500",
    ],
    ["a redirect", () => (fake().certificateBehaviour = { status: 302, body: "" }), "HTTP 302"],
    [
      "an oversize body with Content-Length",
      () =>
        (fake().certificateBehaviour = {
          body: `${testSigningIdentity().certificatePem}${" ".repeat(10 * 1024)}`,
        }),
      "larger than 10240 bytes",
    ],
    [
      "an oversize body streamed without Content-Length",
      () => (fake().certificateBehaviour = { body: Buffer.alloc(64 * 1024, 0x41), chunked: true }),
      "larger than 10240 bytes",
    ],
    [
      "a body that is not a certificate",
      () => (fake().certificateBehaviour = { body: "hello, world" }),
      "not return an X.509",
    ],
    ["an empty body", () => (fake().certificateBehaviour = { body: "" }), "not return an X.509"],
    [
      "an expired certificate",
      () =>
        (fake().certificateBehaviour = {
          body: createSigningIdentity({ fromDays: -30, toDays: -1 }).certificatePem,
        }),
      "expired",
    ],
    [
      "a certificate not valid yet",
      () =>
        (fake().certificateBehaviour = {
          body: createSigningIdentity({ fromDays: 2, toDays: 30 }).certificatePem,
        }),
      "not valid before",
    ],
    [
      "a certificate with a non-RSA key",
      () => {
        const rsa = testSigningIdentity();
        const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
        const now = Date.now();
        fake().certificateBehaviour = {
          body: createSelfSignedCertificatePem({
            privateKey: rsa.privateKey,
            publicKey,
            notBefore: new Date(now - 86_400_000),
            notAfter: new Date(now + 86_400_000),
          }),
        };
      },
      "not RSA",
    ],
  ];

  it.each(failures)(
    "fails on %s, answering from memory for 30 s, then fetching again",
    async (_label, arrange, reason) => {
      arrange();
      let now = Date.now();
      const cache = newCache({ now: () => now });
      expect((await failure(cache.get(fake().certUrl))).message).toContain(reason);
      expect(cache.size).toBe(0);
      now += 29_999;
      expect((await failure(cache.get(fake().certUrl))).message).toContain(reason);
      expect(fake().certificateRequests).toHaveLength(1);
      now += 1;
      await failure(cache.get(fake().certUrl));
      expect(fake().certificateRequests).toHaveLength(2);
    },
  );

  it("recovers once the certificate URL answers properly again", async () => {
    fake().certificateBehaviour = { status: 503, body: "" };
    let now = Date.now();
    const cache = newCache({ now: () => now });
    await failure(cache.get(fake().certUrl));
    fake().certificateBehaviour = undefined;
    now += DEFAULT_FAILURE_TTL_MS;
    await expect(cache.get(fake().certUrl)).resolves.toBeDefined();
    expect(cache.size).toBe(1);
  });

  it("times out a certificate URL that does not answer", async () => {
    fake().certificateBehaviour = { delayMs: 1_000 };
    const started = Date.now();
    const error = await failure(newCache({ fetchTimeoutMs: 100 }).get(fake().certUrl));
    expect(error.message).toContain("within 100 ms");
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("fails cleanly when nothing listens", async () => {
    const error = await failure(newCache().get("http://127.0.0.1:1/SimpleNotificationService-x.pem"));
    expect(error.message).toContain("the request failed");
  });

  it("accepts an expired certificate only when told to skip the validity check", async () => {
    fake().certificateBehaviour = {
      body: createSigningIdentity({ fromDays: -30, toDays: -1 }).certificatePem,
    };
    await expect(newCache({ checkValidityPeriod: false }).get(fake().certUrl)).resolves.toBeDefined();
  });

  it("logs why a certificate was rejected", async () => {
    const capture = captureLogs();
    fake().certificateBehaviour = { status: 404, body: "" };
    await failure(new CertificateCache({ logger: capture.logger }).get(fake().certUrl));
    expect(capture.text()).toContain("HTTP 404");
    expect(capture.text()).toContain(fake().certUrl);
  });
});

describe("CertificateCache caching", () => {
  it("serves the second request from the cache", async () => {
    const cache = newCache();
    const first = await cache.get(fake().certUrl);
    const second = await cache.get(fake().certUrl);
    expect(second).toBe(first);
    expect(fake().certificateRequests).toHaveLength(1);
  });

  it("shares one fetch among concurrent requests for the same URL", async () => {
    fake().certificateBehaviour = { delayMs: 150 };
    const cache = newCache();
    const results = await Promise.all(Array.from({ length: 8 }, () => cache.get(fake().certUrl)));
    expect(new Set(results).size).toBe(1);
    expect(fake().certificateRequests).toHaveLength(1);
  });

  it("shares a failing fetch too, and then forgets it", async () => {
    fake().certificateBehaviour = { delayMs: 100, status: 500, body: "" };
    let now = Date.now();
    const cache = newCache({ now: () => now });
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get(fake().certUrl)));
    expect(outcomes.every((outcome) => outcome.status === "rejected")).toBe(true);
    expect(fake().certificateRequests).toHaveLength(1);
    fake().certificateBehaviour = undefined;
    now += DEFAULT_FAILURE_TTL_MS;
    await expect(cache.get(fake().certUrl)).resolves.toBeDefined();
    expect(fake().certificateRequests).toHaveLength(2);
  });

  it("fetches again after the TTL", async () => {
    let now = Date.now();
    const cache = newCache({ ttlMs: 60_000, now: () => now });
    await cache.get(fake().certUrl);
    now += 59_000;
    await cache.get(fake().certUrl);
    expect(fake().certificateRequests).toHaveLength(1);
    now += 2_000;
    await cache.get(fake().certUrl);
    expect(fake().certificateRequests).toHaveLength(2);
  });

  it("never keeps a certificate past its notAfter, whatever the TTL", async () => {
    const identity = createSigningIdentity({ fromDays: -1, toDays: 1 });
    fake().certificateBehaviour = { body: identity.certificatePem };
    let now = Date.now();
    const cache = newCache({ ttlMs: 365 * 86_400_000, now: () => now });
    await cache.get(fake().certUrl);
    now += 2 * 86_400_000;
    expect((await failure(cache.get(fake().certUrl))).message).toContain("expired");
    expect(fake().certificateRequests).toHaveLength(2);
  });

  it("is bounded, evicting the least recently used certificate", async () => {
    fake().certificateBehaviour = {};
    const cache = newCache({ maxEntries: 2 });
    await cache.get(pemUrl("a"));
    await cache.get(pemUrl("b"));
    await cache.get(pemUrl("a"));
    await cache.get(pemUrl("c"));
    expect(cache.size).toBe(2);
    expect(fake().certificateRequests).toEqual(["/a.pem", "/b.pem", "/c.pem"]);
    await cache.get(pemUrl("a"));
    expect(fake().certificateRequests).toHaveLength(3);
    await cache.get(pemUrl("b"));
    expect(fake().certificateRequests).toEqual(["/a.pem", "/b.pem", "/c.pem", "/b.pem"]);
  });
});

describe("CertificateCache bounds on downloads", () => {
  it("downloads at most 4 certificates at once; a short queue waits, the rest are refused at once", async () => {
    fake().certificateBehaviour = { delayMs: 100 };
    const cache = newCache();
    const urls = Array.from({ length: 40 }, (_, i) => pemUrl(`bounded-${i}`));
    const openBefore = fake().openConnections;
    fake().maxOpenConnections = openBefore;
    const outcomes = await Promise.allSettled(urls.map((url) => cache.get(url)));
    expect(fake().maxConcurrentCertificateRequests).toBe(4);
    // Connections are reused, not opened per download: never more than 4 of this cache's at once.
    expect(fake().maxOpenConnections - openBefore).toBeLessThanOrEqual(4);
    // 4 in flight + 8 queued are served; 28 refused without a download.
    expect(fake().certificateRequests).toHaveLength(12);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(12);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(refused).toHaveLength(28);
    expect(refused.every((o) => String(o.reason.message).includes("too many certificate downloads"))).toBe(
      true,
    );
    // A refusal for load is not a failure of the URL: it is fetched on the next try.
    await expect(cache.get(urls[39])).resolves.toBeDefined();
  });
});

describe("SnsMessageVerifier certificate use", () => {
  it("verifies concurrent messages with one certificate fetch, then from the cache", async () => {
    fake().certificateBehaviour = { delayMs: 100 };
    const verifier = new SnsMessageVerifier({
      logger: captureLogs().logger,
      certUrlPattern: fake().certUrlPattern,
    });
    const envelopes = Array.from({ length: 6 }, (_, index) =>
      parseSnsEnvelope(
        formatLikeSns(
          signEnvelope(makeNotification({ message: `m${index}` }), {
            version: index % 2 === 0 ? "1" : "2",
            certUrl: fake().certUrl,
          }),
        ),
      ),
    );
    await Promise.all(envelopes.map((envelope) => verifier.verify(envelope)));
    expect(fake().certificateRequests).toHaveLength(1);
    await verifier.verify(envelopes[0]);
    expect(fake().certificateRequests).toHaveLength(1);
  });
});

describe("SnsMessageVerifier with a failing certificate URL", () => {
  it("reports SnsCertificateFetchFailed and verifies once the certificate is back", async () => {
    let now = Date.now();
    const verifier = new SnsMessageVerifier({
      logger: captureLogs().logger,
      certUrlPattern: fake().certUrlPattern,
      now: () => now,
    });
    const envelope = parseSnsEnvelope(
      formatLikeSns(signEnvelope(makeNotification(), { version: "2", certUrl: fake().certUrl })),
    );
    fake().certificateBehaviour = { status: 404, body: "" };
    await failure(verifier.verify(envelope));
    expect(verifier.cachedCertificates).toBe(0);
    fake().certificateBehaviour = undefined;
    // Within 30 s the failure is remembered; after, the certificate is fetched again.
    await failure(verifier.verify(envelope));
    expect(fake().certificateRequests).toHaveLength(1);
    now += DEFAULT_FAILURE_TTL_MS;
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
    await expect(verifier.verify(envelope)).resolves.toBeUndefined();
    expect(fake().certificateRequests).toHaveLength(2);
    expect(verifier.cachedCertificates).toBe(1);
  });
});
