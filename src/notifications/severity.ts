import type { Severity } from "./types";

/**
 * Severity conventions shared by formatters (shared/fixtures/sns/README.md): ALARM → high,
 * OK / recovery → ok, INSUFFICIENT_DATA → low; failed runs → high or medium; succeeded → ok;
 * unknown shapes → info unless their text says something failed.
 */

// Letters-only boundaries so that `BUILD_FAILED` and `status=SUCCESS` match but `PAYMENT_DECLINED`
// or `unhealthy` do not read as failure / success by accident.
const FAILURE =
  /(?<![a-z])(fail|fails|failed|failure|failing|error|errors|errored|timed[ _-]?out|timeout|aborted|crashed|unhealthy|outage)(?![a-z])/i;
const SUCCESS =
  /(?<![a-z])(success|successful|successfully|succeeded|passed|resolved|recovered|healthy|completed successfully)(?![a-z])/i;

/** Reads free text (a plain-text message, a status value) for failure or success words. */
export function textSeverity(text: string, fallback: Severity = "info"): Severity {
  // Long texts are judged by their beginning: the verdict is rarely on line 2,000.
  const head = text.length > 2000 ? text.slice(0, 2000) : text;
  if (head === "") return fallback;
  if (FAILURE.test(head)) return "medium";
  if (SUCCESS.test(head)) return "ok";
  return fallback;
}

/** Maps a service's own severity label (Security Hub, Inspector, custom notifications). */
export function labelSeverity(label: string | undefined): Severity | undefined {
  switch (label?.trim().toUpperCase()) {
    case "CRITICAL":
    case "SEV1":
    case "SEV-1":
    case "P1":
      return "critical";
    case "HIGH":
    case "SEV2":
    case "SEV-2":
    case "P2":
    case "ERROR":
      return "high";
    case "MEDIUM":
    case "MODERATE":
    case "SEV3":
    case "SEV-3":
    case "P3":
    case "WARNING":
    case "WARN":
      return "medium";
    case "LOW":
    case "SEV4":
    case "SEV-4":
    case "P4":
      return "low";
    case "INFORMATIONAL":
    case "INFO":
    case "UNTRIAGED":
    case "SEV5":
    case "SEV-5":
    case "P5":
      return "info";
    case "OK":
    case "RESOLVED":
      return "ok";
    default:
      return undefined;
  }
}

/** Order from most to least urgent, for picking the worst of several findings. */
export function severityRank(severity: Severity): number {
  switch (severity) {
    case "critical":
      return 5;
    case "high":
      return 4;
    case "medium":
      return 3;
    case "low":
      return 2;
    case "info":
      return 1;
    case "ok":
      return 0;
  }
}
