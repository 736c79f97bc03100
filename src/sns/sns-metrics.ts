/**
 * The SNS endpoint's Prometheus series. The children of the hot path's outcomes are bound once, so
 * an accepted notification costs one counter increment each, no label lookup or allocation.
 */
import type { Counter } from "prom-client";
import type { Metrics } from "../http/metrics";

type RequestLabels = "type" | "status";

export class SnsMetrics {
  readonly #requests: Counter<RequestLabels>;
  readonly #received: Counter<"result" | "reason">;
  readonly #stored;
  readonly #duplicate;
  readonly #notificationOk;

  constructor(metrics: Metrics) {
    this.#requests = metrics.counter(
      "chatbot_sns_requests_total",
      "SNS requests by message type and status",
      ["type", "status"],
    );
    this.#received = metrics.counter(
      "chatbot_sns_received_total",
      "SNS requests by result: stored, duplicate (a MessageId seen before), or refused (by reason)",
      ["result", "reason"],
    );
    this.#stored = this.#received.labels({ result: "stored" });
    this.#duplicate = this.#received.labels({ result: "duplicate" });
    this.#notificationOk = this.#requests.labels({ status: "200", type: "Notification" });
  }

  /** A Notification answered 200. */
  accepted(outcome: "stored" | "duplicate"): void {
    this.#notificationOk.inc();
    (outcome === "stored" ? this.#stored : this.#duplicate).inc();
  }

  answered(type: string, status: number): void {
    this.#requests.inc({ status: String(status), type });
  }

  /** A request not accepted: `reason` is the error code answered (a bounded set). */
  refused(reason: string): void {
    this.#received.inc({ result: "refused", reason });
  }
}
