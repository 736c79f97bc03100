/** Ephemeral replies to `/aws subscribe|unsubscribe|list|status|test|role|delete`. */
import type { KnownBlock } from "@slack/types";
import type { NoiseLines } from "../../configurations/channel-mentions";
import type { ChannelConfigurationView } from "../../configurations/configuration-queries";
import type {
  DeleteResult,
  EnsuredConfiguration,
  SubscribeResult,
  UnsubscribeResult,
} from "../../configurations/configuration-service";
import { ownershipNote } from "../../configurations/file-managed";
import type { QueuedTestNotification } from "../../configurations/test-notification";
import type { ReleaseFailure } from "../../configurations/topic-changes";
import type { DeliveryStatus } from "../../delivery/delivery-control";
import {
  channelMention,
  filtersText,
  inviteInstructions,
  roleText,
  stateText,
  topicLine,
} from "./configuration-text";
import { type Reply, reply } from "./replies";
import {
  button,
  context,
  dangerConfirm,
  escapeText,
  forUsers,
  linesToSections,
  MESSAGE_BLOCKS_MAX,
  section,
  slackDate,
  truncate,
} from "./text";

function title(configuration: ChannelConfigurationView): string {
  return `*${escapeText(configuration.name)}* → ${channelMention(configuration.channelId, configuration.channelName)}`;
}

function connectionBlocks(ensured: EnsuredConfiguration): KnownBlock[] {
  const { configuration } = ensured;
  const blocks: KnownBlock[] = [];
  if (ensured.created) {
    blocks.push(context(`Created the configuration *${escapeText(configuration.name)}* for this channel.`));
  }
  if (ensured.activated)
    blocks.push(context(":link: I am in the channel now: held notifications are on their way."));
  if (configuration.state === "awaiting_invite")
    blocks.push(section(inviteInstructions(configuration.channelId)));
  return blocks;
}

function releaseFailureLines(failures: readonly ReleaseFailure[]): string[] {
  return failures.map(
    (f) =>
      `:warning: \`${escapeText(f.topicArn)}\`: the SNS subscription could not be removed (${escapeText(forUsers(f.reason))}); it is no longer delivered here.`,
  );
}

function limit(blocks: KnownBlock[]): KnownBlock[] {
  return blocks.slice(0, MESSAGE_BLOCKS_MAX);
}

export function subscribeReply(command: string, result: SubscribeResult): Reply {
  const pending = result.topics.some((t) => t.status === "pending");
  const failed = result.topics.filter((t) => t.status === "failed").length;
  const text =
    failed > 0
      ? `${failed} of ${result.topics.length} topic(s) could not be subscribed.`
      : `Subscribed this channel to ${result.topics.length} topic(s).`;
  const lines = result.topics.map((t) => `${topicLine(t)}${t.alreadyConfigured ? " _(already here)_" : ""}`);
  const blocks: KnownBlock[] = [
    section(`${title(result.configuration)}\n${escapeText(text)}`),
    ...linesToSections(lines, 10),
    ...connectionBlocks(result),
  ];
  if (pending) {
    blocks.push(
      context(`SNS confirms new subscriptions within a minute; \`${command} list\` shows their state.`),
    );
  }
  if (failed > 0) {
    blocks.push(context(`Fix the cause, then type \`${command} subscribe\` with the same ARN to try again.`));
  }
  return reply(text, limit(blocks));
}

export function unsubscribeReply(command: string, result: UnsubscribeResult): Reply {
  const text =
    result.removed.length > 0
      ? `Unsubscribed this channel from ${result.removed.length} topic(s).`
      : "This channel was not subscribed to any of those topics.";
  const lines = [
    ...result.removed.map((arn) => `• \`${escapeText(arn)}\` — removed`),
    ...result.notConfigured.map((arn) => `• \`${escapeText(arn)}\` — was not subscribed here`),
    ...releaseFailureLines(result.releaseFailures),
  ];
  const blocks: KnownBlock[] = [
    section(`${title(result.configuration)}\n${escapeText(text)}`),
    ...linesToSections(lines, 10),
  ];
  if (result.notConfigured.length > 0)
    blocks.push(context(`\`${command} list\` shows this channel's topics.`));
  return reply(text, limit(blocks));
}

/** Topics held from this workspace under TOPIC_ACCESS=linked: their accounts and how to link one. */
export interface HeldTopicsNote {
  accounts: readonly string[];
  howToLink: readonly string[];
}

