/**
 * Group commit of what a post leaves behind (delivery posted, thread state): channels finishing at
 * the same moment share one transaction instead of one each, which is what SQLite's single writer
 * needs at hundreds of posts a second. When a batch fails, each write is tried alone (with a few
 * retries), so one bad row never fails its neighbours; a lost "posted" would mean a second post
 * once the lease expires.
 */
import type { Prisma, PrismaClient } from "../db/database";

type Writes = () => Prisma.PrismaPromise<unknown>[];

interface Pending {
  writes: Writes;
  resolve(): void;
  reject(error: unknown): void;
}

/** Tries of a write on its own (a database that is briefly unavailable). */
const ATTEMPTS = 4;

export class CompletionWriter {
  #queue: Pending[] = [];
  #draining = false;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly maxBatch = 200,
  ) {}

  /** Resolves once the writes are committed (together with whatever else was waiting). */
  write(writes: Writes): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ writes, resolve, reject });
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
        await this.prisma.$transaction(batch.flatMap((pending) => pending.writes()));
        for (const pending of batch) pending.resolve();
      } catch {
        // One write may be the culprit: the others must not wait for it or fail with it.
        await Promise.all(batch.map((pending) => this.#alone(pending)));
      }
    }
    this.#draining = false;
  }

  async #alone(pending: Pending): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.prisma.$transaction(pending.writes());
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
