/**
 * Public types of the fake Slack Web API (see fake-slack.ts). Kept apart so the state, the method
 * handlers and the server can share them without importing each other.
 */

export type JsonObject = Record<string, unknown>;

/** What a test wants the fake to do instead of (or before) answering normally. */
export type FakeFailure =
  /** HTTP 200 `{ok:false, error}` (plus `extra` fields), the way Slack reports API errors. */
  | { error: string; extra?: JsonObject; delayMs?: number }
  /**
   * Another HTTP status. 429 carries `Retry-After: retryAfterSeconds` (default 1; `null` omits the
   * header). `body` replaces the default JSON body.
   */
  | { status: number; retryAfterSeconds?: number | null; body?: string; delayMs?: number }
  /** Answers normally, but only after `delayMs`. */
  | { delayMs: number }
  /** Destroys the socket without answering (a network failure for the client). */
  | { disconnect: true; delayMs?: number };

export interface FailureOptions {
  /** How many matching calls fail (failNext only); default 1. */
  times?: number;
  /** Only calls for which this returns true are affected (and counted). */
  filter?: (call: RecordedCall) => boolean;
}

export interface BehaviorOptions {
  filter?: (call: RecordedCall) => boolean;
  /** The behaviour ends by itself after this many milliseconds. */
  durationMs?: number;
}

export type CallOutcome = "pending" | "ok" | "error" | "rate_limited" | "http_error" | "disconnected";

/** One Web API call as the fake saw and answered it. */
export interface RecordedCall {
  /** Arrival order, from 1. */
  readonly seq: number;
  readonly method: string;
  /** The token sent (Authorization: Bearer, or the `token` field). */
  readonly token: string | undefined;
  /** The team the token belongs to, when the fake knows the token. */
  readonly teamId: string | undefined;
  /** Parsed arguments (form or JSON), with `blocks`, `attachments`, `view`, `files`, `metadata` decoded. */
  readonly args: JsonObject;
  /** Arrival time (ms since epoch). */
  readonly at: number;
  readonly outcome: CallOutcome;
  readonly status: number | undefined;
  readonly response: JsonObject | undefined;
  /** Slack's `error` when the answer was `ok:false` (or "ratelimited" for a 429). */
  readonly error: string | undefined;
  /** True when failNext/setBehavior answered instead of the method. */
  readonly injected: boolean;
}

export interface RateLimit {
  /** Sustained calls per second per channel. */
  perSecond: number;
  /** Calls allowed at once before the rate applies (token-bucket capacity); default 1. */
  burst?: number;
}

export interface FakeSlackOptions {
  /** OAuth client credentials checked by oauth.v2.access (defaults from SLACK_IDS). */
  clientId?: string;
  clientSecret?: string;
  appId?: string;
  /** oauth.v2.access issues expiring tokens (`xoxe.xoxb-1-…`) and refresh tokens (`xoxe-1-…`). */
  tokenRotation?: boolean;
  /** Lifetime of rotating access tokens, seconds; default 43200 (12 h) like Slack. */
  tokenLifetimeSeconds?: number;
  /** Per-channel limiter for chat.postMessage; over-limit calls get 429 + Retry-After. */
  postMessageLimit?: RateLimit;
  /** Reject structurally invalid Block Kit with `invalid_blocks` like Slack; default true. */
  validateBlocks?: boolean;
  /** Answer `missing_scope` when the token lacks the method's scope; default true. */
  enforceScopes?: boolean;
  /** Clock (ms since epoch); default Date.now. */
  now?: () => number;
  /** First message ts (seconds); each message adds 100 µs. Default 1700000000. */
  tsBaseSeconds?: number;
}

export interface EnterpriseRef {
  id: string;
  name: string;
}

export interface ChannelSpec {
  id?: string;
  name: string;
  /** Default: the workspace it is added with, else SLACK_IDS.teamId. */
  teamId?: string;
  isPrivate?: boolean;
  /** Whether the bot is a member; default true. */
  isMember?: boolean;
  isArchived?: boolean;
  /** Human members; when given, chat.postEphemeral to anyone else fails with user_not_in_channel. */
  members?: string[];
}

