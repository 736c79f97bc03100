import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { helpReply } from "../../blocks/replies";

/** The `/aws` slash command. Acks at once; the reply is ephemeral. */
export function awsCommandCallback() {
  return async function awsCommand({
    command,
    ack,
    respond,
  }: AllMiddlewareArgs & SlackCommandMiddlewareArgs): Promise<void> {
    await ack();
    const [subcommand = "help"] = command.text.trim().split(/\s+/).filter(Boolean);
    if (subcommand === "help") {
      await respond(helpReply(command.command));
      return;
    }
    await respond(helpReply(command.command, `\`${subcommand}\` is not a command I know.`));
  };
}
