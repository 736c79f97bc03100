/**
 * Shared Slack test identities and builders for the payloads Slack sends to the app: slash commands,
 * Events API envelopes, block_actions and view_submission. Pure functions; every id a test does not
 * choose comes from SLACK_IDS, so the fake Slack Web API and the signed requests agree by default.
 */
import { randomBytes } from "node:crypto";
import type {
  BlockAction,
  ButtonAction,
  EnvelopedEvent,
  RadioButtonsAction,
  SlashCommand,
  types,
  ViewOutput,
  ViewStateValue,
  ViewSubmitAction,
} from "@slack/bolt";

/** The one place for default test ids and secrets (shapes follow Slack's: T…, U…, C…, B…, A…). */
export const SLACK_IDS = {
  appId: "A0FAKEAPP01",
  teamId: "T0FAKETEAM1",
  teamName: "Fake Team",
  teamDomain: "fake-team",
  otherTeamId: "T0FAKETEAM2",
  enterpriseId: "E0FAKEORG01",
  enterpriseName: "Fake Org",
  /** A human member (the installer in OAuth flows). */
  userId: "U0FAKEUSER1",
  userName: "alice",
  /** A workspace admin. */
  adminUserId: "U0FAKEADMN1",
  adminUserName: "admin",
  /** A guest (users.info is_restricted): never a manager. */
  guestUserId: "U0FAKEGST01",
  guestUserName: "guest",
  botUserId: "U0FAKEBOT01",
  botId: "B0FAKEBOT01",
  botName: "aws",
  botToken: "xoxb-1000000001-2000000001-fakebottoken0000000001",
  /** A public channel the bot is a member of. */
  channelId: "C0FAKECHAN1",
  channelName: "alerts",
  /** A private channel (private channels created since 2021 also start with C). */
  privateChannelId: "C0FAKEPRIV1",
  privateChannelName: "secret-ops",
  clientId: "1000000001.3000000001",
  clientSecret: "fake-client-secret-0123456789abcdef",
  signingSecret: "fake-signing-secret-0123456789abcdef",
  stateSecret: "fake-state-secret-0123456789abcdef",
  /** Deprecated verification token Slack still puts in payloads. */
  verificationToken: "fakeverificationtoken0001",
} as const;

/** Bot scopes of this app's manifest, plus users:read (needed by users.info). */
export const DEFAULT_BOT_SCOPES: readonly string[] = [
  "chat:write",
  "chat:write.public",
  "commands",
  "channels:read",
  "groups:read",
  "files:write",
  "users:read",
];

function randomDigits(length: number): string {
  let out = "";
  while (out.length < length) out += randomBytes(4).readUInt32BE(0).toString().slice(1);
  return out.slice(0, length);
}

/** An Events API event id ("Ev…"), unique per call. */
export function newEventId(): string {
  return `Ev${randomBytes(6).toString("hex").toUpperCase()}`;
}

/** A trigger id shaped like Slack's ("13345224609.738474920.8088930838d88f008e0"). */
export function newTriggerId(): string {
  return `${randomDigits(11)}.${randomDigits(9)}.${randomBytes(10).toString("hex").slice(0, 19)}`;
}

/** A Slack-style timestamp for "now" ("1700000000.123456"). */
export function slackTsNow(nowMs: number = Date.now()): string {
  const micros = Math.floor(nowMs * 1000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")}`;
}

/** The form fields of a slash command as Slack posts them. */
export function slashCommandPayload(fields: Partial<SlashCommand> = {}): SlashCommand {
  return {
    token: SLACK_IDS.verificationToken,
    command: "/aws",
    text: "",
    response_url: `https://hooks.slack.com/commands/${SLACK_IDS.teamId}/${randomDigits(13)}/${randomBytes(12).toString("hex")}`,
    trigger_id: newTriggerId(),
    user_id: SLACK_IDS.userId,
    user_name: SLACK_IDS.userName,
    team_id: SLACK_IDS.teamId,
    team_domain: SLACK_IDS.teamDomain,
    channel_id: SLACK_IDS.channelId,
    channel_name: SLACK_IDS.channelName,
    api_app_id: SLACK_IDS.appId,
    is_enterprise_install: "false",
    ...fields,
  };
}

export interface EnvelopeOptions {
  teamId?: string;
  enterpriseId?: string;
  /** The authorizations entry's user id (the bot user, for a bot installation). */
  authorizedUserId?: string;
  isEnterpriseInstall?: boolean;
  eventId?: string;
  eventTime?: number;
}

/** Wraps an event in the `event_callback` envelope of the Events API. */
export function eventCallback<E extends { type: string }>(
  event: E,
  options: EnvelopeOptions = {},
): EnvelopedEvent<E> {
  const teamId = options.teamId ?? SLACK_IDS.teamId;
  const isEnterpriseInstall = options.isEnterpriseInstall ?? false;
  return {
    token: SLACK_IDS.verificationToken,
    team_id: teamId,
    ...(options.enterpriseId === undefined ? {} : { enterprise_id: options.enterpriseId }),
    api_app_id: SLACK_IDS.appId,
    event,
    type: "event_callback",
    event_id: options.eventId ?? newEventId(),
    event_time: options.eventTime ?? Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: options.enterpriseId ?? null,
        team_id: isEnterpriseInstall ? null : teamId,
        user_id: options.authorizedUserId ?? SLACK_IDS.botUserId,
        is_bot: true,
        is_enterprise_install: isEnterpriseInstall,
      },
    ],
    is_ext_shared_channel: false,
  };
}

