import { SLACK_REQUEST_WINDOW_SECONDS, verifySlackRequest } from "../../../src/slack/requests/verify-request";
import { signSlackRequest } from "../../support/slack-signing";

const secret = "unit-signing-secret";
const body = "token=x&command=%2Faws&text=help";
const nowMs = 1_800_000_000_000;
const nowSeconds = nowMs / 1000;

function verify(timestampSeconds: number, overrides: { secret?: string; body?: string } = {}) {
  const headers = signSlackRequest(overrides.secret ?? secret, body, timestampSeconds);
  return verifySlackRequest({
    signingSecret: secret,
    rawBody: overrides.body ?? body,
    signature: headers["x-slack-signature"],
    timestamp: headers["x-slack-request-timestamp"],
    nowMs,
  });
}

describe("verifySlackRequest", () => {
  it("accepts a correctly signed request and keys it by its signature until its window ends", () => {
    const verdict = verify(nowSeconds - 10);
    expect(verdict).toEqual({
      ok: true,
      signature: signSlackRequest(secret, body, nowSeconds - 10)["x-slack-signature"].slice(3),
      expiresAt: new Date((nowSeconds - 10 + SLACK_REQUEST_WINDOW_SECONDS) * 1000),
    });
  });

  it("refuses a request signed a day in the future (Bolt accepts it)", () => {
    const verdict = verify(nowSeconds + 24 * 3600);
    expect(verdict).toEqual({ ok: false, reason: expect.stringContaining("ahead of our clock") });
  });

  it.each([
    ["5 min ahead", SLACK_REQUEST_WINDOW_SECONDS, true],
    ["5 min 1 s ahead", SLACK_REQUEST_WINDOW_SECONDS + 1, false],
    ["5 min behind", -SLACK_REQUEST_WINDOW_SECONDS, true],
    ["5 min 1 s behind", -SLACK_REQUEST_WINDOW_SECONDS - 1, false],
  ])("at %s the verdict is ok=%s", (_label, offset, ok) => {
    expect(verify(nowSeconds + offset).ok).toBe(ok);
  });

  it("refuses a wrong secret, a changed body, and malformed or missing headers", () => {
    expect(verify(nowSeconds, { secret: "another" })).toEqual({
      ok: false,
      reason: "the signature does not match",
    });
    expect(verify(nowSeconds, { body: `${body}&x=1` })).toEqual({
      ok: false,
      reason: "the signature does not match",
    });
    const base = { signingSecret: secret, rawBody: body, nowMs };
    const good = signSlackRequest(secret, body, nowSeconds);
    expect(verifySlackRequest({ ...base, signature: undefined, timestamp: String(nowSeconds) }).ok).toBe(
      false,
    );
    expect(
      verifySlackRequest({ ...base, signature: good["x-slack-signature"], timestamp: undefined }).ok,
    ).toBe(false);
    expect(
      verifySlackRequest({ ...base, signature: good["x-slack-signature"], timestamp: `${nowSeconds}.5` }),
    ).toEqual({ ok: false, reason: "the request timestamp is not a number" });
    expect(
      verifySlackRequest({
        ...base,
        signature: good["x-slack-signature"].replace("v0=", "v1="),
        timestamp: String(nowSeconds),
      }),
    ).toEqual({ ok: false, reason: "the signature is not a v0 signature" });
    expect(verifySlackRequest({ ...base, signature: "v0=abc", timestamp: String(nowSeconds) }).ok).toBe(
      false,
    );
  });
});
