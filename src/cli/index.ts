/** `npx chatbot <command>`: the operator CLI. Each command reads the same environment as the server. */

import { runAccounts } from "./accounts";
import { runApply } from "./config-apply";
import { runExport, runSchema } from "./config-export";
import { runConfigurations } from "./configurations";
import { runDeadLetters } from "./dead-letters";
import { runDoctor } from "./doctor";
import { type CliCommand, type CliIo, EXIT_OK, EXIT_USAGE } from "./io";
import { runMigrate } from "./migrate";
import { runReencrypt } from "./reencrypt";
import { runRender } from "./render";
import { runWebhooks } from "./webhooks";

const COMMANDS: Record<string, { run: CliCommand; usage: string }> = {
  render: {
    run: runRender,
    usage: "render FILE|-            print what an SNS message would post, without posting",
  },
  migrate: { run: runMigrate, usage: "migrate                  apply pending database migrations" },
  webhooks: {
    run: runWebhooks,
    usage: "webhooks add|list|remove incoming-webhook rooms: Amazon Chime, Teams, Slack, Mattermost",
  },
  configurations: {
    run: runConfigurations,
    usage: "configurations list      every configuration: channel or webhook, topics, role, state",
  },
  accounts: {
    run: runAccounts,
    usage: "accounts link|unlink|list AWS accounts whose topics a workspace may subscribe (TOPIC_ACCESS)",
  },
  export: {
    run: runExport,
    usage: "export [--team T] [--output FILE]  the configuration as a YAML file (configuration as code)",
  },
  apply: {
    run: runApply,
    usage: "apply FILE [--dry-run] [--prune]   plan and apply a configuration file",
  },
  schema: { run: runSchema, usage: "schema                   the JSON Schema of configuration files" },
  "dead-letters": {
    run: runDeadLetters,
    usage: "dead-letters list|replay [--configuration ID]  deliveries given up on",
  },
  reencrypt: {
    run: runReencrypt,
    usage: "reencrypt [--dry-run]     re-seal stored secrets under ENCRYPTION_KEY after a key rotation",
  },
  doctor: {
    run: runDoctor,
    usage: "doctor                   checks configuration, database, Slack, AWS, PUBLIC_URL, topics",
  },
};

function usage(): string {
  const lines = Object.values(COMMANDS).map((command) => `  chatbot ${command.usage}`);
  return `usage:\n${lines.join("\n")}\n`;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr.write(`chatbot: unknown command "${name}"\n${usage()}`);
    return EXIT_USAGE;
  }
  return command.run(args, io);
}
