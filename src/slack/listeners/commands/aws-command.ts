import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { parseAwsCommand } from "../../../configurations/command-grammar";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { ManagerChanges } from "../../../configurations/manager-changes";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { failureReply, helpReply, problemReply, type Reply } from "../../blocks/replies";
import { type AccessDeps, peopleOf } from "../access";
import { SlackChannelDirectory } from "../slack-lookups";
import { runSubcommand } from "./aws-subcommands";
import type { NoiseServices } from "./noise-subcommands";

export interface AwsCommandDeps extends AccessDeps {
  command: string;
  service: ConfigurationService;
  managers: ManagerChanges;
  noise: NoiseServices;
  logger: Logger;
}

/** Names Slack sends instead of a channel's real name (private channels the app is not in, DMs). */
const PLACEHOLDER_CHANNEL_NAMES = new Set(["privategroup", "directmessage"]);

function channelNameHint(name: string): string | undefined {
  if (name === "" || PLACEHOLDER_CHANNEL_NAMES.has(name) || name.startsWith("mpdm-")) return undefined;
  return name;
}

/**
 * The `/aws` slash command. Acks at once (Slack allows 3 s; SNS Subscribe may take longer), then
 * parses, runs one service call and answers through response_url; every reply is ephemeral.
 */
export function awsCommandCallback(deps: AwsCommandDeps) {
  return async function awsCommand({
    command,
    ack,
    respond,
    client,
  }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> {
    await ack();
    const parsed = parseAwsCommand(command.text);
    let reply: Reply;
    if (!parsed.ok) {
      reply = parsed.unknown
        ? helpReply(command.command, parsed.problem)
        : problemReply(command.command, parsed.problem, parsed.usage);
    } else {
      const actor = { teamId: command.team_id, enterpriseId: command.enterprise_id, userId: command.user_id };
      try {
        reply = await runSubcommand(parsed.command, {
          command: command.command,
          actor,
          channel: { id: command.channel_id, nameHint: channelNameHint(command.channel_name) },
          channels: new SlackChannelDirectory(client),
          people: peopleOf(deps, client, actor.teamId),
          permissions: deps.permissions,
          service: deps.service,
          managers: deps.managers,
          noise: deps.noise,
        });
      } catch (error) {
        if (isChatbotError(error)) reply = problemReply(command.command, error.message);
        else {
          deps.logger.error({ err: error, subcommand: parsed.command.kind }, "slash command failed");
          reply = failureReply(command.command, `\`${parsed.command.kind}\``);
        }
      }
    }
    try {
      await respond(reply);
    } catch (error) {
      deps.logger.warn({ err: error }, "could not answer a slash command through response_url");
    }
  };
}
