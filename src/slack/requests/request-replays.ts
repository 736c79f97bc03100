/**
 * Signatures of Slack requests already taken, shared by every replica through the database: the
 * primary key on the signature makes the first INSERT win, on PostgreSQL across replicas and on
 * SQLite across processes sharing the file. Rows expire with their request's 5-minute window and are
 * pruned on the way (at most once a minute per process), so the table stays small.
 */
import type { PrismaClient } from "../../db/database";
import type { Logger } from "../../logger";

const UNIQUE_VIOLATION = "P2002";
const PRUNE_EVERY_MS = 60_000;

/** "first": this request is new and now recorded; "seen": the signature was already taken. */
export type ReplayClaim = "first" | "seen";

/** The store did not answer in time (or failed): the caller decides, the late write is undone. */
export class ReplayStoreUnavailable extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ReplayStoreUnavailable";
  }
}

export interface RequestReplaysOptions {
  /** Longest a Slack request waits for the store (Slack gives us 3 s for everything). Default 1000 ms. */
  timeoutMs?: number;
  now?: () => number;
}

export class RequestReplays {
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private lastPruneMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly logger: Logger,
    options: RequestReplaysOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Records the signature; rejects with ReplayStoreUnavailable after `timeoutMs` or on a store error. */
  async claim(signature: string, expiresAt: Date): Promise<ReplayClaim> {
    this.pruneNowAndThen();
    let gaveUp = false;
    const insert = this.insert(signature, expiresAt).then((claim) => {
      // Written after we answered 503: undo it, or Slack's retry would be taken for a replay.
      if (gaveUp && claim === "first") {
        this.prisma.slackRequestReplay
          .deleteMany({ where: { signature } })
          .then(() =>
            this.logger.info(
              "a Slack request refused while the database was slow is forgotten; its retry will run",
            ),
          )
          .catch((error: unknown) =>
            this.logger.warn(
              { err: error },
              "could not forget a refused Slack request; its retry will be ignored",
            ),
          );
      }
      return claim;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        gaveUp = true;
        reject(new ReplayStoreUnavailable(`no answer from the database within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([insert, timeout]);
    } catch (error) {
      gaveUp = true;
      if (error instanceof ReplayStoreUnavailable) throw error;
      throw new ReplayStoreUnavailable("the database refused the write", { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets a signature, so that Slack's retry of a request we failed to answer is processed. */
  async release(signature: string): Promise<void> {
    try {
      await this.prisma.slackRequestReplay.deleteMany({ where: { signature } });
    } catch (error) {
      this.logger.warn({ err: error }, "could not forget a failed Slack request; its retry will be ignored");
    }
  }

  private async insert(signature: string, expiresAt: Date): Promise<ReplayClaim> {
    try {
      await this.prisma.slackRequestReplay.create({ data: { signature, expiresAt } });
      return "first";
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) return "seen";
      throw error;
    }
  }

  private pruneNowAndThen(): void {
    const now = this.now();
    if (now - this.lastPruneMs < PRUNE_EVERY_MS) return;
    this.lastPruneMs = now;
    this.prisma.slackRequestReplay
      .deleteMany({ where: { expiresAt: { lt: new Date(now) } } })
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, "could not prune expired Slack request signatures"),
      );
  }
}
