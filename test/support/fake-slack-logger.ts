/**
 * A quiet logger for Slack SDK objects in tests (WebClient, InstallProvider, Bolt App): it keeps what
 * they log in memory instead of printing, e.g. WebClient's "[ERROR] …" lines for expected API errors.
 */
import { type Logger, LogLevel } from "@slack/web-api";

export interface RecordingSlackLogger extends Logger {
  /** Everything logged, as "level: message" lines. */
  lines: string[];
}

export function silentSlackLogger(): RecordingSlackLogger {
  let level = LogLevel.DEBUG;
  const lines: string[] = [];
  const log =
    (name: string) =>
    (...messages: unknown[]): void => {
      lines.push(`${name}: ${messages.map((m) => (typeof m === "string" ? m : String(m))).join(" ")}`);
    };
  return {
    lines,
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
