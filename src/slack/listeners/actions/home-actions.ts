import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import { FILE_MANAGED_REFUSAL, slackMayChange } from "../../../configurations/file-managed";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { channelMention } from "../../blocks/configuration-text";
import { configureChannelModal, modalValuesFromConfiguration } from "../../blocks/configure-modal";
import { escapeText, forUsers } from "../../blocks/text";
import { type AccessDeps, interactionActor, refusalOf } from "../access";
import type { HomePublisher } from "../home-publisher";

export interface HomeActionDeps extends AccessDeps {
  service: ConfigurationService;
  home: HomePublisher;
  logger: Logger;
}

type ButtonArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;

export function actorOf(body: BlockAction, context: AllMiddlewareArgs["context"]) {
  return interactionActor(body, context);
}

/**
 * Every Home button that changes something (or opens a form that would) asks first; a refusal is
 * the notice on top of the user's Home, and nothing else happens. True when refused.
 */
export async function refusedOnHome(
  deps: AccessDeps & { home: HomePublisher },
  { body, client, context }: Pick<ButtonArgs, "body" | "client" | "context">,
): Promise<boolean> {
  const actor = actorOf(body, context);
  let refusal: string | undefined;
  try {
    refusal = await refusalOf(deps, client, actor, "change");
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    refusal = `Could not check that you may do this (${escapeText(forUsers(error.message))}); nothing was changed. Try again.`;
  }
  if (refusal === undefined) return false;
  await deps.home.publish(client, actor, { notice: `:no_entry: ${refusal}` });
  return true;
}

/** "Configure new channel": opens the form. */
export function configureNewCallback(deps: HomeActionDeps) {
  return async function configureNew(args: ButtonArgs): Promise<void> {
    const { ack, body, client } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: configureChannelModal({ roleMode: "none", regions: [{}] }),
      });
    } catch (error) {
      deps.logger.warn({ err: error }, "views.open of the configure modal failed");
    }
  };
}

/** "Edit": the same form, filled with the configuration. */
export function editConfigurationCallback(deps: HomeActionDeps) {
  return async function editConfiguration(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client, context } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    const actor = actorOf(body, context);
    const configuration = await deps.service.findConfiguration(actor, action.value ?? "");
    if (configuration === null) {
      await deps.home.publish(client, actor, {
        notice: ":warning: That configuration no longer exists.",
      });
      return;
    }
    if (!slackMayChange(configuration)) {
      await deps.home.publish(client, actor, {
        notice: `:lock: ${FILE_MANAGED_REFUSAL}`,
      });
      return;
    }
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: configureChannelModal(modalValuesFromConfiguration(configuration)),
      });
    } catch (error) {
      deps.logger.warn({ err: error }, "views.open of the edit modal failed");
    }
  };
}

/** "Send test message": a test notification through the pipeline to that channel only. */
export function testConfigurationCallback(deps: HomeActionDeps) {
  return async function testConfiguration(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client, context } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    const actor = actorOf(body, context);
    let notice: string;
    try {
      const { configuration, queued } = await deps.service.sendTest(actor, action.value ?? "");
      const where = channelMention(configuration.channelId, configuration.channelName);
      notice = queued.held
        ? `:test_tube: The test notification for ${where} waits until someone types \`/invite @AWS\` there.`
        : `:test_tube: A test notification is on its way to ${where}.`;
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      notice = `:warning: ${escapeText(forUsers(error.message))}`;
    }
    await deps.home.publish(client, actor, { notice });
  };
}

/** "Delete configuration" (the button carries a confirmation dialog). */
export function deleteConfigurationCallback(deps: HomeActionDeps) {
  return async function deleteConfiguration(args: ButtonArgs): Promise<void> {
    const { ack, body, action, client, context } = args;
    await ack();
    if (await refusedOnHome(deps, args)) return;
    const actor = actorOf(body, context);
    let notice: string;
    try {
      const { configuration, releaseFailures } = await deps.service.deleteConfiguration(
        actor,
        action.value ?? "",
      );
      notice =
        `:wastebasket: Deleted *${escapeText(configuration.name)}*: ` +
        `${channelMention(configuration.channelId, configuration.channelName)} receives no more notifications.` +
        (releaseFailures.length > 0
          ? ` (${releaseFailures.length} SNS subscription(s) could not be removed; see the log.)`
          : "");
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      notice = `:warning: ${escapeText(forUsers(error.message))}`;
    }
    await deps.home.publish(client, actor, { notice });
  };
}

/** "Previous page" / "Next page" of the configurations. */
export function homePageCallback(deps: HomeActionDeps) {
  return async function homePage({ ack, body, action, client, context }: ButtonArgs): Promise<void> {
    await ack();
    const actor = actorOf(body, context);
    const page = Number.parseInt(action.value ?? "0", 10);
    await deps.home.publish(client, actor, { page: Number.isFinite(page) ? page : 0 });
  };
}