function heldLine(topic: ChannelConfigurationView["topics"][number], held?: HeldTopicsNote): string {
  const account = topic.topicArn.split(":")[4] ?? "";
  if (held === undefined || !held.accounts.includes(account)) return topicLine(topic);
  return `${topicLine(topic)} · :no_entry: held: AWS account ${escapeText(account)} is not linked to this workspace`;
}

function heldBlocks(held: HeldTopicsNote | undefined): KnownBlock[] {
  if (held === undefined || held.accounts.length === 0) return [];
  const which =
    held.accounts.length === 1 ? `account ${held.accounts[0]}` : `accounts ${held.accounts.join(", ")}`;
  return [
    section(
      `:no_entry: *Nothing reaches this channel from topics of AWS ${escapeText(which)}*: ` +
        "a workspace receives only topics of AWS accounts linked to it. Link it either way:\n" +
        held.howToLink.join("\n"),
    ),
  ];
}

export function listReply(
  command: string,
  configuration: ChannelConfigurationView,
  held?: HeldTopicsNote,
  noise?: NoiseLines,
): Reply {
  const blocks: KnownBlock[] = [
    section(`${title(configuration)}\n${stateText(configuration.state, configuration.stateReason)}`),
  ];
  if (configuration.state === "awaiting_invite")
    blocks.push(section(inviteInstructions(configuration.channelId)));
  const ownership = ownershipNote(configuration);
  if (ownership !== undefined) blocks.push(context(`:lock: This channel is ${ownership}.`));
  blocks.push({
    type: "section",
    fields: [
      { type: "mrkdwn", text: `*IAM role*\n${roleText(configuration.iamRoleArn)}` },
      { type: "mrkdwn", text: `*Filters*\n${filtersText(configuration.filters)}` },
    ],
  });
  if (noise !== undefined) {
    blocks.push(
      section(
        `*Mentions:* ${escapeText(truncate(noise.mentions, 400))}\n*Muted:* ${escapeText(truncate(noise.mutes, 400))}`,
      ),
    );
  }
  if (configuration.topics.length === 0) {
    blocks.push(section(`No SNS topics yet: \`${command} subscribe ARN\` adds one.`));
  } else {
    blocks.push(section(`*SNS topics (${configuration.topics.length})*`));
    blocks.push(
      ...linesToSections(
        configuration.topics.map((topic) => heldLine(topic, held)),
        20,
      ),
    );
    blocks.push(...heldBlocks(held));
  }
  return reply(`${configuration.name}: ${configuration.topics.length} topic(s)`, limit(blocks));
}

