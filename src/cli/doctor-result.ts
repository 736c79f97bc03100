/** One line of `chatbot doctor`: what was checked, what was found, and when it failed, what to do. */
export interface CheckResult {
  ok: boolean;
  summary: string;
  /** What to do; set when the check failed. */
  fix?: string;
}

export const passed = (summary: string): CheckResult => ({ ok: true, summary });

export const failed = (summary: string, fix: string): CheckResult => ({ ok: false, summary, fix });

/** `✔ summary` or `✘ summary → fix`, one line. */
export function formatCheck(result: CheckResult): string {
  return result.ok ? `✔ ${result.summary}` : `✘ ${result.summary} → ${result.fix}`;
}

/**
 * The most telling message of an error: fetch's "fetch failed" hides the reason (ECONNREFUSED,
 * ENOTFOUND, a certificate error) in its cause; a timeout says how long was waited.
 */
export function reasonOf(error: unknown): string {
  // Duck-typed: errors from Node's own fetch are not instances of this realm's Error under jest.
  if (typeof error !== "object" || error === null) return String(error);
  const { name, message, cause } = error as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === "TimeoutError") return "no answer in time";
  if (typeof cause === "object" && cause !== null) {
    const inner = cause as { message?: unknown; code?: unknown };
    if (typeof inner.message === "string" && inner.message !== "") return inner.message;
    if (typeof inner.code === "string") return inner.code;
  }
  return typeof message === "string" ? message : String(error);
}
