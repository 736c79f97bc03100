/**
 * The "Configure new channel" / "Edit" modal: the AWS Chatbot console's form inside Slack. Channel
 * (picker, or a private channel's ID), configuration name, IAM role (none / existing ARN / create
 * from the "Notification permissions" template), and SNS topics per Region with "Add another
 * Region". Block ids are the form's field names (DraftField), so per-field problems map onto them.
 */
import type { InputBlock, KnownBlock, ModalView, Option, PlainTextOption } from "@slack/types";
import { MAX_REGIONS, type RegionDraft } from "../../configurations/configuration-draft";
import { parseStoredFilter } from "../../configurations/filters";
import { AWS_REGIONS } from "../../configurations/regions";
import { NOTIFICATIONS_POLICY_NAME, type RoleTemplate } from "../../configurations/role-template";
import { type FilterFormValues, filterBlocks, filterFormValuesOf } from "./filter-fields";
import { button, codeSections, context, escapeText, section } from "./text";

export const CONFIGURE_CALLBACK_ID = "configure_channel";
export const MODAL_ACTIONS = { addRegion: "configure_add_region", roleMode: "role_mode" } as const;

export type RoleMode = "none" | "existing" | "template";

export interface ModalMetadata {
  configurationId?: string;
  regionCount: number;
}

export interface ModalValues {
  configurationId?: string;
  pickedChannelId?: string;
  privateChannelId?: string;
  name?: string;
  roleMode: RoleMode;
  roleArn?: string;
  roleName?: string;
  regions: RegionDraft[];
  /** Shown when roleMode is "template": the policy the new role gets. */
  template?: RoleTemplate;
  /** The filter fields (filter-fields.ts). */
  filter?: FilterFormValues;
}

const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

const ROLE_OPTIONS: Record<RoleMode, Option> = {
  none: {
    text: plain("No IAM role"),
    value: "none",
    description: plain("Notifications only; alarm charts need a role"),
  },
  existing: { text: plain("Use an existing IAM role"), value: "existing" },
  template: {
    text: plain("Create an IAM role using a template"),
    value: "template",
    description: plain("Policy template: Notification permissions"),
  },
};

function regionOption(code: string): PlainTextOption {
  const region = AWS_REGIONS.find((r) => r.code === code);
  return { text: plain(region ? `${region.name} ${region.code}` : code), value: code };
}

function textInput(
  blockId: string,
  label: string,
  options: {
    initial?: string;
    placeholder?: string;
    hint?: string;
    optional?: boolean;
    multiline?: boolean;
    maxLength?: number;
  },
): InputBlock {
  return {
    type: "input",
    block_id: blockId,
    optional: options.optional ?? false,
    label: plain(label),
    ...(options.hint === undefined ? {} : { hint: plain(options.hint) }),
    element: {
      type: "plain_text_input",
      action_id: blockId,
      ...(options.multiline ? { multiline: true } : {}),
      ...(options.maxLength === undefined ? {} : { max_length: options.maxLength }),
      ...(options.initial ? { initial_value: options.initial } : {}),
      ...(options.placeholder === undefined ? {} : { placeholder: plain(options.placeholder) }),
    },
  };
}

function channelBlocks(values: ModalValues): KnownBlock[] {
  return [
    {
      type: "input",
      block_id: "channel",
      optional: true,
      label: plain("Slack channel"),
      hint: plain("Public channels and the private channels you are in."),
      element: {
        type: "conversations_select",
        action_id: "channel",
        placeholder: plain("Choose a channel"),
        filter: { include: ["public", "private"], exclude_bot_users: true },
        ...(values.pickedChannelId ? { initial_conversation: values.pickedChannelId } : {}),
      },
    },
    textInput("private_channel", "Private channel ID", {
      optional: true,
      initial: values.privateChannelId,
      placeholder: "C0123ABCDEF",
      hint: "For a private channel: its ID (channel details → About, at the bottom). Then type /invite @AWS in it.",
      maxLength: 20,
    }),
    textInput("name", "Configuration name", {
      optional: true,
      initial: values.name,
      placeholder: "defaults to the channel's name",
      hint: "Unique in this workspace: letters, digits, hyphens and underscores.",
      maxLength: 128,
    }),
  ];
}

