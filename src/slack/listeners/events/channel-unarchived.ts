import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { Logger } from "../../../logger";

export interface ChannelUnarchivedDeps {
  service: Pick<ConfigurationService, "channelUnarchived">;
  logger: Logger;
}

type UnarchiveArgs =
  | (AllMiddlewareArgs & SlackEventMiddlewareArgs<"channel_unarchive">)
  | (AllMiddlewareArgs & SlackEventMiddlewareArgs<"group_unarchive">);

/**
 * `channel_unarchive` (public) and `group_unarchive` (private): a channel that was archived is back.
 * Its configurations, disabled when a post met `is_archived`, become active, and the notifications
 * SNS sent meanwhile (stored, held) are released in order.
 */
export function channelUnarchivedCallback(deps: ChannelUnarchivedDeps) {
  return async function channelUnarchived({ event, context, body }: UnarchiveArgs): Promise<void> {
    const teamId = context.teamId ?? body.team_id;
    const revived = await deps.service.channelUnarchived(teamId, event.channel);
    if (revived.length > 0) {
      deps.logger.info(
        { teamId, channelId: event.channel, configurations: revived.length },
        "channel unarchived; its held notifications are released",
      );
    }
  };
}
