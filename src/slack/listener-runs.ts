/**
 * Slack listener work still running after its ack. Bolt answers Slack at `ack()` and the listener
 * goes on (saving a form, SNS calls, views.update, App Home), so an HTTP server that has closed can
 * still have listeners using the database. Shutdown waits for them before disconnecting it.
 */
import type { App } from "@slack/bolt";

export class ListenerRuns {
  readonly #running = new Set<Promise<void>>();

  /** Listener runs in progress. */
  get count(): number {
    return this.#running.size;
  }

  /** Global Bolt middleware: `next()` resolves once every listener of the event has finished. */
  track(bolt: App): void {
    bolt.use(async ({ next }) => {
      const run = next();
      this.#running.add(run);
      try {
        await run;
      } finally {
        this.#running.delete(run);
      }
    });
  }

  /**
   * Resolves when no listener runs, or after `timeoutMs` (a listener stuck on a call that never
   * answers must not hold shutdown). True when every run ended.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      while (this.#running.size > 0) {
        const settled = Promise.allSettled([...this.#running]).then(() => true as const);
        if (!(await Promise.race([settled, deadline]))) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
