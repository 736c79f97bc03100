import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { deleteReply } from "../../blocks/command-replies";
import { problemReply, type Reply } from "../../blocks/replies";
import { type AccessDeps, peopleOf } from "../access";
import { actorOf } from "./home-actions";

export interface DeleteConfirmDeps extends AccessDeps {
  command: string;
  service: ConfigurationService;
  logger: Logger;
}

/**
 * "Delete configuration" on `/aws delete`'s reply (behind Slack's confirm dialog): deletes the
 * configuration the button names, after asking again whether the clicker is a manager (the button
 * may be clicked by someone else, or forged), and replaces the reply with the outcome.
 */
export function confirmDeleteCallback(deps: DeleteConfirmDeps) {
  return async function confirmDelete({
    ack,
    body,
    action,
    client,
    context,
    respond,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> {
    await ack();
    const actor = actorOf(body, context);
    let reply: Reply;
    try {
      await deps.permissions.require(actor, peopleOf(deps, client, actor.teamId), "change");
      reply = deleteReply(await deps.service.deleteConfiguration(actor, action.value ?? ""));
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      reply = problemReply(deps.command, error.message);
    }
    try {
      await respond({ ...reply, replace_original: true });
    } catch (error) {
      deps.logger.warn({ err: error }, "could not answer the delete confirmation through response_url");
    }
  };
}
