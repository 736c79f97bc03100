/**
 * The world the fake Slack holds: workspaces, channels, users, tokens, and what the app did there
 * (messages, ephemerals, views, files). Method handlers read and change it; tests inspect it.
 */
import { randomBytes } from "node:crypto";
import { newAccessToken, type TokenRecord, TokenStore } from "./fake-slack-tokens";
import type {
  ChannelSpec,
  EphemeralMessage,
  FakeChannel,
  FakeSlackOptions,
  FakeUser,
  FakeWorkspace,
  RateLimit,
  StoredFile,
  StoredMessage,
  StoredView,
  UserSpec,
  WorkspaceSpec,
} from "./fake-slack-types";
import { DEFAULT_BOT_SCOPES, SLACK_IDS } from "./slack-payloads";

export interface FakeSlackConfig {
  clientId: string;
  clientSecret: string;
  appId: string;
  tokenRotation: boolean;
  tokenLifetimeSeconds: number;
  postMessageLimit: RateLimit | undefined;
  validateBlocks: boolean;
  enforceScopes: boolean;
  now: () => number;
  tsBaseSeconds: number;
}

export function resolveConfig(options: FakeSlackOptions = {}): FakeSlackConfig {
  return {
    clientId: options.clientId ?? SLACK_IDS.clientId,
    clientSecret: options.clientSecret ?? SLACK_IDS.clientSecret,
    appId: options.appId ?? SLACK_IDS.appId,
    tokenRotation: options.tokenRotation ?? false,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 43200,
    postMessageLimit: options.postMessageLimit,
    validateBlocks: options.validateBlocks ?? true,
    enforceScopes: options.enforceScopes ?? true,
    now: options.now ?? Date.now,
    tsBaseSeconds: options.tsBaseSeconds ?? 1700000000,
  };
}

/**
 * What the default workspace (SLACK_IDS.teamId) starts with unless `channels` / `users` are given:
 * the channels and people the payload builders refer to.
 */
const DEFAULT_CHANNELS: ChannelSpec[] = [
  { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName },
  { id: SLACK_IDS.privateChannelId, name: SLACK_IDS.privateChannelName, isPrivate: true },
];
const DEFAULT_USERS: UserSpec[] = [
  { id: SLACK_IDS.userId, name: SLACK_IDS.userName },
  { id: SLACK_IDS.adminUserId, name: SLACK_IDS.adminUserName, isAdmin: true },
  { id: SLACK_IDS.guestUserId, name: SLACK_IDS.guestUserName, isRestricted: true },
];

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A random Slack-style id: prefix + 10 upper-case alphanumerics. */
export function newSlackId(prefix: string): string {
  const bytes = randomBytes(10);
  let out = prefix;
  for (const byte of bytes) out += ID_ALPHABET[byte % ID_ALPHABET.length];
  return out;
}

export class FakeSlackState {
  readonly tokens: TokenStore;
  readonly workspaces = new Map<string, FakeWorkspace>();
  readonly channels = new Map<string, FakeChannel>();
  readonly users = new Map<string, FakeUser>();
  messages: StoredMessage[] = [];
  ephemerals: EphemeralMessage[] = [];
  readonly views = new Map<string, StoredView>();
  readonly files = new Map<string, StoredFile>();
  private tsCounter = 0;

  constructor(readonly config: FakeSlackConfig) {
    this.tokens = new TokenStore(config.now);
  }

  now(): number {
    return this.config.now();
  }

  /** Unique, increasing message timestamps: "1700000000.000100", "1700000000.000200", … */
  nextTs(): string {
    this.tsCounter += 1;
    const micros = this.config.tsBaseSeconds * 1_000_000 + this.tsCounter * 100;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
  }

  addWorkspace(spec: WorkspaceSpec = {}): FakeWorkspace {
    const teamId = spec.teamId ?? SLACK_IDS.teamId;
    const previous = this.workspaces.get(teamId);
    const rotating = spec.rotating ?? false;
    const workspace: FakeWorkspace = {
      teamId,
      teamName:
        spec.teamName ?? previous?.teamName ?? (teamId === SLACK_IDS.teamId ? SLACK_IDS.teamName : teamId),
      domain:
        spec.domain ??
        previous?.domain ??
        (teamId === SLACK_IDS.teamId ? SLACK_IDS.teamDomain : teamId.toLowerCase()),
      enterprise: spec.enterprise ?? previous?.enterprise ?? null,
      isEnterpriseInstall: spec.isEnterpriseInstall ?? previous?.isEnterpriseInstall ?? false,
      appId: this.config.appId,
      botUserId:
        spec.botUserId ??
        previous?.botUserId ??
        (teamId === SLACK_IDS.teamId ? SLACK_IDS.botUserId : newSlackId("U")),
      botId:
        spec.botId ?? previous?.botId ?? (teamId === SLACK_IDS.teamId ? SLACK_IDS.botId : newSlackId("B")),
      botName: spec.botName ?? previous?.botName ?? SLACK_IDS.botName,
      botToken: spec.botToken ?? newAccessToken("bot", rotating),
      scopes: spec.scopes ?? previous?.scopes ?? DEFAULT_BOT_SCOPES,
    };
    if (rotating) {
      workspace.botTokenExpiresAt =
        this.now() + (spec.expiresInSeconds ?? this.config.tokenLifetimeSeconds) * 1000;
      workspace.refreshToken = this.tokens.issueRefreshToken("bot", teamId, workspace.botUserId);
    }
    this.workspaces.set(teamId, workspace);
    this.registerBotToken(workspace, workspace.botToken, workspace.botTokenExpiresAt);
    this.ensureBotUser(workspace);
    const firstDefault = previous === undefined && teamId === SLACK_IDS.teamId;
    const channels = spec.channels ?? (firstDefault ? DEFAULT_CHANNELS : []);
    const users = spec.users ?? (firstDefault ? DEFAULT_USERS : []);
    for (const channel of channels) this.addChannel({ teamId, ...channel });
    for (const user of users) this.addUser({ teamId, ...user });
    return workspace;
  }

