/** App Home views, built as pure functions of what they show. */
import type { HomeView, KnownBlock } from "@slack/types";

export interface WelcomeHomeOptions {
  command: string;
}

export function welcomeHomeView({ command }: WelcomeHomeOptions): HomeView {
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: "AWS Chatbot is installed", emoji: true } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          "Deliver Amazon SNS notifications from your AWS accounts (CloudWatch alarms, GuardDuty, " +
          "Security Hub, AWS Health, CodePipeline, Budgets, any EventBridge event) into Slack channels.",
      },
    },
    { type: "divider" },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text:
          `*Get started*\n1. In a channel, type \`${command} help\` to see every command.\n` +
          `2. Type \`${command} subscribe arn:aws:sns:<region>:<account>:<topic>\` to receive a topic there.\n` +
          `3. For a private channel, first type \`/invite @AWS\` in it.`,
      },
    },
  ];
  return { type: "home", blocks };
}
