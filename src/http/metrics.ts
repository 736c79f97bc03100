/** A small Prometheus text-format registry: counters and gauges with labels, no dependencies. */
type Labels = Record<string, string>;

interface Series {
  help: string;
  type: "counter" | "gauge";
  values: Map<string, { labels: Labels; value: number }>;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key].replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

export class Metrics {
  readonly #series = new Map<string, Series>();
  readonly #collectors: (() => void | Promise<void>)[] = [];

  #get(name: string, help: string, type: Series["type"]): Series {
    let series = this.#series.get(name);
    if (!series) {
      series = { help, type, values: new Map() };
      this.#series.set(name, series);
    }
    return series;
  }

  increment(name: string, help: string, labels: Labels = {}, by = 1): void {
    const series = this.#get(name, help, "counter");
    const key = labelKey(labels);
    const entry = series.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    series.values.set(key, entry);
  }

  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.#get(name, help, "gauge").values.set(labelKey(labels), { labels, value });
  }

  /** Runs before each scrape, to refresh gauges read from elsewhere (queue depth, RSS). */
  onCollect(collector: () => void | Promise<void>): void {
    this.#collectors.push(collector);
  }

  async render(): Promise<string> {
    for (const collect of this.#collectors) await collect();
    const lines: string[] = [];
    for (const [name, series] of this.#series) {
      lines.push(`# HELP ${name} ${series.help}`, `# TYPE ${name} ${series.type}`);
      for (const { labels, value } of series.values.values()) {
        const key = labelKey(labels);
        lines.push(`${name}${key ? `{${key}}` : ""} ${value}`);
      }
    }
    return `${lines.join("\n")}\n`;
  }
}