  registerBotToken(workspace: FakeWorkspace, token: string, expiresAt: number | undefined): TokenRecord {
    return this.tokens.register({
      token,
      kind: "bot",
      teamId: workspace.teamId,
      enterpriseId: workspace.enterprise?.id,
      isEnterpriseInstall: workspace.isEnterpriseInstall,
      userId: workspace.botUserId,
      botId: workspace.botId,
      scopes: workspace.scopes,
      expiresAt,
      revoked: false,
    });
  }

  private ensureBotUser(workspace: FakeWorkspace): void {
    if (this.users.has(workspace.botUserId)) return;
    this.addUser({ id: workspace.botUserId, name: workspace.botName, teamId: workspace.teamId, isBot: true });
  }

  addChannel(spec: ChannelSpec): FakeChannel {
    const channel: FakeChannel = {
      id: spec.id ?? newSlackId("C"),
      name: spec.name,
      teamId: spec.teamId ?? SLACK_IDS.teamId,
      isPrivate: spec.isPrivate ?? false,
      isMember: spec.isMember ?? true,
      isArchived: spec.isArchived ?? false,
      isIm: false,
      members: spec.members,
      created: Math.floor(this.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  addUser(spec: UserSpec): FakeUser {
    const id = spec.id ?? newSlackId("U");
    const name = spec.name ?? id.toLowerCase();
    const user: FakeUser = {
      id,
      name,
      realName: spec.realName ?? name,
      teamId: spec.teamId ?? SLACK_IDS.teamId,
      isAdmin: spec.isAdmin ?? spec.isOwner ?? false,
      isOwner: spec.isOwner ?? false,
      isPrimaryOwner: spec.isPrimaryOwner ?? false,
      isRestricted: spec.isRestricted ?? false,
      isUltraRestricted: spec.isUltraRestricted ?? false,
      isBot: spec.isBot ?? false,
      deleted: spec.deleted ?? false,
      tz: spec.tz ?? "Europe/Paris",
    };
    this.users.set(id, user);
    return user;
  }

  /** Whether the token's installation can see the channel at all (same team, or same org for org installs). */
  canSee(auth: TokenRecord, channel: FakeChannel): boolean {
    const sameTeam =
      channel.teamId === auth.teamId ||
      (auth.isEnterpriseInstall &&
        auth.enterpriseId !== undefined &&
        this.workspaces.get(channel.teamId)?.enterprise?.id === auth.enterpriseId);
    if (!sameTeam) return false;
    if (channel.isIm) return true;
    return !channel.isPrivate || channel.isMember;
  }

  /** Resolves a `channel` argument: a channel id, "#name", or a user id (the app's DM with that user). */
  resolveChannel(auth: TokenRecord, target: string): FakeChannel | undefined {
    if (target.startsWith("#")) {
      const name = target.slice(1);
      return [...this.channels.values()].find((c) => c.name === name && this.canSee(auth, c));
    }
    if (/^[UW]/.test(target)) {
      const user = this.users.get(target);
      return user && user.teamId === auth.teamId ? this.imChannel(auth.teamId, user.id) : undefined;
    }
    const channel = this.channels.get(target);
    return channel && this.canSee(auth, channel) ? channel : undefined;
  }

  private imChannel(teamId: string, userId: string): FakeChannel {
    const existing = [...this.channels.values()].find(
      (c) => c.isIm && c.teamId === teamId && c.imUser === userId,
    );
    if (existing) return existing;
    const channel: FakeChannel = {
      id: newSlackId("D"),
      name: userId,
      teamId,
      isPrivate: true,
      isMember: true,
      isArchived: false,
      isIm: true,
      imUser: userId,
      created: Math.floor(this.now() / 1000),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /**
   * Who is in a channel: its `members` when the test gave them, else every person of its workspace;
   * the bot too when it is a member.
   */
  channelMembers(channel: FakeChannel): string[] {
    const people =
      channel.members ??
      [...this.users.values()].filter((u) => u.teamId === channel.teamId && !u.isBot).map((u) => u.id);
    const bot = this.workspaces.get(channel.teamId)?.botUserId;
    return channel.isMember && bot !== undefined && !people.includes(bot) ? [...people, bot] : people;
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  /** Forgets what the app did (messages, ephemerals, views, files); keeps workspaces, channels, users, tokens. */
  clearActivity(): void {
    this.messages = [];
    this.ephemerals = [];
    this.views.clear();
    this.files.clear();
  }
}
