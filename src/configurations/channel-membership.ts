/**
 * A configuration enters or leaves a channel only through a manager who is in that channel (issue
 * 11). A slash command typed in the channel proves it; App Home's form asks Slack
 * (conversations.members through the ChannelDirectory), and where the bot cannot see who is in the
 * channel it sends the person to the slash command instead.
 */
import { isChatbotError } from "../errors";
import { type ChannelDirectory, INVITE_COMMAND } from "./channel-directory";

/** Why `userId` may not put a configuration in (or take one out of) the channel, or undefined. */
export async function membershipProblem(
  channels: ChannelDirectory,
  channel: { id: string; label: string },
  userId: string,
  command: string,
  moving?: "from" | "to",
): Promise<string | undefined> {
  let membership: Awaited<ReturnType<ChannelDirectory["membership"]>>;
  try {
    membership = await channels.membership(channel.id, userId);
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    return `Could not check who is in ${channel.label} (${error.message}); try again.`;
  }
  const both = moving === undefined ? "" : " Moving a configuration needs you in both channels.";
  if (membership === "member") return undefined;
  if (membership === "not_member") {
    return `You are not a member of ${channel.label}: join it first, or ask a manager who is.${both}`;
  }
  return (
    `AWS Chatbot cannot see who is in ${channel.label}: run \`${command} subscribe arn:aws:sns:…\` in that channel ` +
    `instead (in a private channel, type \`${INVITE_COMMAND}\` there first).${both}`
  );
}
