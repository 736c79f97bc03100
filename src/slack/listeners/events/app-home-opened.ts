import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { welcomeHomeView } from "../../blocks/home";

export function appHomeOpenedCallback(command: string) {
  return async function appHomeOpened({
    event,
    client,
    logger,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<"app_home_opened">): Promise<void> {
    if (event.tab !== "home") return;
    try {
      await client.views.publish({ user_id: event.user, view: welcomeHomeView({ command }) });
    } catch (error) {
      logger.error("views.publish failed for App Home", error);
    }
  };
}
