import { loadConfig } from "../config";
import { migrateDatabase } from "../db/migrate";
import { isChatbotError } from "../errors";
import { createLogger } from "../logger";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

/** `chatbot migrate`: applies pending migrations to DATABASE_URL and says what ran. */
export async function runMigrate(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(`chatbot migrate takes no arguments (got "${args.join(" ")}")\n`);
    return EXIT_USAGE;
  }
  try {
    const config = loadConfig();
    const result = await migrateDatabase(config.database, createLogger({ level: "silent" }));
    io.stdout.write(
      result.applied.length === 0
        ? `database ${config.database.kind} is up to date (${result.alreadyApplied.length} migrations)\n`
        : `applied ${result.applied.length} migration(s) to ${config.database.kind}: ${result.applied.join(", ")}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    io.stderr.write(`chatbot migrate: ${error.message}\n`);
    return EXIT_FAILURE;
  }
}
