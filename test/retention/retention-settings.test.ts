import { loadConfig } from "../../src/config";
import { isChatbotError } from "../../src/errors";
import {
  DEFAULT_RETENTION_SETTINGS,
  parseRetentionSettings,
  retentionIntervalMs,
} from "../../src/retention/retention-settings";

const DAY = 86_400_000;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (isChatbotError(error)) return error.message.split("\n");
    throw error;
  }
  throw new Error("loadConfig accepted it");
}

describe("retention settings", () => {
  it("default to 30 days, and 365 days for dead letters and the audit log, through loadConfig", () => {
    expect(loadConfig({}).retention).toEqual(DEFAULT_RETENTION_SETTINGS);
    expect(DEFAULT_RETENTION_SETTINGS).toEqual({ retentionMs: 30 * DAY, auditRetentionMs: 365 * DAY });
  });

  it("read RETENTION and AUDIT_RETENTION as durations", () => {
    expect(parseRetentionSettings({ RETENTION: "2m", AUDIT_RETENTION: " 720h " })).toEqual({
      retentionMs: 120_000,
      auditRetentionMs: 30 * DAY,
    });
    expect(parseRetentionSettings({ RETENTION: "", AUDIT_RETENTION: "7d" }).retentionMs).toBe(30 * DAY);
  });

  it.each([["forever"], ["-1d"], ["30 days"], ["0"], ["59s"], ["1e9"]])(
    "refuse RETENTION=%j, naming it with the other problems at start-up",
    (value) => {
      const lines = problemsOf({ RETENTION: value, AUDIT_RETENTION: "a year", PORT: "http" });
      expect(lines.sort()).toEqual([
        'AUDIT_RETENTION must be a duration of at least 1m, such as 30d, 720h or 90m (got "a year")',
        "PORT must be a TCP port number 0-65535, e.g. 3000",
        `RETENTION must be a duration of at least 1m, such as 30d, 720h or 90m (got "${value}")`,
      ]);
    },
  );

  it("run the job every quarter of RETENTION, between every 10 s and every 5 min", () => {
    expect(retentionIntervalMs({ retentionMs: 120_000, auditRetentionMs: DAY })).toBe(30_000);
    expect(retentionIntervalMs({ retentionMs: 60_000, auditRetentionMs: DAY })).toBe(15_000);
    expect(retentionIntervalMs(DEFAULT_RETENTION_SETTINGS)).toBe(300_000);
  });
});