function countText(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

export function statusReply(
  command: string,
  configuration: ChannelConfigurationView,
  delivery: DeliveryStatus,
  /** Notifications this channel's filters kept out in the last 24 hours. */
  filtered = 0,
): Reply {
  // Dead letters and held deliveries are notifications nobody has seen yet: never "active" then.
  const unseen = delivery.deadLetters + delivery.held;
  const healthy = unseen === 0 && delivery.recentFailures === 0 && configuration.state === "active";
  const state =
    configuration.state === "active" && !healthy
      ? `:large_orange_circle: needs attention: ${attentionText(delivery)}`
      : stateText(configuration.state, configuration.stateReason);
  const blocks: KnownBlock[] = [
    section(`${title(configuration)}\n${state}`),
    {
      type: "section",
      fields: [
        {
          type: "mrkdwn",
          text: `*Last delivery*\n${delivery.lastPostedAt === null ? "never" : slackDate(delivery.lastPostedAt)}`,
        },
        { type: "mrkdwn", text: `*Waiting*\n${countText(delivery.pending, "notification")}` },
        { type: "mrkdwn", text: `*Held for the invite*\n${countText(delivery.held, "notification")}` },
        { type: "mrkdwn", text: `*Dead letters*\n${delivery.deadLetters}` },
        { type: "mrkdwn", text: `*Failed attempts (24 h)*\n${delivery.recentFailures}` },
        { type: "mrkdwn", text: `*Filters*\n${filtered} filtered in the last 24 h` },
      ],
    },
  ];
  if (delivery.lastError !== null)
    blocks.push(section(`*Last error*\n\`${escapeText(forUsers(delivery.lastError).slice(0, 500))}\``));
  if (configuration.state === "awaiting_invite")
    blocks.push(section(inviteInstructions(configuration.channelId)));
  const troubled = configuration.topics.filter((t) => t.status !== "confirmed");
  if (troubled.length > 0) {
    blocks.push(section("*Topics not confirmed*"), ...linesToSections(troubled.map(topicLine), 10));
  }
  if ((delivery.muted ?? 0) > 0) {
    blocks.push(
      context(
        `${countText(delivery.muted ?? 0, "notification")} muted: stored, not posted (\`${command} mute\` lists the mutes).`,
      ),
    );
  }
  if (delivery.deadLetters > 0) {
    blocks.push(context("An operator can replay dead letters with `npx chatbot dead-letters replay`."));
  }
  blocks.push(context(`\`${command} test\` sends a test notification through the whole pipeline.`));
  return reply(
    healthy ? "Deliveries to this channel are healthy." : "Deliveries to this channel need attention.",
    limit(blocks),
  );
}

export function testQueuedReply(
  configuration: ChannelConfigurationView,
  queued: QueuedTestNotification,
): Reply {
  const where = channelMention(configuration.channelId, configuration.channelName);
  const text = queued.held
    ? `The test notification waits until I am invited to ${where}.`
    : `A test notification is on its way to ${where}.`;
  const blocks: KnownBlock[] = [section(`:test_tube: ${text}`)];
  if (queued.held) blocks.push(section(inviteInstructions(configuration.channelId)));
  else blocks.push(context("It goes through the same queue, renderer and rate limits as SNS notifications."));
  return reply(text, blocks);
}

export function roleSetReply(
  command: string,
  configuration: ChannelConfigurationView,
  previous: string | null,
  created: boolean,
  /** What proving the role's AWS account said (TOPIC_ACCESS), shown as is. */
  proofNote?: string,
): Reply {
  const role = configuration.iamRoleArn;
  const text = role === null ? "This channel no longer uses an IAM role." : "This channel's IAM role is set.";
  const blocks: KnownBlock[] = [
    section(
      `${title(configuration)}\n*IAM role:* ${roleText(role)}${previous !== null && previous !== role ? ` (was ${roleText(previous)})` : ""}`,
    ),
  ];
  if (created)
    blocks.push(context(`Created the configuration *${escapeText(configuration.name)}* for this channel.`));
  if (role !== null && configuration.externalId !== null) {
    blocks.push(
      context(
        `The role must trust this deployment with ExternalId \`${escapeText(configuration.externalId)}\`. ` +
          `\`${command} role template NAME\` shows the policies.`,
      ),
    );
  }
  if (proofNote !== undefined) blocks.push(section(escapeText(forUsers(proofNote))));
  if (configuration.state === "awaiting_invite")
    blocks.push(section(inviteInstructions(configuration.channelId)));
  return reply(text, blocks);
}

function attentionText(delivery: DeliveryStatus): string {
  const parts = [
    delivery.deadLetters > 0 ? countText(delivery.deadLetters, "dead letter") : null,
    delivery.held > 0 ? `${countText(delivery.held, "notification")} held` : null,
    delivery.recentFailures > 0 ? countText(delivery.recentFailures, "failed attempt") : null,
  ];
  return parts.filter((part): part is string => part !== null).join(", ");
}

/** The action id of `/aws delete`'s confirmation button (value: the configuration id). */
export const DELETE_CONFIRM_ACTION = "command_delete_confirm";

/** `/aws delete` asks first: a button behind a Block Kit confirm dialog; nothing is deleted yet. */
export function deleteConfirmReply(configuration: ChannelConfigurationView): Reply {
  const name = escapeText(configuration.name);
  const text = `Delete the configuration ${configuration.name}? Nothing is deleted until you confirm.`;
  return reply(text, [
    section(
      `:warning: Delete the configuration *${name}*? ${channelMention(configuration.channelId, configuration.channelName)} ` +
        `stops receiving its ${configuration.topics.length} topic(s); the Slack channel itself stays. Nothing is deleted until you confirm.`,
    ),
    {
      type: "actions",
      block_id: "delete_confirm",
      elements: [
        button("Delete configuration", DELETE_CONFIRM_ACTION, {
          value: configuration.id,
          style: "danger",
          confirm: dangerConfirm(
            "Delete this configuration?",
            `*${name}* stops receiving notifications. The channel is not deleted.`,
            "Delete configuration",
          ),
        }),
      ],
    },
  ]);
}

export function deleteReply(result: DeleteResult): Reply {
  const { configuration } = result;
  const text = `Deleted the configuration ${configuration.name}: this channel receives no more notifications.`;
  const lines = [
    `:wastebasket: Deleted *${escapeText(configuration.name)}* (${configuration.topics.length} topic(s)): ` +
      `${channelMention(configuration.channelId, configuration.channelName)} receives no more notifications.`,
    ...releaseFailureLines(result.releaseFailures),
  ];
  return reply(text, linesToSections(lines, 10));
}
