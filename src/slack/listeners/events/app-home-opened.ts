import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { HomePublisher } from "../home-publisher";

/** App Home opened: the workspace's configured channels, buttons and recent changes. */
export function appHomeOpenedCallback(home: HomePublisher) {
  return async function appHomeOpened({
    event,
    client,
    context,
    body,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<"app_home_opened">): Promise<void> {
    if (event.tab !== "home") return;
    const teamId = context.teamId ?? body.team_id;
    const enterpriseId = context.enterpriseId ?? body.enterprise_id;
    await home.publish(client, {
      teamId,
      ...(enterpriseId === undefined ? {} : { enterpriseId }),
      userId: event.user,
    });
  };
}
