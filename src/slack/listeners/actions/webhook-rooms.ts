/**
 * App Home's "Webhook rooms" buttons: "Add webhook" opens the form; "Remove" (behind a confirm
 * dialog) deletes the webhook configuration and releases the topics nothing else wants. Managers
 * only, checked for every click; only the workspace's own webhooks are found.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { ErrorCode, isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { removeWebhookConfiguration, type WebhookConfigurationDeps } from "../../../webhooks";
import { escapeText, forUsers } from "../../blocks/text";
import { addWebhookModal } from "../../blocks/webhook-rooms";
import type { AccessDeps } from "../access";
import type { HomePublisher } from "../home-publisher";
import { actorOf, refusedOnHome } from "./home-actions";

export interface WebhookRoomDeps extends AccessDeps {
  webhooks: WebhookConfigurationDeps;
  home: HomePublisher;
  logger: Logger;
}

type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

/** "Add webhook": opens the form. */
export function addWebhookCallback(deps: WebhookRoomDeps) {
  return async function addWebhook(args: ButtonArgs): Promise<void> {
    const { ack, body, client } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: addWebhookModal() });
    } catch (error) {
      deps.logger.warn({ err: error }, "views.open of the add webhook modal failed");
    }
  };
}

/** "Remove" on a webhook room. */
export function removeWebhookCallback(deps: WebhookRoomDeps) {
  return async function removeWebhook(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client, context } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    const actor = actorOf(body, context);
    let notice: string;
    try {
      const removed = await removeWebhookConfiguration(deps.webhooks, action.value ?? "", actor);
      const failures = removed.topics.filter((topic) => topic.error !== undefined).length;
      notice =
        `:wastebasket: Removed webhook *${escapeText(removed.description)}*: it receives no more notifications.` +
        (failures > 0 ? ` (${failures} SNS subscription(s) could not be removed; see the log.)` : "");
      if (failures > 0) {
        deps.logger.warn(
          {
            configurationId: removed.id,
            topics: removed.topics.filter((topic) => topic.error !== undefined),
          },
          "SNS subscriptions of a removed webhook could not be released",
        );
      }
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      // NotFound after a double click or another user's removal; its message names the CLI.
      notice =
        error.code === ErrorCode.NotFound
          ? ":warning: That webhook no longer exists."
          : `:warning: ${escapeText(forUsers(error.message))}`;
    }
    await deps.home.publish(client, actor, { notice });
  };
}
