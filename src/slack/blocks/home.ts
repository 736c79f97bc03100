/**
 * App Home views, built as pure functions of what they show. The Home tab is the "configured
 * clients" page of the AWS Chatbot console: the workspace's channel configurations with their
 * buttons, and the latest audit entries. Slack allows 100 blocks in a Home view; configurations are
 * paginated (HOME_PAGE_SIZE per page) so a workspace with very many still fits.
 */

import type { HomeView, KnownBlock } from "@slack/types";
import type { WorkspaceOverview } from "../../configurations/configuration-service";
import { ownershipNote } from "../../configurations/file-managed";
import {
  isManagerStanding,
  type ManagersOverview,
  mayDo,
  type Standing,
  whoManagesText,
} from "../../configurations/permissions";
import type { WebhookConfigurationView } from "../../webhooks";
import { channelMention, filtersText, roleText, stateText } from "./configuration-text";
import {
  button,
  capBlocks,
  context,
  dangerConfirm,
  escapeText,
  header,
  linesToSections,
  section,
  slackDate,
  truncate,
  VIEW_BLOCKS_MAX,
} from "./text";
import { webhookRoomsBlocks } from "./webhook-rooms";

export const HOME_PAGE_SIZE = 25;

export const HOME_ACTIONS = {
  configureNew: "home_configure_new",
  removeWorkspace: "home_remove_workspace",
  edit: "home_edit_configuration",
  test: "home_test_configuration",
  delete: "home_delete_configuration",
  page: "home_page",
} as const;

export interface WelcomeHomeOptions {
  command: string;
}

export function welcomeHomeView({ command }: WelcomeHomeOptions): HomeView {
  const blocks: KnownBlock[] = [
    header("AWS Chatbot is installed"),
    section(
      "Deliver Amazon SNS notifications from your AWS accounts (CloudWatch alarms, GuardDuty, " +
        "Security Hub, AWS Health, CodePipeline, Budgets, any EventBridge event) into Slack channels.",
    ),
    { type: "divider" },
    section(
      `*Get started*\n1. In a channel, type \`${command} help\` to see every command.\n` +
        // Escaped: Slack reads a bare <region> as a link.
        `2. Type \`${command} subscribe ${escapeText("arn:aws:sns:<region>:<account>:<topic>")}\` to receive a topic there.\n` +
        "3. For a private channel, first type `/invite @AWS` in it.\n" +
        `Workspace admins and owners and you, who installed it, manage AWS Chatbot; \`${command} managers add @person\` lets others.`,
    ),
  ];
  return { type: "home", blocks };
}

export interface HomeOptions {
  command: string;
  /** A line at the top saying what just happened ("Deleted …", "Test sent …"). */
  notice?: string;
  /** The workspace's webhook rooms; the section is left out when undefined. */
  webhooks?: readonly WebhookConfigurationView[];
  /** Who is looking: managers get the buttons, others a read-only page; absent means the full view. */
  viewer?: { standing: Standing; managers: ManagersOverview };
}

/** "Mentions: @oncall from high" / "Muted: alarm api-5xx (k3v9q2)", one line each, when set (issue 13). */
function noiseText(noise: { mentions: string; mutes: string } | undefined): string {
  if (noise === undefined) return "";
  return `\nMentions: ${escapeText(truncate(noise.mentions, 300))}\nMuted: ${escapeText(truncate(noise.mutes, 300))}`;
}

/** Managers only: why a configuration receives nothing from some of its topics (TOPIC_ACCESS). */
function heldText(overview: WorkspaceOverview, configurationId: string, editable: boolean): string {
  const accounts = editable ? overview.held?.[configurationId] : undefined;
  if (accounts === undefined || accounts.length === 0) return "";
  const which = accounts.length === 1 ? `account ${accounts[0]} is` : `accounts ${accounts.join(", ")} are`;
  return `\n:no_entry: Held: nothing arrives from its topics of AWS ${escapeText(which)} not linked to this workspace.`;
}

function howToLinkBlocks(overview: WorkspaceOverview, editable: boolean): KnownBlock[] {
  const anyHeld = overview.configurations.some((c) => (overview.held?.[c.id]?.length ?? 0) > 0);
  if (!editable || !anyHeld || overview.howToLink === undefined) return [];
  return [
    context(
      `A workspace receives only topics of AWS accounts linked to it. Link an account either way:\n${overview.howToLink.join("\n")}`,
    ),
  ];
}

function configurationBlocks(overview: WorkspaceOverview, editable: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  for (const configuration of overview.configurations) {
    const topics = `${configuration.topicCount} SNS topic${configuration.topicCount === 1 ? "" : "s"}`;
    blocks.push(
      section(
        `*${escapeText(configuration.name)}* → ${channelMention(configuration.channelId, configuration.channelName)}\n` +
          `${stateText(configuration.state, configuration.stateReason)} · ${topics} · role ${roleText(configuration.iamRoleArn)}` +
          heldText(overview, configuration.id, editable) +
          `\nFilters: ${filtersText(configuration.filters)}` +
          noiseText(configuration.noise) +
          (configuration.managedBy === "file" ? `\n:lock: ${ownershipNote(configuration)}` : ""),
        `configuration_${configuration.id}`,
      ),
    );
    if (!editable) continue;
    blocks.push({
      type: "actions",
      block_id: `configuration_actions_${configuration.id}`,
      elements: [
        button("Edit", HOME_ACTIONS.edit, { value: configuration.id }),
        button("Send test message", HOME_ACTIONS.test, { value: configuration.id }),
        // It deletes the configuration; the Slack channel stays (issue 11).
        button("Delete configuration", HOME_ACTIONS.delete, {
          value: configuration.id,
          style: "danger",
          confirm: dangerConfirm(
            "Delete this configuration?",
            `*${escapeText(configuration.name)}* stops receiving notifications; topics no other channel wants are unsubscribed. The Slack channel itself is not deleted.`,
            "Delete configuration",
          ),
        }),
      ],
    });
  }
  return blocks;
}

