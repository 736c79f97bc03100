import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/logger";

/** A pino logger writing JSON lines into memory, to assert what was (and was not) logged. */
export function capturingLogger(level = "debug"): {
  logger: Logger;
  lines: () => string[];
  text: () => string;
} {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level, destination });
  const text = () => chunks.join("");
  return { logger, text, lines: () => text().split("\n").filter(Boolean) };
}
