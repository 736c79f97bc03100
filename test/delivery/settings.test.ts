import { loadConfig } from "../../src/config";
import { DEFAULT_DELIVERY_SETTINGS, parseDeliverySettings } from "../../src/delivery/settings";
import { parseDuration } from "../../src/duration";
import { ChatbotError } from "../../src/errors";

describe("delivery settings", () => {
  it("defaults to production values, through loadConfig", () => {
    expect(loadConfig({}).delivery).toEqual(DEFAULT_DELIVERY_SETTINGS);
    expect(DEFAULT_DELIVERY_SETTINGS).toMatchObject({
      leaseMs: 30_000,
      pollMs: 1_000,
      maxAttempts: 8,
      maxAgeMs: 86_400_000,
      channelRate: { perSecond: 1, burst: 3 },
      newThreadAfterMs: 86_400_000,
      digestThreshold: 3,
      digestQuietMs: 120_000,
    });
  });

  it("reads every DELIVERY_* variable", () => {
    const settings = parseDeliverySettings({
      DELIVERY_LEASE_MS: "2000",
      DELIVERY_POLL_MS: "50",
      DELIVERY_MAX_ATTEMPTS: "3",
      DELIVERY_MAX_AGE: "90m",
      DELIVERY_BACKOFF_BASE_MS: "10",
      DELIVERY_BACKOFF_MAX_MS: "40",
      DELIVERY_SLACK_TIMEOUT_MS: "500",
      DELIVERY_CHANNEL_PER_SECOND: "0.5",
      DELIVERY_CHANNEL_BURST: "2",
      DELIVERY_WORKSPACE_PER_SECOND: "50",
      DELIVERY_WORKSPACE_BURST: "100",
      DELIVERY_NEW_THREAD_AFTER_MS: "0",
      DELIVERY_DIGEST_THRESHOLD: "10",
      DELIVERY_DIGEST_QUIET: "30s",
      DELIVERY_DIGEST_UPDATE_WAIT_MS: "500",
    });
    expect(settings).toEqual({
      leaseMs: 2000,
      pollMs: 50,
      maxAttempts: 3,
      maxAgeMs: 5_400_000,
      backoffBaseMs: 10,
      backoffMaxMs: 40,
      slackTimeoutMs: 500,
      channelRate: { perSecond: 0.5, burst: 2 },
      workspaceRate: { perSecond: 50, burst: 100 },
      updateRate: DEFAULT_DELIVERY_SETTINGS.updateRate,
      newThreadAfterMs: 0,
      digestThreshold: 10,
      digestQuietMs: 30_000,
      digestUpdateWaitMs: 500,
    });
  });

  it.each([
    [{ DELIVERY_LEASE_MS: "soon" }, /^DELIVERY_LEASE_MS must be an integer ≥ 100 \(got "soon"\)$/],
    [{ DELIVERY_MAX_ATTEMPTS: "0" }, /^DELIVERY_MAX_ATTEMPTS must be an integer ≥ 1/],
    [
      { DELIVERY_MAX_AGE: "a day" },
      /^DELIVERY_MAX_AGE must be a duration such as 90s, 30m, 24h or 2d \(got "a day"\)$/,
    ],
    [{ DELIVERY_MAX_AGE: "0s" }, /^DELIVERY_MAX_AGE must be a duration/],
    [{ DELIVERY_CHANNEL_PER_SECOND: "-1" }, /^DELIVERY_CHANNEL_PER_SECOND must be a number/],
    [
      { DELIVERY_BACKOFF_BASE_MS: "5000", DELIVERY_BACKOFF_MAX_MS: "100" },
      /^DELIVERY_BACKOFF_MAX_MS must be ≥/,
    ],
  ])("fails fast naming the variable: %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ChatbotError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["24h", 86_400_000],
    ["2d", 172_800_000],
    ["1.5h", 5_400_000],
    ["2500", 2_500],
  ])("reads %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "h", "-1h", "1w", "1 hour", "1e3s"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
