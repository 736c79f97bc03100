import type {
  AllMiddlewareArgs,
  BlockAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from "@slack/bolt";
import type { DeliveryControl } from "../../../delivery/delivery-control";
import type { Logger } from "../../../logger";

export interface DigestExpandDeps {
  delivery: Pick<DeliveryControl, "expandDigestLine">;
  logger: Logger;
}

type SelectArgs = AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>>;

/**
 * "Show one in full" under a storm digest: the chosen line's notification is posted in full in the
 * digest's thread, for everyone in the channel (they all see the digest). The delivery side checks
 * that the value is a line of that digest in that channel; anything else is ignored.
 */
export function expandDigestLineCallback(deps: DigestExpandDeps) {
  return async ({ ack, body, action, context }: SelectArgs): Promise<void> => {
    await ack();
    const deliveryId = action.selected_option?.value;
    const channelId = body.channel?.id;
    const digestTs = body.message?.ts ?? body.container?.message_ts;
    const teamId = body.team?.id ?? context.teamId;
    if (deliveryId === undefined || channelId === undefined || digestTs === undefined || teamId === undefined)
      return;
    try {
      const shown = await deps.delivery.expandDigestLine({ teamId, channelId, digestTs, deliveryId });
      if (!shown) deps.logger.warn({ teamId, channelId, digestTs }, "digest line not found; nothing shown");
    } catch (error) {
      deps.logger.warn({ err: error, teamId, channelId }, "showing a digest line failed");
    }
  };
}
