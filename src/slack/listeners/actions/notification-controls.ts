/**
 * The controls on every notification (issue 13): Acknowledge and the Mute menu. Thin: which message
 * was clicked comes from Slack's own channel and ts of the action (a value in the payload names
 * nothing), the service decides, and anything refused is told only to the clicker.
 */
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  StaticSelectAction,
} from "@slack/bolt";
import type { ClickedMessage, NotificationActions } from "../../../delivery/notification-actions";
import { isMuteChoice } from "../../../delivery/notification-controls";
import { ChatbotError, ErrorCode, isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { muteSetReply } from "../../blocks/noise-replies";
import { problemReply, type Reply, reply } from "../../blocks/replies";
import { type AccessDeps, peopleOf } from "../access";
import { actorOf } from "./home-actions";

export interface NotificationControlDeps extends AccessDeps {
  command: string;
  notifications: Pick<NotificationActions, "acknowledge" | "mute">;
  logger: Logger;
  /** The clock of the replies' "until …" (the server's). */
  now?: () => Date;
}

type ControlArgs<A extends ButtonAction | StaticSelectAction> = AllMiddlewareArgs &
  SlackActionMiddlewareArgs<BlockAction<A>>;

/** The message clicked, as Slack says; a click outside a channel message is refused. */
export function clickedMessage(body: BlockAction, context: AllMiddlewareArgs["context"]): ClickedMessage {
  const actor = actorOf(body, context);
  const container = body.container as { channel_id?: unknown; message_ts?: unknown } | undefined;
  const channelId =
    body.channel?.id ?? (typeof container?.channel_id === "string" ? container.channel_id : "");
  const ts = body.message?.ts ?? (typeof container?.message_ts === "string" ? container.message_ts : "");
  if (channelId === "" || ts === "" || actor.teamId === "") {
    throw new ChatbotError(
      ErrorCode.InvalidArgument,
      "This button works only on a notification in a channel.",
    );
  }
  return { teamId: actor.teamId, userId: actor.userId, channelId, ts };
}

async function tell(
  deps: NotificationControlDeps,
  respond: ControlArgs<ButtonAction>["respond"],
  reply: Reply,
) {
  try {
    await respond({ ...reply, replace_original: false });
  } catch (error) {
    deps.logger.warn({ err: error }, "could not answer a notification control through response_url");
  }
}

/** Acknowledge: anyone in the channel; the message shows who and when (chat.update), audited. */
export function acknowledgeCallback(deps: NotificationControlDeps) {
  return async function acknowledge({ ack, body, client, context, respond }: ControlArgs<ButtonAction>) {
    await ack();
    try {
      const click = clickedMessage(body, context);
      const message = await deps.notifications.acknowledge(click);
      if (message === null) {
        await tell(deps, respond, reply("You had acknowledged this notification already.", []));
        return;
      }
      await client.chat.update({
        channel: click.channelId,
        ts: click.ts,
        text: message.text,
        blocks: message.blocks,
      });
    } catch (error) {
      if (!isChatbotError(error)) {
        deps.logger.error({ err: error }, "acknowledging a notification failed");
        await tell(
          deps,
          respond,
          problemReply(deps.command, "Acknowledging failed on the AWS Chatbot side."),
        );
        return;
      }
      await tell(deps, respond, problemReply(deps.command, error.message));
    }
  };
}

/** A Mute menu choice: a manager, or a member when the channel allows it (then at most 4 h). */
export function muteCallback(deps: NotificationControlDeps) {
  return async function mute({
    ack,
    body,
    action,
    client,
    context,
    respond,
  }: ControlArgs<StaticSelectAction>) {
    await ack();
    let reply: Reply;
    try {
      const click = clickedMessage(body, context);
      const choice = action.selected_option?.value ?? "";
      if (!isMuteChoice(choice))
        throw new ChatbotError(
          ErrorCode.InvalidArgument,
          "That is not a choice of the Mute menu; nothing was changed.",
        );
      const actor = actorOf(body, context);
      const people = peopleOf(deps, client, actor.teamId);
      const standing = await deps.permissions.standing(actor, people);
      const refusal = async () => {
        const decision = await deps.permissions.check(actor, people, "change");
        return decision.allowed
          ? ""
          : `${decision.refusal} Or ask one to allow members to mute: \`${deps.command} mute permission members\`.`;
      };
      const result = await deps.notifications.mute(click, choice, standing, refusal);
      reply = muteSetReply(deps.command, result, deps.now?.() ?? new Date());
    } catch (error) {
      if (!isChatbotError(error)) {
        deps.logger.error({ err: error }, "muting from a notification failed");
        reply = problemReply(deps.command, "Muting failed on the AWS Chatbot side.");
      } else reply = problemReply(deps.command, error.message);
    }
    await tell(deps, respond, reply);
  };
}
