/**
 * `chatbot export [--team TEAM_ID] [--output FILE]` and `chatbot schema`: the deployment's
 * configuration as a file (src/config-as-code/), and the JSON Schema of such files.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { readDeploymentState } from "../config-as-code/deployment-state";
import { exportedSettings, renderConfigFile } from "../config-as-code/export-file";
import { configFileJsonSchema } from "../config-as-code/file-schema";
import { withCliContext } from "./configurations";
import { type CliIo, EXIT_OK, EXIT_USAGE } from "./io";

const EXPORT_USAGE = `usage: chatbot export [--team TEAM_ID] [--output FILE]

Writes this deployment's configuration (managers, linked AWS accounts, channel configurations,
webhook rooms, settings that are not secrets) as a YAML configuration file, to FILE or stdout.
Webhook URLs are written as references to environment variables (url_from_env), never in clear.
`;

export async function runExport(args: string[], io: CliIo): Promise<number> {
  let values: { team?: string; output?: string };
  try {
    const parsed = parseArgs({
      args,
      options: { team: { type: "string" }, output: { type: "string" } },
      allowPositionals: false,
      strict: true,
    });
    values = parsed.values;
  } catch (error) {
    io.stderr.write(`chatbot export: ${(error as Error).message}\n\n${EXPORT_USAGE}`);
    return EXIT_USAGE;
  }
  if (values.team !== undefined && !/^([TE][A-Z0-9]{2,31}|cli)$/.test(values.team)) {
    io.stderr.write(`chatbot export: --team is a Slack workspace id (T…, E…) or cli\n\n${EXPORT_USAGE}`);
    return EXIT_USAGE;
  }
  return withCliContext("export", io, async ({ config, db, secrets }) => {
    const states = await readDeploymentState(
      db.prisma,
      secrets,
      values.team === undefined ? undefined : [values.team],
    );
    const text = renderConfigFile(states, exportedSettings(config));
    if (values.output === undefined) io.stdout.write(text);
    else {
      fs.writeFileSync(values.output, text, { mode: 0o644 });
      io.stderr.write(`wrote ${states.length} workspace(s) to ${values.output}\n`);
    }
    return EXIT_OK;
  });
}

export async function runSchema(args: string[], io: CliIo): Promise<number> {
  if (args.length > 0) {
    io.stderr.write("chatbot schema: takes no arguments\nusage: chatbot schema\n");
    return EXIT_USAGE;
  }
  io.stdout.write(`${JSON.stringify(configFileJsonSchema(), null, 2)}\n`);
  return EXIT_OK;
}
