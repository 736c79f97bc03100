import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { Logger } from "../../../logger";
import { channelConnectedMessage } from "../../blocks/notices";
import { SlackChannelDirectory } from "../slack-lookups";

export interface MemberJoinedDeps {
  command: string;
  service: ConfigurationService;
  logger: Logger;
}

/**
 * `member_joined_channel` for the bot itself (someone typed `/invite @AWS`): the channel's
 * configurations that waited for it become active, the channel hears that it is connected and which
 * topics it receives, then the notifications held meanwhile flow. Other members joining are ignored.
 */
export function memberJoinedChannelCallback(deps: MemberJoinedDeps) {
  return async function memberJoinedChannel({
    event,
    context,
    client,
    body,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<"member_joined_channel">): Promise<void> {
    if (context.botUserId === undefined || event.user !== context.botUserId) return;
    const teamId = event.team ?? context.teamId ?? body.team_id;
    const connected = await deps.service.channelJoined(
      teamId,
      event.channel,
      new SlackChannelDirectory(client),
      async (configuration) => {
        await client.chat.postMessage({
          channel: event.channel,
          ...channelConnectedMessage(configuration, deps.command),
        });
      },
    );
    if (connected.length > 0) {
      deps.logger.info(
        { teamId, channelId: event.channel, configurations: connected.length },
        "channel connected after invite",
      );
    }
  };
}
