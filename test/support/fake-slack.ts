/**
 * A fake Slack Web API on loopback for end-to-end tests: a real HTTP server that answers like Slack
 * (HTTP 200 + `ok:false` for API errors, 429 + Retry-After when limited), records every call, and can
 * be told to fail. Point the app at it with `SLACK_API_URL=fake.url` (Bolt `clientOptions.slackApiUrl`).
 *
 *   const fake = await startFakeSlack();
 *   const { botToken } = fake.addWorkspace({ channels: [{ id: "C1", name: "alerts" }] });
 *   … run the app …
 *   const [call] = await fake.waitForCalls("chat.postMessage", 1);
 *   await fake.close();
 */
import { ErrorCode, WebClient, type WebClientOptions } from "@slack/web-api";
import { ChannelRateLimiter, FaultInjector } from "./fake-slack-faults";
import { silentSlackLogger } from "./fake-slack-logger";
import { AUTHORIZE_PATH, type AuthorizationDecision, authorizeRedirect } from "./fake-slack-oauth";
import { CallRecorder, type WaitForCallsOptions, type WaitForResponsesOptions } from "./fake-slack-recorder";
import { FakeSlackServer } from "./fake-slack-server";
import { FakeSlackState, resolveConfig } from "./fake-slack-state";
import type {
  BehaviorOptions,
  ChannelSpec,
  EphemeralMessage,
  FailureOptions,
  FakeChannel,
  FakeFailure,
  FakeSlackOptions,
  FakeUser,
  FakeWorkspace,
  OAuthGrant,
  RateLimit,
  RecordedCall,
  ResponseUrlPost,
  StoredFile,
  StoredMessage,
  StoredView,
  UserSpec,
  WorkspaceSpec,
} from "./fake-slack-types";

export type { AuthorizationDecision } from "./fake-slack-oauth";
export type { WaitForCallsOptions, WaitForResponsesOptions } from "./fake-slack-recorder";
export type * from "./fake-slack-types";
export { DEFAULT_BOT_SCOPES, SLACK_IDS } from "./slack-payloads";

export class FakeSlack {
  /** Base URL of the Web API, ending in "/api/": use as SLACK_API_URL / slackApiUrl. */
  readonly url: string;
  /** "http://127.0.0.1:PORT". */
  readonly origin: string;
  /** The consent page; use as the app's `installerOptions.authorizationUrl`. */
  readonly authorizeUrl: string;
  private authorization: AuthorizationDecision = {};

  private constructor(
    private readonly state: FakeSlackState,
    private readonly recorder: CallRecorder,
    private readonly faults: FaultInjector,
    private readonly limiter: ChannelRateLimiter,
    private readonly server: FakeSlackServer,
  ) {
    this.origin = server.origin;
    this.url = `${server.origin}/api/`;
    this.authorizeUrl = `${server.origin}${AUTHORIZE_PATH}`;
  }

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlack> {
    const config = resolveConfig(options);
    const state = new FakeSlackState(config);
    const recorder = new CallRecorder(config.now);
    const faults = new FaultInjector(config.now);
    const limiter = new ChannelRateLimiter(undefined, config.now);
    limiter.setLimit(config.postMessageLimit);
    let fake: FakeSlack | undefined;
    const server = new FakeSlackServer({
      state,
      recorder,
      faults,
      limiter,
      authorization: () => fake?.authorization ?? {},
    });
    await server.listen();
    fake = new FakeSlack(state, recorder, faults, limiter, server);
    return fake;
  }