function paginationBlocks(overview: WorkspaceOverview): KnownBlock[] {
  if (overview.pageCount <= 1) return [];
  const elements = [];
  if (overview.page > 0)
    elements.push(
      button("Previous page", `${HOME_ACTIONS.page}_previous`, { value: String(overview.page - 1) }),
    );
  if (overview.page < overview.pageCount - 1) {
    elements.push(button("Next page", `${HOME_ACTIONS.page}_next`, { value: String(overview.page + 1) }));
  }
  const first = overview.page * HOME_PAGE_SIZE + 1;
  const last = first + overview.configurations.length - 1;
  return [
    context(
      `Showing ${first}–${last} of ${overview.total} configurations (page ${overview.page + 1} of ${overview.pageCount}).`,
    ),
    { type: "actions", block_id: "home_pagination", elements },
  ];
}

function auditBlocks(overview: WorkspaceOverview): KnownBlock[] {
  if (overview.audit.length === 0) return [context("No changes yet.")];
  const lines = overview.audit.map(
    (entry) =>
      `${slackDate(entry.createdAt)} · ${actorText(entry.userId)} ${withPeople(escapeText(entry.detail))}`,
  );
  return linesToSections(lines, 2);
}

/** A person as a mention; the app itself, or a configuration file ("config file 1a2b…"), as text. */
function actorText(userId: string | null): string {
  if (userId === null) return "AWS Chatbot";
  return /^[UW][A-Z0-9]{2,40}$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/** Audit details name people as <@U…> (managers changes); escaping turned those into text. */
function withPeople(escaped: string): string {
  return escaped.replace(/&lt;@([UW][A-Z0-9]{2,40})&gt;/g, "<@$1>");
}

/** Removing the workspace sits apart, unstyled, and only for those who may (admins, owners, installer). */
function workspaceBlocks(): KnownBlock[] {
  return [
    { type: "divider" },
    {
      type: "actions",
      block_id: "home_workspace_removal",
      elements: [
        button("Remove workspace configuration", HOME_ACTIONS.removeWorkspace, {
          confirm: dangerConfirm(
            "Remove this workspace?",
            "AWS Chatbot's token for this workspace is revoked and everything it stored here is deleted. Every channel configuration must be deleted first.",
            "Remove",
          ),
        }),
      ],
    },
  ];
}

function summaryText(overview: WorkspaceOverview, command: string, editable: boolean): string {
  if (overview.total === 0) {
    return editable
      ? `No channel is configured yet. Configure one here, or type \`${command} subscribe ARN\` in a channel.`
      : "No public channel is configured yet.";
  }
  const count = `${overview.total} ${editable ? "" : "public "}channel configuration${overview.total === 1 ? "" : "s"}`;
  return `${count} in this workspace. In a channel, \`${command} help\` shows the commands.`;
}

export function configuredClientsHomeView(overview: WorkspaceOverview, options: HomeOptions): HomeView {
  const standing = options.viewer?.standing ?? "administrator";
  const editable = isManagerStanding(standing);
  const blocks: KnownBlock[] = [header("AWS Chatbot: configured channels")];
  if (options.notice !== undefined) blocks.push(section(options.notice, "home_notice"));
  blocks.push(section(summaryText(overview, options.command, editable)));
  if (editable) {
    blocks.push({
      type: "actions",
      block_id: "home_workspace_actions",
      elements: [button("Configure new channel", HOME_ACTIONS.configureNew, { style: "primary" })],
    });
  } else if (options.viewer !== undefined) {
    blocks.push(
      context(
        `AWS Chatbot is managed by ${whoManagesText(options.viewer.managers)}. ` +
          `Ask one of them to change a configuration, or to make you a manager with \`${options.command} managers add\`.`,
      ),
    );
  }
  blocks.push(
    { type: "divider" },
    ...configurationBlocks(overview, editable),
    ...howToLinkBlocks(overview, editable),
    ...paginationBlocks(overview),
  );
  const recent: KnownBlock[] = [{ type: "divider" }, header("Recent changes"), ...auditBlocks(overview)];
  if (mayDo(standing, "remove-workspace")) recent.push(...workspaceBlocks());
  if (options.webhooks !== undefined) {
    // The webhook list gets whatever the channels and recent changes leave of Slack's 100 blocks.
    if (blocks.at(-1)?.type !== "divider") blocks.push({ type: "divider" });
    blocks.push(...webhookRoomsBlocks(options.webhooks, VIEW_BLOCKS_MAX - blocks.length - recent.length));
  }
  blocks.push(...recent);
  return {
    type: "home",
    blocks: capBlocks(blocks, VIEW_BLOCKS_MAX, (omitted) => `${omitted} more blocks were left out.`),
  };
}