export interface FakeChannel {
  id: string;
  name: string;
  teamId: string;
  isPrivate: boolean;
  isMember: boolean;
  isArchived: boolean;
  isIm: boolean;
  /** For a DM (im) channel: the user on the other side. */
  imUser?: string;
  members?: string[];
  created: number;
}

export interface UserSpec {
  id?: string;
  name?: string;
  realName?: string;
  teamId?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
  isPrimaryOwner?: boolean;
  /** A multi-channel guest (users.info is_restricted). */
  isRestricted?: boolean;
  /** A single-channel guest (users.info is_ultra_restricted). */
  isUltraRestricted?: boolean;
  isBot?: boolean;
  deleted?: boolean;
  tz?: string;
}

export interface FakeUser {
  id: string;
  name: string;
  realName: string;
  teamId: string;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isRestricted: boolean;
  isUltraRestricted: boolean;
  isBot: boolean;
  deleted: boolean;
  tz: string;
}

export interface WorkspaceSpec {
  teamId?: string;
  teamName?: string;
  domain?: string;
  enterprise?: EnterpriseRef | null;
  isEnterpriseInstall?: boolean;
  /** The bot token the app will use; generated when absent. */
  botToken?: string;
  botUserId?: string;
  botId?: string;
  botName?: string;
  /** Bot scopes; default DEFAULT_BOT_SCOPES. */
  scopes?: readonly string[];
  /** Issue an expiring bot token and a refresh token (token rotation) instead of a permanent one. */
  rotating?: boolean;
  /** Seconds until the rotating bot token expires; default tokenLifetimeSeconds. */
  expiresInSeconds?: number;
  /**
   * Channels and users to add. The first time the default team (SLACK_IDS.teamId) is added, both
   * default to SLACK_IDS' public and private channel (bot is a member) and its user and admin.
   */
  channels?: ChannelSpec[];
  users?: UserSpec[];
}

export interface FakeWorkspace {
  teamId: string;
  teamName: string;
  domain: string;
  enterprise: EnterpriseRef | null;
  isEnterpriseInstall: boolean;
  appId: string;
  botUserId: string;
  botId: string;
  botName: string;
  /** The latest bot token issued or registered for this workspace. */
  botToken: string;
  /** Set when the bot token rotates. */
  refreshToken?: string;
  /** Expiry of the bot token (ms since epoch), when it rotates. */
  botTokenExpiresAt?: number;
  scopes: readonly string[];
}

/** What a user approves on the (simulated) OAuth consent screen. */
export interface OAuthGrant {
  teamId?: string;
  teamName?: string;
  enterprise?: EnterpriseRef | null;
  isEnterpriseInstall?: boolean;
  /** The installing user; default SLACK_IDS.userId. */
  userId?: string;
  scopes?: readonly string[];
  /** User-token scopes; a user token is issued only when non-empty. */
  userScopes?: readonly string[];
  /** When set, oauth.v2.access must send the same redirect_uri. */
  redirectUri?: string;
  /** Overrides the fake's tokenRotation option for this install. */
  tokenRotation?: boolean;
}

export interface StoredMessage {
  channel: string;
  teamId: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  /** The bot user that posted it. */
  user: string;
  botId: string;
  /** File ids shared with this message (files.completeUploadExternal). */
  files?: string[];
  replyBroadcast: boolean;
  /** How many times chat.update changed it. */
  updates: number;
}

export interface EphemeralMessage {
  channel: string;
  user: string;
  messageTs: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
}

export interface StoredView {
  id: string;
  teamId: string;
  type: string;
  /** For a Home tab: the user it was published for. */
  userId?: string;
  externalId?: string;
  hash: string;
  rootViewId: string;
  triggerId?: string;
  /** The view as last sent by the app. */
  view: JsonObject;
}

export interface StoredFile {
  id: string;
  teamId: string;
  filename: string;
  declaredLength: number;
  altText?: string;
  bytes?: Buffer;
  title?: string;
  completed: boolean;
  channelId?: string;
  threadTs?: string;
  initialComment?: string;
  blocks?: unknown[];
  /** ts of the message that shared the file, when completed into a channel. */
  shareTs?: string;
}

/** One POST to a URL from fake.responseUrl(). */
export interface ResponseUrlPost {
  url: string;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body: JsonObject | string;
  contentType: string;
  at: number;
  status: number;
}