  /**
   * A real WebClient aimed at this fake: quiet logger and no retries by default (so errors surface at
   * once), overridable through `options`.
   */
  webClient(token?: string, options: WebClientOptions = {}): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.url,
      retryConfig: { retries: 0 },
      logger: silentSlackLogger(),
      ...options,
    });
  }

  // ── The world ────────────────────────────────────────────────────────────────────────────────

  /**
   * Installs the app in a workspace. Defaults: SLACK_IDS team and bot user, all of the app's scopes
   * (DEFAULT_BOT_SCOPES), and for the default team its SLACK_IDS channels and users.
   */
  addWorkspace(spec: WorkspaceSpec = {}): FakeWorkspace {
    return { ...this.state.addWorkspace(spec) };
  }

  /** Adds a channel (default: public, bot is a member, in SLACK_IDS.teamId). */
  addChannel(spec: ChannelSpec): FakeChannel {
    return { ...this.state.addChannel(spec) };
  }

  addUser(spec: UserSpec): FakeUser {
    return { ...this.state.addUser(spec) };
  }

  /** A snapshot of the workspace (its botToken / refreshToken change when tokens rotate). */
  workspace(teamId: string): FakeWorkspace | undefined {
    const workspace = this.state.workspaces.get(teamId);
    return workspace && { ...workspace };
  }

  /** A snapshot of the channel; change it with updateChannel. */
  channel(id: string): FakeChannel | undefined {
    const channel = this.state.channels.get(id);
    return channel && { ...channel };
  }

  /** Changes a channel (archive it, remove the bot, make it private…). */
  updateChannel(id: string, patch: Partial<Omit<FakeChannel, "id">>): FakeChannel {
    const channel = this.state.channels.get(id);
    if (!channel) throw new Error(`fake Slack: updateChannel: unknown channel ${id}`);
    return { ...Object.assign(channel, patch) };
  }

  /** Revokes every token of the workspace, as uninstalling the app does (calls get token_revoked). */
  uninstall(teamId: string): void {
    this.state.tokens.revokeTeam(teamId);
  }

  revokeToken(token: string): void {
    this.state.tokens.revoke(token);
  }

  /** Makes a token expired now; calls with it get token_expired. */
  expireToken(token: string): void {
    this.state.tokens.expire(token);
  }

  isTokenValid(token: string): boolean {
    return this.state.tokens.authenticate(token).ok;
  }

  // ── OAuth ────────────────────────────────────────────────────────────────────────────────────

  /** A code as if a user approved the install; exchange it with oauth.v2.access. */
  authorizeCode(grant: OAuthGrant = {}): string {
    return this.state.tokens.issueCode(grant);
  }

  /** What the consent page at `authorizeUrl` does next: approve with this grant, or `{deny: true}`. */
  setAuthorization(decision: AuthorizationDecision): void {
    this.authorization = decision;
  }

  /**
   * Plays the consent page for an authorize URL the app produced (any host, e.g. the real
   * "https://slack.com/oauth/v2/authorize?…" from /slack/install) and returns where Slack would send
   * the browser: the app's redirect_uri with `code` and `state` (or `error=access_denied`).
   */
  completeAuthorization(authorizeUrl: string): string {
    const query = new URL(authorizeUrl).searchParams;
    const result = authorizeRedirect(this.state, query, this.authorization);
    if (result.location === undefined) throw new Error(`fake Slack: cannot authorize: ${result.text}`);
    return result.location;
  }

  // ── response_url ─────────────────────────────────────────────────────────────────────────────

  /** A fresh response_url on the fake (5 posts within 30 minutes, like Slack's). */
  responseUrl(options: { teamId?: string } = {}): string {
    return this.server.newResponseUrl(options.teamId);
  }

  /** Posts to response URLs (all, or to one), including refused ones (see `status`). */
  responses(url?: string): ResponseUrlPost[] {
    return this.recorder.responsePosts(url);
  }

  waitForResponses(count: number, options: WaitForResponsesOptions = {}): Promise<ResponseUrlPost[]> {
    return this.recorder.waitForResponsePosts(count, options);
  }

  // ── What happened ────────────────────────────────────────────────────────────────────────────

  /**
   * Recorded calls, in arrival order, optionally of one method. Besides Web API methods, uploads to
   * upload URLs appear as method "upload" and response_url posts as "response_url".
   */
  calls(method?: string): RecordedCall[] {
    return this.recorder.calls(method);
  }

  /**
   * Resolves with all answered calls of `method` ("*" for any) passing `filter`, once there are at
   * least `count`; rejects after `timeoutMs` (default 5000) listing what did arrive.
   */
  waitForCalls(method: string, count: number, options: WaitForCallsOptions = {}): Promise<RecordedCall[]> {
    return this.recorder.waitForCalls(method, count, options);
  }

  /** Messages as they now stand in Slack (after chat.update), optionally of one channel. */
  messages(channel?: string): StoredMessage[] {
    return this.state.messages.filter((m) => channel === undefined || m.channel === channel);
  }

  /** A person deletes a message in the Slack client: later chat.update calls on it get message_not_found. */
  deleteMessage(channel: string, ts: string): boolean {
    const before = this.state.messages.length;
    this.state.messages = this.state.messages.filter((m) => m.channel !== channel || m.ts !== ts);
    return this.state.messages.length < before;
  }

  /** Forgets the recorded calls only; messages stay, as they do in Slack (long benchmarks bound memory). */
  forgetCalls(): void {
    this.recorder.reset();
  }

  ephemerals(channel?: string): EphemeralMessage[] {
    return this.state.ephemerals.filter((m) => channel === undefined || m.channel === channel);
  }

  views(): StoredView[] {
    return [...this.state.views.values()];
  }

  /** The modal opened last (a views.update keeps its place); throws when none is open. */
  lastModal(): StoredView {
    const found = this.views()
      .filter((v) => v.type === "modal")
      .at(-1);
    if (found === undefined) throw new Error("no modal open");
    return found;
  }

  /** The Home tab last published for a user. */
  homeView(userId: string): StoredView | undefined {
    return this.views().find((v) => v.type === "home" && v.userId === userId);
  }

  files(): StoredFile[] {
    return [...this.state.files.values()];
  }

  // ── Failures and limits ──────────────────────────────────────────────────────────────────────

  /**
   * The next matching call(s) of `method` ("*" for any, "upload", "response_url") fail this way:
   * `{error: "not_in_channel"}`, `{status: 429, retryAfterSeconds: 2}`, `{status: 500}`,
   * `{delayMs: 5000}`, `{disconnect: true}`. One-shot failures are used before behaviours.
   */
  failNext(method: string, failure: FakeFailure, options: FailureOptions = {}): void {
    this.faults.failNext(method, failure, options);
  }

  /** Every matching call fails this way until clearBehavior (or `durationMs` passes). */
  setBehavior(method: string, failure: FakeFailure, options: BehaviorOptions = {}): void {
    this.faults.setBehavior(method, failure, options);
  }

  /** "500 for the next 30 s": setBehavior for a duration. */
  failFor(
    method: string,
    durationMs: number,
    failure: FakeFailure,
    options: Omit<BehaviorOptions, "durationMs"> = {},
  ): void {
    this.faults.setBehavior(method, failure, { ...options, durationMs });
  }

  clearBehavior(method?: string): void {
    this.faults.clearBehavior(method);
  }

  /** One-shot failures not yet used. */
  pendingFailures(): number {
    return this.faults.pendingCount();
  }

  /** Sets (or with undefined removes) the per-channel chat.postMessage limiter; resets its buckets. */
  setPostMessageLimit(limit: RateLimit | undefined): void {
    this.limiter.setLimit(limit);
  }

  /** chat.postMessage calls the limiter refused with 429, in total or for one channel (as sent). */
  rejectedCount(channel?: string): number {
    return this.limiter.rejectedCount(channel);
  }

  /**
   * Forgets what happened (calls, response posts, messages, views, files, failures, behaviours,
   * limiter state and counts, the consent decision); keeps workspaces, channels, users and tokens.
   */
  reset(): void {
    this.authorization = {};
    this.recorder.reset();
    this.state.clearActivity();
    this.faults.reset();
    this.limiter.reset();
  }

  /**
   * Connections open now. A client that died mid-request (kill -9) has sent all it ever will once its
   * connections are gone, so tests wait for 0 instead of for a fixed time.
   */
  openConnections(): Promise<number> {
    return this.server.openConnections();
  }

  /** Stops the server, cutting open connections and delayed answers; pending waits reject. */
  async close(): Promise<void> {
    this.recorder.close();
    await this.server.close();
  }
}

/** What a WebClient call rejects with when the fake answers `ok: false` with `error` (for toMatchObject). */
export function platformError(error: string): { code: string; data: { ok: false; error: string } } {
  return { code: ErrorCode.PlatformError, data: { ok: false, error } };
}

export function startFakeSlack(options: FakeSlackOptions = {}): Promise<FakeSlack> {
  return FakeSlack.start(options);
}
