import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";

/**
 * The "Open in the AWS console" link button on rendered notifications: the browser follows its URL;
 * Slack still sends the click, which is acknowledged so Bolt does not report an unhandled action.
 */
export async function openAwsConsoleCallback({
  ack,
}: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> {
  await ack();
}
