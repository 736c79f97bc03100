/**
 * The configuration file (`version: 1`), as zod types: `apply` validates with them, `schema` prints
 * the JSON Schema generated from them (z.toJSONSchema), `export` writes what they accept. Field
 * checks reuse the app's own parsers (topic ARNs, role ARNs, configuration names, webhook
 * descriptions), so a file accepts exactly what Slack and the CLI accept.
 */
import { z } from "zod";
import { MAX_MENTIONS_PER_CHANNEL, type WantedMention } from "../configurations/channel-mentions";
import { configurationNameProblem } from "../configurations/configuration-names";
import { MANAGED_BY } from "../configurations/file-managed";
import { channelFilterSchema } from "../configurations/filters";
import { parseIamRoleArn } from "../configurations/iam-role";
import { parseMention } from "../configurations/mentions";
import {
  DEFAULT_MENTION_LEVEL,
  MENTION_LEVELS,
  MUTE_PERMISSIONS,
  mentionTarget,
} from "../configurations/noise-grammar";
import { OPERATOR_TEAM_ID } from "../configurations/topic-access";
import { WEBHOOK_PROVIDERS } from "../notifications";
import { assertDeliverableTopic } from "../sns/topic-arn";
import { parseWebhookDescription, parseWebhookRoleArn } from "../webhooks/webhook-fields";

export const FILE_VERSION = 1;

/** Runs one of the app's parsers as a zod check: its error message becomes the issue. */
function checkedBy(parse: (value: string) => unknown) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    try {
      parse(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    }
  };
}

const teamId = z
  .string()
  .regex(/^([TE][A-Z0-9]{2,31}|cli)$/, "a Slack workspace id (T…, or E… for an org), or cli")
  .describe(`Slack workspace id; "${OPERATOR_TEAM_ID}" holds the operator's webhook rooms`);
const userId = z.string().regex(/^[UW][A-Z0-9]{2,31}$/, "a Slack user id (U… or W…)");
const accountId = z.string().regex(/^\d{12}$/, "an AWS account id: exactly 12 digits");
const channelId = z.string().regex(/^[CG][A-Z0-9]{2,31}$/, "a Slack channel id (C… or G…)");
const topicArn = z
  .string()
  .max(1024)
  .superRefine(checkedBy(assertDeliverableTopic))
  .describe("SNS topic ARN, e.g. arn:aws:sns:us-east-2:123456789012:alarms");
const configurationName = z
  .string()
  .superRefine(
    checkedBy((name) => {
      const problem = configurationNameProblem(name);
      if (problem !== undefined) throw new Error(problem);
    }),
  )
  .describe("configuration name, unique in the workspace: letters, digits, - and _");
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "an environment variable name");

/**
 * Why `/aws mention` would not store this target as it is written (undefined when it would): the
 * mention module's parser and rule, then the stored form itself — `<@U…>`, `<!subteam^S…>`,
 * `<!here>` or `<!channel>`, the name going in `label`.
 */
export function mentionTargetProblem(text: string): string | undefined {
  const mention = parseMention(text);
  if (mention.kind === "text")
    return "not a Slack mention: write <@U…> (a person), <!subteam^S…> (a user group), <!here> or <!channel>";
  const target = mentionTarget(mention);
  if (typeof target === "string") return target;
  if (target.target !== text)
    return `write the target as it is stored: "${target.target}" (the name goes in label)`;
  return undefined;
}

/** One mention of a channel, as `/aws mention TARGET at LEVEL` stores it. */
export const mentionSchema = z.strictObject({
  target: z
    .string()
    .max(300)
    .superRefine(
      checkedBy((text) => {
        const problem = mentionTargetProblem(text);
        if (problem !== undefined) throw new Error(problem);
      }),
    )
    .describe("who is mentioned: <@U…>, <!subteam^S…>, <!here> or <!channel>"),
  label: z
    .string()
    .regex(/^[^<>|\r\n]{1,201}$/, "a name of 1 to 201 characters without <, >, | or line breaks")
    .optional()
    .describe('how it reads in Slack ("@alice", "@oncall"); by default what Slack shows for the target'),
  at: z
    .enum(MENTION_LEVELS)
    .default(DEFAULT_MENTION_LEVEL)
    .describe("notifications at or above this severity mention the target"),
});

