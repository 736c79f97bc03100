/**
 * Failure injection, rate limiting and waiting, as the real WebClient experiences them.
 */
import { ErrorCode, type WebClient, WebClientEvent, type WebClientOptions } from "@slack/web-api";
import { type FakeSlack, SLACK_IDS, startFakeSlack } from "./fake-slack";

function clientFor(fake: FakeSlack, options: WebClientOptions = {}): WebClient {
  return fake.webClient(fake.workspace(SLACK_IDS.teamId)!.botToken, options);
}

function install(fake: FakeSlack): void {
  fake.addWorkspace({
    channels: [
      { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName },
      { id: "C0SECOND001", name: "second" },
    ],
  });
}

const post = (client: WebClient, channel: string = SLACK_IDS.channelId) =>
  client.chat.postMessage({ channel, text: "hello" });

describe("fake Slack failure injection", () => {
  let fake: FakeSlack;
  let client: WebClient;

  beforeAll(async () => {
    fake = await startFakeSlack();
    install(fake);
  });

  afterAll(async () => {
    await fake.close();
  });

  beforeEach(() => {
    fake.reset();
    client = clientFor(fake);
  });

  it("failNext answers ok:false once, surfacing as a WebClient platform error", async () => {
    fake.failNext("chat.postMessage", { error: "not_in_channel" });
    await expect(post(client)).rejects.toMatchObject({
      code: ErrorCode.PlatformError,
      data: { ok: false, error: "not_in_channel" },
    });
    await expect(post(client)).resolves.toMatchObject({ ok: true });
    expect(fake.calls("chat.postMessage").map((c) => [c.outcome, c.injected])).toEqual([
      ["error", true],
      ["ok", false],
    ]);
    expect(fake.messages()).toHaveLength(1);
  });

  it("honours times and filter", async () => {
    fake.failNext(
      "chat.postMessage",
      { error: "channel_not_found" },
      { times: 2, filter: (c) => c.args.channel === "C0SECOND001" },
    );
    await expect(post(client)).resolves.toMatchObject({ ok: true });
    await expect(post(client, "C0SECOND001")).rejects.toMatchObject({ data: { error: "channel_not_found" } });
    await expect(post(client, "C0SECOND001")).rejects.toMatchObject({ data: { error: "channel_not_found" } });
    expect(fake.pendingFailures()).toBe(0);
    await expect(post(client, "C0SECOND001")).resolves.toMatchObject({ ok: true });
  });

  it("429 carries Retry-After in seconds, as Slack sends it", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 2 });
    const token = fake.workspace(SLACK_IDS.teamId)!.botToken;
    const response = await fetch(`${fake.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: `channel=${SLACK_IDS.channelId}&text=x`,
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("2");
    expect(await response.json()).toEqual({ ok: false, error: "ratelimited" });
    expect(fake.calls("chat.postMessage")[0]).toMatchObject({
      outcome: "rate_limited",
      status: 429,
      error: "ratelimited",
    });
  });

  it("with rejectRateLimitedCalls, WebClient throws a rate-limit error with retryAfter", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 2 });
    const rejecting = clientFor(fake, { rejectRateLimitedCalls: true });
    await expect(post(rejecting)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 2 });
  });

  it("without it, WebClient waits Retry-After and retries", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 1 });
    const waits: number[] = [];
    const patient = clientFor(fake, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 } });
    patient.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const started = Date.now();
    await expect(post(patient)).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(waits).toEqual([1]);
    expect(fake.calls("chat.postMessage").map((c) => c.outcome)).toEqual(["rate_limited", "ok"]);
  });

  it("HTTP 500 becomes a WebAPIHTTPError", async () => {
    fake.failNext("chat.postMessage", { status: 500 });
    await expect(post(client)).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    expect(fake.calls("chat.postMessage")[0]).toMatchObject({ outcome: "http_error", status: 500 });
  });

  it("delays answers, and cuts connections", async () => {
    fake.failNext("auth.test", { delayMs: 300 });
    const started = Date.now();
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);

    fake.failNext("auth.test", { delayMs: 2000 });
    await expect(clientFor(fake, { timeout: 100 }).auth.test()).rejects.toMatchObject({
      code: ErrorCode.RequestError,
    });

    fake.failNext("auth.test", { disconnect: true });
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(fake.calls("auth.test").at(-1)).toMatchObject({ outcome: "disconnected" });
  });

  it("setBehavior persists until cleared; '*' matches every method", async () => {
    fake.setBehavior("*", { status: 503 });
    await expect(client.auth.test()).rejects.toMatchObject({ statusCode: 503 });
    await expect(post(client)).rejects.toMatchObject({ statusCode: 503 });
    fake.clearBehavior("*");
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it("can make response_url posts and uploads fail too", async () => {
    const url = fake.responseUrl();
    fake.failNext("response_url", { status: 500 });
    const response = await fetch(url, { method: "POST", body: JSON.stringify({ text: "x" }) });
    expect(response.status).toBe(500);
    fake.failNext("upload", { status: 500 });
    await expect(
      client.files.uploadV2({ channel_id: SLACK_IDS.channelId, content: "x", filename: "x.txt" }),
    ).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });
    expect(fake.calls("upload")[0]).toMatchObject({ outcome: "http_error", injected: true });
  });
});

describe("fake Slack timed behaviour (injected clock)", () => {
  it("failFor fails calls for a duration, then answers normally", async () => {
    let now = 1_700_000_000_000;
    const fake = await startFakeSlack({ now: () => now });
    try {
      install(fake);
      const client = clientFor(fake);
      fake.failFor("chat.postMessage", 30_000, { status: 500 });
      await expect(post(client)).rejects.toMatchObject({ statusCode: 500 });
      now += 29_999;
      await expect(post(client)).rejects.toMatchObject({ statusCode: 500 });
      now += 2;
      await expect(post(client)).resolves.toMatchObject({ ok: true });
    } finally {
      await fake.close();
    }
  });

  it("the per-channel postMessage limiter rejects a burst with 429 and counts it", async () => {
    let now = 1_700_000_000_000;
    const fake = await startFakeSlack({ now: () => now, postMessageLimit: { perSecond: 1, burst: 2 } });
    try {
      install(fake);
      const client = clientFor(fake, { rejectRateLimitedCalls: true });
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => post(client)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
      expect(
        results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason),
      ).toEqual(Array(3).fill(expect.objectContaining({ code: ErrorCode.RateLimitedError, retryAfter: 1 })));
      expect(fake.rejectedCount()).toBe(3);
      expect(fake.rejectedCount(SLACK_IDS.channelId)).toBe(3);
      // Another channel has its own bucket.
      await expect(post(client, "C0SECOND001")).resolves.toMatchObject({ ok: true });
      // One second later, one more message fits.
      now += 1000;
      await expect(post(client)).resolves.toMatchObject({ ok: true });
      await expect(post(client)).rejects.toMatchObject({ code: ErrorCode.RateLimitedError });
      expect(fake.rejectedCount()).toBe(4);
      fake.setPostMessageLimit(undefined);
      await expect(post(client)).resolves.toMatchObject({ ok: true });
    } finally {
      await fake.close();
    }
  });
});

describe("fake Slack waiting", () => {
  let fake: FakeSlack;

  beforeAll(async () => {
    fake = await startFakeSlack();
    install(fake);
  });

  afterAll(async () => {
    await fake.close();
  });

  it("waitForCalls resolves once enough matching calls were answered", async () => {
    const client = clientFor(fake);
    const waiting = fake.waitForCalls("chat.postMessage", 2, { filter: (c) => c.outcome === "ok" });
    setTimeout(() => {
      void post(client);
      void post(client);
    }, 50);
    const calls = await waiting;
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.response?.ok === true)).toBe(true);
  });

  it("waitForCalls rejects with a list of what did arrive", async () => {
    fake.reset();
    await clientFor(fake).auth.test();
    await expect(fake.waitForCalls("chat.postMessage", 1, { timeoutMs: 100 })).rejects.toThrow(
      /expected 1 chat\.postMessage call\(s\) within 100 ms, got 0\.\nCalls received:\n {2}#\d+ auth\.test → ok/,
    );
  });

  it("reset forgets calls, messages and failures but keeps the workspace", async () => {
    const client = clientFor(fake);
    await post(client);
    fake.failNext("auth.test", { error: "fatal_error" });
    fake.reset();
    expect(fake.calls()).toEqual([]);
    expect(fake.messages()).toEqual([]);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it("close rejects pending waits", async () => {
    const other = await startFakeSlack();
    const waiting = other.waitForCalls("chat.postMessage", 1, { timeoutMs: 10_000 });
    await other.close();
    await expect(waiting).rejects.toThrow(/closed/);
  });
});
