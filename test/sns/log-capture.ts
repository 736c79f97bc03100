import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger";

/** A real pino logger at debug level whose lines are kept in memory for assertions. */
export function captureLogs(): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  return { logger, lines, text: () => lines.join("") };
}
