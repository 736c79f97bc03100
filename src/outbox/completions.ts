/**
 * Group commit of what a post leaves behind (the delivery posted, the alarm thread's state):
 * channels finishing at the same moment share one transaction of two statements (bulk-writes.ts)
 * instead of two queries each — what SQLite's single writer needs at hundreds of posts a second.
 * When a batch fails, each record is tried alone (with a few retries), so one bad row never fails
 * its neighbours; a lost "posted" would mean a second post once the lease expires.
 */
import type { Database } from "../db/database";
import { markPostedMany, type PostedRow, saveThreads, type ThreadRowWrite } from "./bulk-writes";

export interface Completion {
  posted: PostedRow;
  thread?: ThreadRowWrite;
}

interface Pending {
  completion: Completion;
  resolve(): void;
  reject(error: unknown): void;
}

/** Tries of a record on its own (a database that is briefly unavailable). */
const ATTEMPTS = 4;

export class CompletionWriter {
  #queue: Pending[] = [];
  #draining = false;

  constructor(
    private readonly db: Database,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves once the record is committed (together with whatever else was waiting). */
  write(completion: Completion): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ completion, resolve, reject });
      if (!this.#draining) {
        this.#draining = true;
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.maxBatch);
      try {
        await this.#commit(batch.map((pending) => pending.completion));
        for (const pending of batch) pending.resolve();
      } catch {
        // One record may be the culprit: the others must not wait for it or fail with it.
        await Promise.all(batch.map((pending) => this.#alone(pending)));
      }
    }
    this.#draining = false;
  }

  #commit(completions: Completion[]): Promise<unknown> {
    const threads = completions.flatMap((completion) =>
      completion.thread === undefined ? [] : [completion.thread],
    );
    const now = new Date();
    const writes = markPostedMany(
      this.db,
      completions.map((completion) => completion.posted),
      now,
    );
    if (threads.length > 0) writes.push(...saveThreads(this.db, threads, now));
    return this.db.prisma.$transaction(writes);
  }

  async #alone(pending: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#commit([pending.completion]);
        pending.resolve();
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) {
          pending.reject(error);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50 * 4 ** attempt));
      }
    }
  }
}
