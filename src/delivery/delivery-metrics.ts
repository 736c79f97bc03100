/**
 * The delivery side's Prometheus series, in one place so their names and help texts agree. All are
 * created with the service, so they are scraped at zero before anything moves; the outbox's depth
 * and oldest age are read at each scrape (one grouped query), not counted as they change.
 */
import type { Database } from "../db/database";
import type { Metrics } from "../http/metrics";
import type { Logger } from "../logger";
import { QUEUE_STATES, type QueueState, queueState } from "../outbox/inspect";
import type { Outcome } from "./delivery-types";
import type { DeliveryFailure } from "./slack-errors";

/** SNS answered → posted, in seconds: tens of ms when flowing, minutes when rate-limited or retried. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

export class DeliveryMetrics {
  readonly #posts;
  readonly #outcomes;
  readonly #failures;
  readonly #deadLetters;
  readonly #holds;
  readonly #rateLimited;
  readonly #parentUpdateFailures;
  readonly #latency;
  readonly #slackCalls;
  readonly #digests;

  constructor(private readonly metrics: Metrics) {
    this.#posts = metrics.counter("chatbot_delivery_posts_total", "Messages posted, by target and kind", [
      "target",
      "kind",
    ]);
    this.#outcomes = metrics.counter(
      "chatbot_deliveries_total",
      "Delivery attempts by target and outcome (posted, retry, held, dead, released)",
      ["target", "outcome"],
    );
    this.#failures = metrics.counter(
      "chatbot_delivery_failures_total",
      "Failed post attempts, by target and kind of failure",
      ["target", "kind"],
    );
    this.#deadLetters = metrics.counter(
      "chatbot_delivery_dead_letters_total",
      "Deliveries given up on (dead letters)",
      ["target"],
    );
    this.#holds = metrics.counter(
      "chatbot_delivery_holds_total",
      "Deliveries held until a channel or workspace is usable",
      ["reason"],
    );
    this.#rateLimited = metrics.counter(
      "chatbot_delivery_rate_limited_total",
      "429 answers; the workspace pauses for Retry-After",
      ["target"],
    );
    this.#parentUpdateFailures = metrics.counter(
      "chatbot_delivery_thread_parent_update_failures_total",
      "chat.update of a thread parent failed",
    );
    this.#latency = metrics.histogram(
      "chatbot_delivery_latency_seconds",
      "From SNS answered (the notification stored) to posted, by target",
      ["target"],
      LATENCY_BUCKETS,
    );
    this.#slackCalls = metrics.counter(
      "chatbot_slack_calls_total",
      "Slack Web API calls of the delivery worker, by method and status (ok or Slack's error)",
      ["method", "status"],
    );
    this.#digests = metrics.counter(
      "chatbot_delivery_digests_total",
      "Storm digest messages posted (a new digest) or updated (more lines), by target",
      ["target", "action"],
    );
  }

  digest(target: string, action: "posted" | "updated"): void {
    this.#digests.inc({ target, action });
  }

  /** Posted and recorded, `latencyMs` after the notification was stored. */
  delivered(target: string, kind: "message" | "reply" | "digest", latencyMs: number): void {
    this.#posts.inc({ target, kind });
    this.#latency.observe({ target }, latencyMs / 1000);
  }

  outcome(target: string, outcome: Outcome): void {
    this.#outcomes.inc({ target, outcome });
  }

  failed(target: string, failure: DeliveryFailure): void {
    this.#failures.inc({ target, kind: failure.kind });
  }

  deadLettered(target: string): void {
    this.#deadLetters.inc({ target });
  }

  held(reason: "channel" | "workspace"): void {
    this.#holds.inc({ reason });
  }

  rateLimited(target: string): void {
    this.#rateLimited.inc({ target });
  }

  parentUpdateFailed(): void {
    this.#parentUpdateFailures.inc();
  }

  slackCall(method: string, status: string): void {
    this.#slackCalls.inc({ method, status });
  }

  /** Depth and oldest age of the outbox per state, read with one grouped query at each scrape. */
  exposeQueue(db: Database, logger: Logger): void {
    let read: Promise<QueueState[]> | undefined;
    // Both gauges collect from the same read (a scrape collects them one after the other).
    const current = () => {
      read ??= queueState(db.prisma).finally(() => {
        setImmediate(() => {
          read = undefined;
        });
      });
      return read;
    };
    const collect = (pick: (state: QueueState) => number) => async (gauge: { set: SetGauge }) => {
      try {
        const states = await current();
        for (const status of QUEUE_STATES) {
          const state = states.find((s) => s.status === status) ?? { status, count: 0, oldest: null };
          gauge.set({ status }, pick(state));
        }
      } catch (error) {
        logger.warn({ err: error }, "reading the outbox for /metrics failed");
      }
    };
    this.metrics.gauge(
      "chatbot_delivery_queue_depth",
      "Deliveries not posted, by status",
      ["status"],
      collect((state) => state.count),
    );
    this.metrics.gauge(
      "chatbot_delivery_oldest_age_seconds",
      "Age of the oldest delivery not posted, by status (0 when there is none)",
      ["status"],
      collect((state) => (state.oldest === null ? 0 : Math.max(0, (Date.now() - state.oldest) / 1000))),
    );
  }
}

type SetGauge = (labels: { status: string }, value: number) => void;