export function appUninstalledEvent(): types.AppUninstalledEvent {
  return { type: "app_uninstalled" };
}

/** `tokens_revoked` lists user ids (not tokens) whose tokens were revoked. */
export function tokensRevokedEvent(
  tokens: { bot?: string[]; oauth?: string[] } = {},
): types.TokensRevokedEvent {
  return {
    type: "tokens_revoked",
    tokens: { bot: tokens.bot ?? [SLACK_IDS.botUserId], oauth: tokens.oauth ?? [] },
  };
}

export function memberJoinedChannelEvent(
  fields: Partial<types.MemberJoinedChannelEvent> = {},
): types.MemberJoinedChannelEvent {
  return {
    type: "member_joined_channel",
    user: SLACK_IDS.botUserId,
    channel: SLACK_IDS.channelId,
    channel_type: "C",
    team: SLACK_IDS.teamId,
    inviter: SLACK_IDS.userId,
    event_ts: slackTsNow(),
    ...fields,
  };
}

/** `channel_unarchive` (public channel; Slack also sends `group_unarchive` for a private one). */
export function channelUnarchiveEvent(
  fields: Partial<types.ChannelUnarchiveEvent> = {},
): types.ChannelUnarchiveEvent {
  return {
    type: "channel_unarchive",
    channel: SLACK_IDS.channelId,
    user: SLACK_IDS.userId,
    event_ts: slackTsNow(),
    ...fields,
  };
}

export function groupUnarchiveEvent(
  fields: Partial<types.GroupUnarchiveEvent> = {},
): types.GroupUnarchiveEvent {
  return {
    type: "group_unarchive",
    channel: SLACK_IDS.channelId,
    actor_id: SLACK_IDS.userId,
    event_ts: slackTsNow(),
    ...fields,
  };
}

export function appHomeOpenedEvent(fields: Partial<types.AppHomeOpenedEvent> = {}): types.AppHomeOpenedEvent {
  return {
    type: "app_home_opened",
    user: SLACK_IDS.userId,
    channel: "D0FAKEDM001",
    tab: "home",
    event_ts: slackTsNow(),
    ...fields,
  };
}

/** A button click as it appears in `block_actions.actions[]`. */
export function buttonAction(fields: Partial<ButtonAction> & { action_id: string }): ButtonAction {
  return {
    type: "button",
    block_id: "actions",
    action_ts: slackTsNow(),
    text: { type: "plain_text", text: "Button", emoji: true },
    ...fields,
  };
}

/** A radio button chosen, as it appears in `block_actions.actions[]` (block_id = action_id, as in our modals). */
export function radioButtonsAction(actionId: string, value: string): RadioButtonsAction {
  return {
    type: "radio_buttons",
    action_id: actionId,
    block_id: actionId,
    action_ts: slackTsNow(),
    selected_option: { value, text: { type: "plain_text", text: value } },
  };
}

/** What a modal's inputs hold in `view.state.values`, by kind of input. */
export const stateValue = {
  text: (value: string): ViewStateValue => ({ type: "plain_text_input", value }),
  option: (value: string): ViewStateValue => ({
    type: "static_select",
    selected_option: { value, text: { type: "plain_text", text: value } },
  }),
  radio: (value: string): ViewStateValue => ({
    type: "radio_buttons",
    selected_option: { value, text: { type: "plain_text", text: value } },
  }),
  conversation: (id: string): ViewStateValue => ({ type: "conversations_select", selected_conversation: id }),
};

