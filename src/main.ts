/** Entry point of `npm start`: configuration, migrations, server, graceful shutdown. */
import { startServer } from "./app";
import { loadConfig, loadDotEnv } from "./config";
import { migrateDatabase } from "./db/migrate";
import { isChatbotError } from "./errors";
import { startFirstRunServer } from "./first-run/first-run-server";
import { createLogger } from "./logger";

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    loadDotEnv();
    config = loadConfig(process.env, { requireSlack: true });
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    // One line per problem, so an operator fixes them all before the next start.
    for (const line of error.message.split("\n")) process.stderr.write(`aws-chatbot: ${line}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    await migrateDatabase(config.database, logger);
    // No Slack credentials at all: the setup page instead of the app (src/first-run/).
    const server = config.firstRun
      ? await startFirstRunServer(config, logger)
      : await startServer(config, logger);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, "shutting down");
      server.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  } catch (error) {
    logger.fatal({ err: error }, isChatbotError(error) ? error.message : "start-up failed");
    process.exit(1);
  }
}

void main();