export const channelSchema = z.strictObject({
  channel_id: channelId,
  channel_name: z.string().min(1).max(80).optional().describe("the channel's name, for people reading"),
  name: configurationName,
  iam_role: z
    .string()
    .max(2048)
    .superRefine(checkedBy(parseIamRoleArn))
    .optional()
    .describe("IAM role assumed for charts"),
  topics: z.array(topicArn).max(100).default([]),
  filters: channelFilterSchema.optional().describe("notification filters, as `/aws filter` sets them"),
  mentions: z
    .array(mentionSchema)
    .max(MAX_MENTIONS_PER_CHANNEL)
    .optional()
    .describe("who top-level notifications mention, as `/aws mention` sets them"),
  mute_permission: z
    .enum(MUTE_PERMISSIONS)
    .optional()
    .describe(
      "who may mute from a notification's Mute menu, as `/aws mute permission` sets it: managers (absent) or members (for up to 4 h)",
    ),
  managed_by: z
    .enum(MANAGED_BY as [string, ...string[]])
    .default("file")
    .describe("file: Slack may not change it; slack: created if missing, then Slack owns it"),
  allow_slack_changes: z
    .boolean()
    .default(false)
    .describe("a file-managed configuration Slack may change too"),
});

export const webhookRoomSchema = z
  .strictObject({
    name: configurationName,
    description: z
      .string()
      .superRefine(checkedBy(parseWebhookDescription))
      .describe("Chat_room_name/Webhook_name"),
    provider: z.enum(WEBHOOK_PROVIDERS as unknown as [string, ...string[]]).optional(),
    url_from_env: envName
      .optional()
      .describe("environment variable holding the webhook URL (never the URL itself)"),
    url_file: z.string().min(1).max(4096).optional().describe("file holding the webhook URL"),
    iam_role: z.string().max(2048).superRefine(checkedBy(parseWebhookRoleArn)).optional(),
    topics: z.array(topicArn).max(100).default([]),
    filters: channelFilterSchema.optional().describe("notification filters"),
    managed_by: z.enum(MANAGED_BY as [string, ...string[]]).default("file"),
    allow_slack_changes: z.boolean().default(false),
  })
  .refine((room) => (room.url_from_env === undefined) !== (room.url_file === undefined), {
    message: "say where the URL is: exactly one of url_from_env or url_file",
    path: ["url_from_env"],
  });

export const workspaceSchema = z.strictObject({
  team_id: teamId,
  managers: z.array(userId).max(100).default([]).describe("people on the managers list"),
  linked_accounts: z.array(accountId).max(1000).default([]),
  channels: z.array(channelSchema).max(10_000).default([]),
  webhook_rooms: z.array(webhookRoomSchema).max(1000).default([]),
});

/** Settings of the deployment that are not secrets: exported for reading, checked (not changed) by apply. */
export const settingsSchema = z.strictObject({
  topic_access: z.enum(["linked", "any"]).optional(),
  slash_command: z.string().max(64).optional(),
  public_url: z.string().max(2048).optional(),
});

export const configFileSchema = z.strictObject({
  version: z.literal(FILE_VERSION),
  settings: settingsSchema.optional(),
  workspaces: z.array(workspaceSchema).max(1000).default([]),
});

export type ConfigFile = z.output<typeof configFileSchema>;
export type WorkspaceEntry = z.output<typeof workspaceSchema>;
export type ChannelEntry = z.output<typeof channelSchema>;
export type MentionEntry = z.output<typeof mentionSchema>;
export type WebhookRoomEntry = z.output<typeof webhookRoomSchema>;

/** The published JSON Schema (`npx chatbot schema`). */
export function configFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configFileSchema, { io: "input", unrepresentable: "any" }),
    title: "aws-chatbot configuration file",
  };
}

/**
 * A channel's mentions as the mention module writes them, in the file's order: a missing label is
 * what `/aws mention` shows for the target ("@U…", "@here"); no `mentions` key is none.
 */
export function wantedMentions(mentions: readonly MentionEntry[] | undefined): WantedMention[] {
  return (mentions ?? []).map(({ target, label, at }) => {
    const stored = mentionTarget(parseMention(target));
    const fallback = typeof stored === "string" ? target : stored.label;
    return { target, label: label ?? fallback, level: at };
  });
}
