/** The delivery side's Prometheus series, in one place so their names and help texts agree. */
import type { Database } from "../db/database";
import type { Metrics } from "../http/metrics";
import type { DeliveryFailure } from "./slack-errors";

export class DeliveryMetrics {
  constructor(private readonly metrics: Metrics) {}

  posted(target: string, kind: "message" | "reply"): void {
    this.metrics.increment("chatbot_delivery_posts_total", "Messages posted, by target and kind", {
      target,
      kind,
    });
  }

  failed(target: string, failure: DeliveryFailure): void {
    this.metrics.increment(
      "chatbot_delivery_failures_total",
      "Failed post attempts, by target and kind of failure",
      {
        target,
        kind: failure.kind,
      },
    );
  }

  deadLettered(target: string): void {
    this.metrics.increment("chatbot_delivery_dead_letters_total", "Deliveries given up on (dead letters)", {
      target,
    });
  }

  held(reason: "channel" | "workspace"): void {
    this.metrics.increment(
      "chatbot_delivery_holds_total",
      "Deliveries held until a channel or workspace is usable",
      {
        reason,
      },
    );
  }

  rateLimited(target: string): void {
    this.metrics.increment(
      "chatbot_delivery_rate_limited_total",
      "429 answers; the workspace pauses for Retry-After",
      {
        target,
      },
    );
  }

  parentUpdateFailed(): void {
    this.metrics.increment(
      "chatbot_delivery_thread_parent_update_failures_total",
      "chat.update of a thread parent failed",
    );
  }

  /** Queue depth per status, read from the outbox at each scrape. */
  exposeQueueDepth(db: Database): void {
    this.metrics.onCollect(async () => {
      const groups = await db.prisma.delivery.groupBy({
        by: ["status"],
        where: { status: { in: ["pending", "held", "dead"] } },
        _count: { _all: true },
      });
      for (const status of ["pending", "held", "dead"]) {
        const count = groups.find((group) => group.status === status)?._count._all ?? 0;
        this.metrics.set("chatbot_delivery_queue_depth", "Deliveries not posted, by status", count, {
          status,
        });
      }
    });
  }
}
