import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ChannelConfigurationView } from "../../../src/configurations/configuration-queries";
import { createLogger } from "../../../src/logger";
import { channelUnarchivedCallback } from "../../../src/slack/listeners/events/channel-unarchived";
import {
  channelUnarchiveEvent,
  eventCallback,
  groupUnarchiveEvent,
  SLACK_IDS,
} from "../../support/slack-payloads";

type Args = AllMiddlewareArgs & SlackEventMiddlewareArgs<"channel_unarchive">;

describe("channelUnarchivedCallback", () => {
  it.each([
    ["channel_unarchive", channelUnarchiveEvent({ channel: "C0PUBLIC01" })],
    ["group_unarchive", groupUnarchiveEvent({ channel: "C0PUBLIC01" })],
  ])(
    "asks the service to revive the channel's configurations (%s), in the event's workspace",
    async (_name, event) => {
      const asked: Array<[string, string]> = [];
      const callback = channelUnarchivedCallback({
        service: {
          channelUnarchived: async (teamId, channelId) => {
            asked.push([teamId, channelId]);
            return [] as ChannelConfigurationView[];
          },
        },
        logger: createLogger({ level: "silent" }),
      });
      await callback({
        event,
        context: { teamId: SLACK_IDS.otherTeamId },
        body: eventCallback(event),
      } as unknown as Args);
      expect(asked).toEqual([[SLACK_IDS.otherTeamId, "C0PUBLIC01"]]);
    },
  );
});
