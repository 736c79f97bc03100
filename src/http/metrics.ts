/**
 * The Prometheus registry of one server (prom-client): every series is created up front by the module
 * that owns it (sns/sns-metrics.ts, delivery/delivery-metrics.ts), so a scrape shows it at zero
 * before it first moves; process and Node.js metrics (CPU, RSS, heap, event-loop lag, GC) come
 * from prom-client's defaults. One registry per server, not prom-client's global one, so servers
 * started side by side (tests, benchmarks) never share or clash over a series.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface MetricsOptions {
  /** prom-client's process and Node.js metrics. Default true. */
  processMetrics?: boolean;
}

export class Metrics {
  readonly #registry = new Registry();

  constructor(options: MetricsOptions = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.#registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.#registry] });
  }

  /** `collect` runs at each scrape, to read a value kept elsewhere (the outbox's depth). */
  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    collect?: (gauge: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.#registry],
      ...(collect === undefined
        ? {}
        : {
            collect(this: Gauge<L>) {
              return collect(this);
            },
          }),
    });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.#registry] });
  }

  /** The Content-Type of render()'s text. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Prometheus text exposition of every series (runs the gauges' collectors first). */
  render(): Promise<string> {
    return this.#registry.metrics();
  }
}