function roleBlocks(values: ModalValues): KnownBlock[] {
  const blocks: KnownBlock[] = [
    {
      type: "input",
      block_id: "role_mode",
      dispatch_action: true,
      label: plain("IAM role"),
      element: {
        type: "radio_buttons",
        action_id: MODAL_ACTIONS.roleMode,
        options: [ROLE_OPTIONS.none, ROLE_OPTIONS.existing, ROLE_OPTIONS.template],
        initial_option: ROLE_OPTIONS[values.roleMode],
      },
    },
  ];
  if (values.roleMode === "existing") {
    blocks.push(
      textInput("role_arn", "Existing role ARN", {
        initial: values.roleArn,
        placeholder: "arn:aws:iam::123456789012:role/AWSChatbotNotifications",
      }),
    );
  }
  if (values.roleMode === "template") {
    if (values.template !== undefined) {
      blocks.push(
        ...codeSections(
          `*Policy template: Notification permissions* (\`${NOTIFICATIONS_POLICY_NAME}\`)`,
          values.template.permissionsPolicy,
        ),
        context(
          `The role trusts this deployment with ExternalId \`${escapeText(values.template.externalId)}\`. ` +
            "After you save, the trust policy and a CloudFormation template that creates the role are shown.",
        ),
      );
    }
    blocks.push(
      textInput("role_name", "Role name", {
        initial: values.roleName,
        placeholder: "AWSChatbotNotifications",
        hint: "1–64 characters: letters, digits and + = , . @ - _",
        maxLength: 64,
      }),
    );
  }
  return blocks;
}

function regionBlocks(values: ModalValues): KnownBlock[] {
  const blocks: KnownBlock[] = [section("*SNS topics*\nChoose a Region, then paste the ARNs of its topics.")];
  const regions = values.regions.length === 0 ? [{}] : values.regions.slice(0, MAX_REGIONS);
  regions.forEach((region, index) => {
    blocks.push(
      {
        type: "input",
        block_id: `region_${index}`,
        optional: true,
        label: plain(index === 0 ? "Region" : `Region ${index + 1}`),
        element: {
          type: "static_select",
          action_id: `region_${index}`,
          placeholder: plain("Choose a Region"),
          options: AWS_REGIONS.map((r) => regionOption(r.code)),
          ...(region.region ? { initial_option: regionOption(region.region) } : {}),
        },
      },
      textInput(`topics_${index}`, index === 0 ? "Topics" : `Topics in Region ${index + 1}`, {
        optional: true,
        multiline: true,
        initial: region.topics,
        placeholder: "arn:aws:sns:us-east-1:123456789012:alarms",
        hint: "Topic ARNs, one per line. FIFO topics cannot deliver to AWS Chatbot.",
      }),
    );
  });
  if (regions.length < MAX_REGIONS) {
    blocks.push({
      type: "actions",
      block_id: "add_region",
      elements: [button("Add another Region", MODAL_ACTIONS.addRegion)],
    });
  }
  return blocks;
}

export function configureChannelModal(values: ModalValues): ModalView {
  const editing = values.configurationId !== undefined;
  const metadata: ModalMetadata = {
    configurationId: values.configurationId,
    regionCount: Math.max(1, Math.min(values.regions.length, MAX_REGIONS)),
  };
  return {
    type: "modal",
    callback_id: CONFIGURE_CALLBACK_ID,
    private_metadata: JSON.stringify(metadata),
    title: plain(editing ? "Edit configuration" : "Configure new channel"),
    submit: plain(editing ? "Save" : "Configure"),
    close: plain("Cancel"),
    blocks: [
      ...channelBlocks(values),
      ...roleBlocks(values),
      ...regionBlocks(values),
      ...filterBlocks(values.filter),
    ],
  };
}

/** The Edit form's starting values: the configuration as stored, topics grouped by Region. */
export function modalValuesFromConfiguration(configuration: {
  id: string;
  name: string;
  channelId: string | null;
  state: string;
  iamRoleArn: string | null;
  filters?: string | null;
  topics: readonly { topicArn: string; region: string }[];
}): ModalValues {
  const byRegion = new Map<string, string[]>();
  for (const topic of configuration.topics) {
    byRegion.set(topic.region, [...(byRegion.get(topic.region) ?? []), topic.topicArn]);
  }
  const regions = [...byRegion.entries()].map(([region, arns]) => ({ region, topics: arns.join("\n") }));
  const stored = parseStoredFilter(configuration.filters ?? null);
  // A channel the bot cannot see cannot be preselected in the picker: show its id instead.
  const visible = configuration.state !== "awaiting_invite";
  return {
    configurationId: configuration.id,
    pickedChannelId: visible ? (configuration.channelId ?? undefined) : undefined,
    privateChannelId: visible ? undefined : (configuration.channelId ?? undefined),
    name: configuration.name,
    roleMode: configuration.iamRoleArn === null ? "none" : "existing",
    roleArn: configuration.iamRoleArn ?? undefined,
    regions: regions.length === 0 ? [{}] : regions.slice(0, MAX_REGIONS),
    // An unreadable stored filter shows as empty fields: saving the form replaces it.
    filter: filterFormValuesOf(stored.ok ? stored.filter : {}),
  };
}
