/**
 * Error classification on the errors @slack/web-api really throws: a real WebClient (configured as
 * the Slack target configures it) against the fake Slack, made to fail every way Slack can.
 */
import { AuthorizationError } from "@slack/oauth";
import type { WebClient } from "@slack/web-api";
import {
  classifySlackError,
  DEFAULT_RETRY_AFTER_MS,
  isDeliveryDisabledReason,
} from "../../src/delivery/slack-errors";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { type FakeFailure, type FakeSlack, SLACK_IDS, startFakeSlack } from "../support/fake-slack";

let fake: FakeSlack;
let client: WebClient;

beforeAll(async () => {
  fake = await startFakeSlack();
  const { botToken } = fake.addWorkspace();
  client = fake.webClient(botToken, {
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: 300,
  });
});
afterAll(async () => {
  await fake.close();
});

async function failureOf(failure: FakeFailure) {
  fake.failNext("chat.postMessage", failure);
  try {
    await client.chat.postMessage({ channel: SLACK_IDS.channelId, text: "x" });
  } catch (error) {
    return classifySlackError(error);
  }
  throw new Error("the call did not fail");
}

describe("classifySlackError", () => {
  it("429 with Retry-After: rate limited for that long", async () => {
    expect(await failureOf({ status: 429, retryAfterSeconds: 7 })).toEqual({
      kind: "rate_limited",
      error: "ratelimited",
      retryAfterMs: 7_000,
    });
  });

  it("429 without Retry-After: rate limited, patiently", async () => {
    expect(await failureOf({ status: 429, retryAfterSeconds: null })).toMatchObject({
      kind: "rate_limited",
      retryAfterMs: DEFAULT_RETRY_AFTER_MS,
    });
  });

  it.each([500, 502, 503, 504])("HTTP %i: transient", async (status) => {
    expect(await failureOf({ status })).toEqual({ kind: "transient", error: `http_${status}` });
  });

  it("a cut connection: transient", async () => {
    expect(await failureOf({ disconnect: true })).toMatchObject({
      kind: "transient",
      error: expect.stringMatching(/^request_error/),
    });
  });

  it("an answer slower than the timeout: transient timeout", async () => {
    expect(await failureOf({ delayMs: 1_000 })).toEqual({ kind: "transient", error: "timeout" });
  });

  it.each(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "token_expired"])(
    "ok:false %s: transient",
    async (error) => {
      expect(await failureOf({ error })).toEqual({ kind: "transient", error });
    },
  );

  it.each([
    ["not_in_channel", "awaiting_invite"],
    ["channel_not_found", "awaiting_invite"],
    ["is_archived", "disabled"],
  ])(
    "ok:false %s: the channel's configuration becomes %s, with a reason saying what to do",
    async (error, state) => {
      const failure = await failureOf({ error });
      expect(failure).toMatchObject({ kind: "channel", error, state });
      expect(failure.kind === "channel" && failure.reason).toContain(`(${error})`);
    },
  );

  it.each(["invalid_auth", "token_revoked", "account_inactive", "not_authed", "missing_scope"])(
    "ok:false %s: the workspace is disabled",
    async (error) => {
      const failure = await failureOf({ error });
      expect(failure).toMatchObject({ kind: "workspace", error });
      expect(failure.kind === "workspace" && failure.reason).toMatch(/reinstall|install/);
    },
  );

  it.each(["invalid_blocks", "msg_too_long", "no_text", "invalid_arguments", "something_new"])(
    "ok:false %s: the message itself is refused (dead letter)",
    async (error) => {
      expect(await failureOf({ error })).toEqual({ kind: "message", error });
    },
  );

  it("a workspace without an installation: workspace, however deep the store's error is wrapped", () => {
    const store = new ChatbotError(ErrorCode.InstallationNotFound, "no installation for team T1");
    const wrapped = new ChatbotError(ErrorCode.InstallationNotFound, "workspace T1 is not installed", {
      cause: new AuthorizationError(store.message, store),
    });
    expect(classifySlackError(wrapped)).toMatchObject({ kind: "workspace", error: "installation_not_found" });
    expect(classifySlackError(store)).toMatchObject({ kind: "workspace" });
  });

  it("the installation store failing (database down) is transient, not a missing installation", () => {
    const wrapped = new ChatbotError(ErrorCode.InstallationNotFound, "workspace T1 is not installed", {
      cause: new AuthorizationError("connection refused", new Error("connect ECONNREFUSED 127.0.0.1:5432")),
    });
    expect(classifySlackError(wrapped)).toMatchObject({ kind: "transient" });
  });

  it("knows the reasons it disabled a configuration with", async () => {
    const archived = await failureOf({ error: "is_archived" });
    expect(isDeliveryDisabledReason(archived.kind === "channel" ? archived.reason : null)).toBe(true);
    expect(isDeliveryDisabledReason("disabled by an admin")).toBe(false);
    expect(isDeliveryDisabledReason(null)).toBe(false);
  });
});
