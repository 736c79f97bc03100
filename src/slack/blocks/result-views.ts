/**
 * Modals that report an outcome: saving a configuration, and removing the workspace
 * configuration (refused, done, failed).
 */
import type { KnownBlock, ModalView } from "@slack/types";
import type { SaveResult } from "../../configurations/configuration-editor";
import type { RoleTemplate } from "../../configurations/role-template";
import { channelMention, inviteInstructions, roleText, topicLine } from "./configuration-text";
import { roleTemplateBlocks } from "./role-template-reply";
import { capBlocks, context, escapeText, forUsers, linesToSections, section, VIEW_BLOCKS_MAX } from "./text";

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

function modal(title: string, blocks: KnownBlock[]): ModalView {
  return {
    type: "modal",
    title: plain(title),
    close: plain("Done"),
    blocks: capBlocks(blocks, VIEW_BLOCKS_MAX, (omitted) => `${omitted} more blocks were left out.`),
  };
}

export function savingView(): ModalView {
  return modal("Saving", [
    section(":hourglass_flowing_sand: Saving the configuration and subscribing its SNS topics…"),
  ]);
}

export function configurationSavedView(
  result: SaveResult,
  command: string,
  template?: RoleTemplate,
): ModalView {
  const { configuration } = result;
  const failed = result.topics.filter((t) => t.status === "failed").length;
  const blocks: KnownBlock[] = [
    section(
      `:white_check_mark: ${result.created ? "Configured" : "Saved"} *${escapeText(configuration.name)}* → ` +
        `${channelMention(configuration.channelId, configuration.channelName)}\n*IAM role:* ${roleText(configuration.iamRoleArn)}`,
    ),
  ];
  if (configuration.state === "awaiting_invite")
    blocks.push(section(inviteInstructions(configuration.channelId)));
  if (result.topics.length === 0)
    blocks.push(
      section(`No SNS topics yet: add some with Edit, or \`${command} subscribe ARN\` in the channel.`),
    );
  else
    blocks.push(
      section(`*SNS topics (${result.topics.length})*`),
      ...linesToSections(result.topics.map(topicLine), 10),
    );
  if (result.removedTopics.length > 0) {
    blocks.push(
      context(`Removed: ${result.removedTopics.map((arn) => `\`${escapeText(arn)}\``).join(", ")}`),
    );
  }
  for (const failure of result.releaseFailures) {
    blocks.push(
      context(
        `:warning: \`${escapeText(failure.topicArn)}\`: the SNS subscription could not be removed (${escapeText(forUsers(failure.reason))}).`,
      ),
    );
  }
  if (result.topics.some((t) => t.status === "pending")) {
    blocks.push(
      context(
        `SNS confirms new subscriptions within a minute; \`${command} list\` in the channel shows their state.`,
      ),
    );
  }
  if (failed > 0) blocks.push(context("Fix the cause of the failed topics, then save again to retry them."));
  if (template !== undefined) blocks.push({ type: "divider" }, ...roleTemplateBlocks(template));
  return modal(result.created ? "Channel configured" : "Configuration saved", blocks);
}

export function saveFailedView(problem: string): ModalView {
  return modal("Not saved", [section(`:x: ${escapeText(forUsers(problem))}`)]);
}

/** A permission refusal (our own text, with <@…> mentions): nothing was saved. */
export function refusedView(refusal: string): ModalView {
  return modal("Not allowed", [section(`:no_entry: ${refusal}`)]);
}

export function removalRefusedView(reason: string): ModalView {
  return modal("Cannot remove", [section(`:no_entry: ${forUsers(reason)}`)]);
}

export function workspaceRemovingView(teamLabel: string, orgWide = false): ModalView {
  if (orgWide) {
    return modal("Workspace removed", [
      section(
        `:wave: Everything AWS Chatbot stored for ${escapeText(teamLabel)} is being deleted. It stays installed ` +
          "for your organization (an org-wide installation serves every workspace of it); an org admin " +
          "removes it from the organization in Slack's app management.",
      ),
    ]);
  }
  return modal("Workspace removed", [
    section(
      `:wave: AWS Chatbot is being removed from ${escapeText(teamLabel)}: its token is revoked and everything it ` +
        "stored for this workspace is deleted. To use it again, install it again with Add to Slack.",
    ),
  ]);
}

export function removalFailedView(reason: string): ModalView {
  return modal("Not removed", [
    section(
      `:x: The workspace configuration was not removed: ${escapeText(forUsers(reason))}. Nothing was deleted; try again.`,
    ),
  ]);
}

export function messageView(title: string, text: string): ModalView {
  return modal(title, [section(text)]);
}
