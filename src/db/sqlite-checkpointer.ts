/**
 * WAL checkpoints off the event loop. SQLite copies the write-ahead log back into the database file
 * (and fsyncs both) inside whichever commit crosses `wal_autocheckpoint` pages: on our one connection
 * that stalls every request in flight, a third of SQLite's time under load. A worker thread with its
 * own connection runs a PASSIVE checkpoint every few hundred milliseconds instead; PASSIVE never
 * waits for or blocks the writer. The main connection's own threshold is raised, not removed, so a
 * checkpointer that falls behind (or dies) cannot let the log grow without bound.
 */
import { Worker } from "node:worker_threads";
import type { Logger } from "../logger";
import type { SqliteConnection } from "./sqlite-writer";

/** Pages (4 KiB) the log may reach before the writer checkpoints itself: the fallback. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

/** Plain JavaScript (the worker runs it as is, from `dist` or from sources under tsx and jest). */
const CHECKPOINTER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma("busy_timeout = 0");
const timer = setInterval(() => {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    parentPort.postMessage({ checkpointed: Number(result.checkpointed) });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
}, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface SqliteCheckpointerOptions {
  file: string;
  /** The connection whose own checkpoints move to the worker. */
  connection: SqliteConnection;
  logger: Logger;
  /** Default 250 ms. */
  intervalMs?: number;
}

export class SqliteCheckpointer {
  #framesCheckpointed = 0;
  #failures = 0;
  readonly #worker: Worker;
  readonly #exited: Promise<void>;

  constructor(options: SqliteCheckpointerOptions) {
    const logger = options.logger.child({ component: "sqlite-checkpointer" });
    options.connection.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    this.#worker = new Worker(CHECKPOINTER_SOURCE, {
      eval: true,
      workerData: {
        driver: require.resolve("better-sqlite3"),
        file: options.file,
        intervalMs: options.intervalMs ?? 250,
      },
    });
    // The server's lifetime is the connection's, not this thread's: it never keeps the process up.
    this.#worker.unref();
    this.#worker.on("message", (message: { checkpointed?: number; error?: string }) => {
      if (message.error !== undefined) {
        // Logged once per streak: a locked or busy file fails every tick until it is free again.
        if (this.#failures++ === 0) logger.warn({ reason: message.error }, "WAL checkpoint failed");
        return;
      }
      this.#failures = 0;
      this.#framesCheckpointed = Math.max(this.#framesCheckpointed, message.checkpointed ?? 0);
    });
    this.#exited = new Promise<void>((resolve) => {
      this.#worker.once("exit", () => resolve());
      this.#worker.once("error", (error) => {
        logger.error({ err: error }, "the WAL checkpointer stopped; the writer checkpoints itself");
        if (options.connection.open) options.connection.pragma("wal_autocheckpoint = 1000");
      });
    });
  }

  /** Most WAL frames one checkpoint has copied back so far (for tests and diagnostics). */
  get framesCheckpointed(): number {
    return this.#framesCheckpointed;
  }

  async stop(): Promise<void> {
    this.#worker.postMessage("stop");
    await this.#exited;
  }
}
