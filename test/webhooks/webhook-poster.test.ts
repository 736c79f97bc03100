import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { classifyWebhookAnswer, postWebhook, retryAfterMs } from "../../src/webhooks/webhook-poster";
import { startFakeWebhooks } from "../support/fake-webhooks";
import { sharedAcrossTests } from "../support/shared-fake";

describe("postWebhook against a loopback webhook", () => {
  const hooks = sharedAcrossTests(startFakeWebhooks, (fake) => fake.reset());

  it("POSTs the JSON payload with a JSON content type and says ok on 200", async () => {
    const outcome = await postWebhook(hooks().urlFor("/incomingwebhooks/room?token=t"), {
      Content: "/md **hi** ✓",
    });
    expect(outcome).toEqual({ kind: "ok", status: 200 });
    const [post] = hooks().postsTo("/incomingwebhooks/room");
    expect(post.url).toBe("/incomingwebhooks/room?token=t");
    expect(post.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(post.json).toEqual({ Content: "/md **hi** ✓" });
    expect(Number(post.headers["content-length"])).toBe(post.bytes);
  });

  it("429: rate limited, waiting Retry-After seconds", async () => {
    hooks().answerNext("/h", { status: 429, retryAfter: "3" });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 3000,
    });
  });

  it("429 without Retry-After waits at least 1 s", async () => {
    hooks().answerNext("/h", { status: 429 });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({
      kind: "rate_limited",
      retryAfterMs: 1000,
    });
  });

  it("413: too large", async () => {
    hooks().answerNext("/h", { status: 413, body: "Request Entity Too Large" });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({
      kind: "too_large",
      status: 413,
      reason: expect.stringContaining("Request Entity Too Large"),
    });
  });

  it.each([404, 403, 410])("%i: the webhook is gone (deleted or regenerated)", async (status) => {
    hooks().answerNext("/h", { status });
    const outcome = await postWebhook(hooks().urlFor("/h"), {});
    expect(outcome).toMatchObject({
      kind: "gone",
      status,
      reason: expect.stringMatching(/deleted, regenerated or is invalid/),
    });
  });

  it.each([500, 502, 503])("%i: retryable", async (status) => {
    hooks().answerNext("/h", { status });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({ kind: "retryable", status });
  });

  it("other 4xx: rejected with the status", async () => {
    hooks().answerNext("/h", { status: 400, body: "@All is not allowed in rooms with more than 50 members" });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({
      kind: "rejected",
      status: 400,
      reason: expect.stringContaining("(400): @All is not allowed"),
    });
  });

  it("a redirect is a failure and is not followed", async () => {
    hooks().answerNext("/h", { status: 302, location: hooks().urlFor("/elsewhere") });
    const outcome = await postWebhook(hooks().urlFor("/h"), {});
    expect(outcome).toMatchObject({
      kind: "rejected",
      status: 302,
      reason: expect.stringMatching(/redirects are not followed/),
    });
    expect(hooks().postsTo("/elsewhere")).toHaveLength(0);
  });

  it("a timeout is retryable and comes within the bound", async () => {
    hooks().answerNext("/h", { delayMs: 2000 });
    const started = Date.now();
    const outcome = await postWebhook(hooks().urlFor("/h"), {}, { timeoutMs: 200 });
    expect(outcome).toMatchObject({ kind: "retryable", reason: "no answer within 200 ms" });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("a cut connection and a refused connection are retryable", async () => {
    hooks().answerNext("/h", { disconnect: true });
    expect(await postWebhook(hooks().urlFor("/h"), {})).toMatchObject({
      kind: "retryable",
      reason: expect.stringMatching(/network error|cut off/),
    });
    const closed = await startFakeWebhooks();
    const url = closed.urlFor("/h");
    await closed.close();
    expect(await postWebhook(url, {})).toMatchObject({
      kind: "retryable",
      reason: "network error: ECONNREFUSED",
    });
  });

  it("an abort stops the post", async () => {
    hooks().answerNext("/h", { delayMs: 2000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect(await postWebhook(hooks().urlFor("/h"), {}, { signal: controller.signal })).toMatchObject({
      kind: "retryable",
    });
  });

  it("never puts the URL into a reason", async () => {
    hooks().answerNext("/hooks/secret-token-123", { status: 500, body: "boom" });
    const outcome = await postWebhook(hooks().urlFor("/hooks/secret-token-123"), {});
    expect(JSON.stringify(outcome)).not.toContain("secret-token-123");
  });
});

describe("postWebhook reads at most the response cap", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // An error answer that never ends: only a reader that stops at its cap gets past it before the timeout.
    server = createServer((_request, response) => {
      response.writeHead(500, { "content-type": "text/plain" });
      response.write(Buffer.alloc(256 * 1024, "x"));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/h`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("stops reading an endless answer at the cap and classifies it", async () => {
    const started = Date.now();
    const outcome = await postWebhook(url, {}, { maxResponseBytes: 1024, timeoutMs: 5000 });
    expect(outcome).toMatchObject({ kind: "retryable", status: 500 });
    expect(outcome.kind !== "ok" && outcome.reason.length).toBeLessThan(300);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("classification helpers", () => {
  it("Retry-After: seconds, HTTP dates, floors and caps", () => {
    const now = Date.parse("2026-03-04T17:00:00Z");
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs("0", now)).toBe(1000);
    expect(retryAfterMs("0.2", now)).toBe(1000);
    expect(retryAfterMs("Wed, 04 Mar 2026 17:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("Wed, 04 Mar 2026 16:00:00 GMT", now)).toBe(1000);
    expect(retryAfterMs("soon", now)).toBe(1000);
    expect(retryAfterMs(undefined, now)).toBe(1000);
    expect(retryAfterMs("86400", now)).toBe(15 * 60 * 1000);
  });

  it("2xx other than 200 is ok", () => {
    expect(classifyWebhookAnswer(202, {}, "")).toEqual({ kind: "ok", status: 202 });
    expect(classifyWebhookAnswer(204, {}, "")).toEqual({ kind: "ok", status: 204 });
  });
});

describe("reasons never carry a URL", () => {
  it("replaces URLs an error answer echoes", () => {
    const outcome = classifyWebhookAnswer(
      400,
      {},
      "bad request to https://hooks().chime.aws/incomingwebhooks/x?token=SECRET",
    );
    expect(outcome).toMatchObject({
      kind: "rejected",
      reason: expect.stringContaining("bad request to [url]"),
    });
    expect(JSON.stringify(outcome)).not.toContain("SECRET");
  });
});
