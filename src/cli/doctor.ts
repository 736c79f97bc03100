/**
 * `chatbot doctor`: checks a deployment end to end and prints one ✔/✘ line per check, each failure
 * with what to do. Exit 0 only when every check passes. Reads the environment as the server does,
 * changes nothing (no migration, no key file, no token refresh).
 */
import { type Config, loadConfig } from "../config";
import { type Database, openDatabase } from "../db/database";
import { existingEncryptionKey } from "../db/encryption-key";
import { SecretBox } from "../db/secret-box";
import { isChatbotError } from "../errors";
import { checkAwsCredentials, checkDatabase, checkPublicUrl, checkTopics } from "./doctor-checks";
import { type CheckResult, failed, formatCheck, passed } from "./doctor-result";
import { checkSlack } from "./doctor-slack";
import { type CliIo, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io";

function modeOf(config: Config): string {
  if (config.slack.appToken) return "Socket Mode, one workspace";
  return config.slack.botToken ? "one workspace (SLACK_BOT_TOKEN)" : "OAuth, any number of workspaces";
}

export async function runDoctor(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write(`chatbot doctor takes no arguments (got "${args.join(" ")}")\n`);
    return EXIT_USAGE;
  }
  let allPassed = true;
  const report = (results: CheckResult[]) => {
    for (const result of results) {
      allPassed &&= result.ok;
      io.stdout.write(`${formatCheck(result)}\n`);
    }
  };

  let config: Config;
  try {
    config = loadConfig(process.env, { requireSlack: true });
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    report(
      error.message
        .split("\n")
        .map((line) =>
          failed(`configuration: ${line}`, "set it in the environment or in .env (see .env.example)"),
        ),
    );
    io.stdout.write("the other checks need a configuration that parses\n");
    return EXIT_FAILURE;
  }
  report([passed(`configuration parses: ${modeOf(config)}, ${config.database.kind}`)]);

  const database = await checkDatabase(config.database);
  report([database.result]);
  let db: Database | undefined;
  let secrets: SecretBox | undefined;
  try {
    if (database.usable) {
      db = await openDatabase(config.database);
      const key = existingEncryptionKey(config);
      secrets = key === undefined ? undefined : new SecretBox(key, config.previousEncryptionKeys);
    }
    report(await checkSlack(config, db === undefined ? undefined : { prisma: db.prisma, secrets }));
    report([await checkAwsCredentials(config)]);
    report([await checkPublicUrl(config.publicUrl)]);
    if (db !== undefined) report(await checkTopics(db.prisma, config.publicUrl));
  } finally {
    await db?.close();
  }
  return allPassed ? EXIT_OK : EXIT_FAILURE;
}