/** A view as Slack echoes it back in interaction payloads. */
export function viewOutput(fields: Partial<ViewOutput> = {}): ViewOutput {
  return {
    id: `V${randomBytes(5).toString("hex").toUpperCase()}`,
    callback_id: "",
    team_id: SLACK_IDS.teamId,
    app_id: SLACK_IDS.appId,
    bot_id: SLACK_IDS.botId,
    title: { type: "plain_text", text: "AWS", emoji: true },
    type: "modal",
    blocks: [],
    close: null,
    submit: null,
    state: { values: {} },
    hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString("hex")}`,
    private_metadata: "",
    root_view_id: null,
    previous_view_id: null,
    clear_on_close: false,
    notify_on_close: false,
    ...fields,
  };
}

export interface BlockActionsOptions {
  actions: ButtonAction[] | BlockAction["actions"];
  userId?: string;
  teamId?: string;
  /** The channel of the message holding the buttons; omit for a Home-tab or modal action. */
  channelId?: string;
  messageTs?: string;
  view?: ViewOutput;
  responseUrl?: string;
  triggerId?: string;
  /** The Enterprise Grid org of an org-wide installation (SLACK_IDS.enterpriseId). */
  enterpriseId?: string;
}

/** What Slack adds to an interaction payload from a workspace of an org-wide installation. */
function enterpriseFields(enterpriseId: string | undefined) {
  if (enterpriseId === undefined) return { is_enterprise_install: false };
  return { enterprise: { id: enterpriseId, name: SLACK_IDS.enterpriseName }, is_enterprise_install: true };
}

/** A `block_actions` interaction payload (send with postInteraction). */
export function blockActionsPayload(options: BlockActionsOptions): BlockAction {
  const teamId = options.teamId ?? SLACK_IDS.teamId;
  const inMessage = options.channelId !== undefined;
  const container: Record<string, string | boolean> = inMessage
    ? {
        type: "message",
        channel_id: options.channelId!,
        message_ts: options.messageTs ?? slackTsNow(),
        is_ephemeral: false,
      }
    : options.view !== undefined
      ? { type: "view", view_id: options.view.id }
      : { type: "unknown" };
  return {
    type: "block_actions",
    actions: options.actions,
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    user: { id: options.userId ?? SLACK_IDS.userId, username: SLACK_IDS.userName, team_id: teamId },
    ...(inMessage
      ? {
          channel: { id: options.channelId!, name: SLACK_IDS.channelName },
          message: { type: "message", ts: container.message_ts as string, text: "" },
        }
      : {}),
    ...(options.view === undefined ? {} : { view: options.view }),
    token: SLACK_IDS.verificationToken,
    response_url:
      options.responseUrl ??
      `https://hooks.slack.com/actions/${teamId}/${randomDigits(13)}/${randomBytes(12).toString("hex")}`,
    trigger_id: options.triggerId ?? newTriggerId(),
    api_app_id: SLACK_IDS.appId,
    container,
    ...enterpriseFields(options.enterpriseId),
  };
}

export interface ViewSubmissionOptions {
  callbackId: string;
  /** state.values: block_id → action_id → value (plain strings become plain_text_input values). */
  values?: Record<string, Record<string, ViewStateValue | string>>;
  privateMetadata?: string;
  userId?: string;
  teamId?: string;
  view?: Partial<ViewOutput>;
  triggerId?: string;
  enterpriseId?: string;
}

/** A `view_submission` interaction payload (send with postInteraction). */
export function viewSubmissionPayload(options: ViewSubmissionOptions): ViewSubmitAction {
  const teamId = options.teamId ?? SLACK_IDS.teamId;
  const values: ViewOutput["state"]["values"] = {};
  for (const [blockId, actions] of Object.entries(options.values ?? {})) {
    values[blockId] = {};
    for (const [actionId, value] of Object.entries(actions)) {
      values[blockId][actionId] = typeof value === "string" ? { type: "plain_text_input", value } : value;
    }
  }
  return {
    type: "view_submission",
    team: { id: teamId, domain: SLACK_IDS.teamDomain },
    user: { id: options.userId ?? SLACK_IDS.userId, name: SLACK_IDS.userName, team_id: teamId },
    view: viewOutput({
      team_id: teamId,
      callback_id: options.callbackId,
      private_metadata: options.privateMetadata ?? "",
      state: { values },
      submit: { type: "plain_text", text: "Save" },
      close: { type: "plain_text", text: "Cancel" },
      ...options.view,
    }),
    api_app_id: SLACK_IDS.appId,
    token: SLACK_IDS.verificationToken,
    trigger_id: options.triggerId ?? newTriggerId(),
    ...enterpriseFields(options.enterpriseId),
    response_urls: [],
  };
}
