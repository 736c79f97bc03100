/**
 * The HTTP side of the fake Slack: routes (Web API methods under /api/, upload URLs, response URLs,
 * the OAuth consent page), authentication, scopes, the postMessage limiter and failure injection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MethodTable } from "./fake-slack-api";
import { CHAT_METHODS } from "./fake-slack-chat";
import {
  type ChannelRateLimiter,
  type FaultInjector,
  failureAnswer,
  type HttpReply,
} from "./fake-slack-faults";
import { FILE_METHODS, receiveUpload, UPLOAD_PATH } from "./fake-slack-files";
import {
  bearerToken,
  contentTypeOf,
  isJsonObject,
  parseApiArgs,
  readBody,
  sendJson,
  sendText,
  stringArg,
  uploadedBytes,
} from "./fake-slack-http";
import { CORE_METHODS } from "./fake-slack-methods";
import {
  AUTHORIZE_PATH,
  type AuthorizationDecision,
  authorizeRedirect,
  OAUTH_METHODS,
} from "./fake-slack-oauth";
import type { CallRecorder } from "./fake-slack-recorder";
import { parseResponseBody, RESPONSE_PATH, ResponseUrls } from "./fake-slack-response-urls";
import type { FakeSlackState } from "./fake-slack-state";
import type { CallOutcome, JsonObject, RecordedCall } from "./fake-slack-types";

export const METHODS: MethodTable = { ...CORE_METHODS, ...CHAT_METHODS, ...FILE_METHODS, ...OAUTH_METHODS };

export interface ServerParts {
  state: FakeSlackState;
  recorder: CallRecorder;
  faults: FaultInjector;
  limiter: ChannelRateLimiter;
  authorization: () => AuthorizationDecision;
}

function outcomeOf(status: number, body: JsonObject | string): CallOutcome {
  if (status === 429) return "rate_limited";
  if (status !== 200) return "http_error";
  return isJsonObject(body) && body.ok === true ? "ok" : "error";
}

export class FakeSlackServer {
  private readonly server: Server;
  private readonly sleepers = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private readonly responseUrls: ResponseUrls;
  origin = "";

  constructor(private readonly parts: ServerParts) {
    this.responseUrls = new ResponseUrls(
      parts.state.now.bind(parts.state),
      parts.state.config.validateBlocks,
    );
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        const detail = error instanceof Error ? error.message : String(error);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: "fake_slack_internal_error", detail });
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${port}`;
    return this.origin;
  }

  async close(): Promise<void> {
    for (const sleeper of this.sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    this.sleepers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Connections open now: 0 once every client (a killed server included) has hung up. */
  openConnections(): Promise<number> {
    return new Promise((resolve, reject) =>
      this.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
  }

  newResponseUrl(teamId?: string): string {
    return `${this.origin}${RESPONSE_PATH}${this.responseUrls.create(teamId)}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleeper = { timer: setTimeout(() => done(), ms), wake: () => resolve() };
      const done = () => {
        this.sleepers.delete(sleeper);
        resolve();
      };
      this.sleepers.add(sleeper);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    if (req.method === "GET" && path === AUTHORIZE_PATH) {
      const result = authorizeRedirect(this.parts.state, url.searchParams, this.parts.authorization());
      return sendText(res, result.status, result.text, result.location ? { location: result.location } : {});
    }
    const isApi = path.startsWith("/api/");
    if (req.method !== "POST" && !(isApi && req.method === "GET"))
      return sendText(res, 405, "method not allowed");
    const raw = await readBody(req);
    if (isApi) return this.handleApi(req, res, path.slice("/api/".length), raw, url.search.slice(1));
    if (path.startsWith(UPLOAD_PATH)) return this.handleUpload(req, res, path.slice(UPLOAD_PATH.length), raw);
    if (path.startsWith(RESPONSE_PATH))
      return this.handleResponseUrl(req, res, path.slice(RESPONSE_PATH.length), raw);
    sendText(res, 404, `fake Slack: no route for POST ${path}`);
  }

  /** Runs injected failures; returns true when the call has been answered. */
  private async injected(req: IncomingMessage, res: ServerResponse, call: RecordedCall): Promise<boolean> {
    const failure = this.parts.faults.take(call);
    if (!failure) return false;
    if (failure.delayMs !== undefined) await this.sleep(failure.delayMs);
    const answer = failureAnswer(failure);
    if (answer === "answer-normally") return false;
    if (answer === "disconnect") {
      req.socket.destroy();
      this.parts.recorder.finish(call, { outcome: "disconnected", injected: true });
    } else {
      this.reply(res, call, answer, true);
    }
    return true;
  }

  private reply(res: ServerResponse, call: RecordedCall, reply: HttpReply, injected: boolean): void {
    const response = isJsonObject(reply.body) ? reply.body : undefined;
    this.parts.recorder.finish(call, {
      outcome: outcomeOf(reply.status, reply.body),
      status: reply.status,
      response,
      injected,
    });
    if (res.destroyed || res.writableEnded) return;
    if (typeof reply.body === "string") sendText(res, reply.status, reply.body, reply.headers);
    else sendJson(res, reply.status, reply.body, reply.headers);
  }

  private async handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    raw: Buffer,
    query: string,
  ): Promise<void> {
    const { state, recorder } = this.parts;
    // Slack also takes arguments in the query string (GET, or POST with both).
    const fromQuery = await parseApiArgs(Buffer.from(query), {
      "content-type": "application/x-www-form-urlencoded",
    });
    const parsed = await parseApiArgs(raw, req.headers);
    const args = parsed.ok && fromQuery.ok ? { ...fromQuery.args, ...parsed.args } : {};
    const token = bearerToken(req.headers) ?? stringArg(args, "token");
    delete args.token;
    const call = recorder.start(method, token, state.tokens.peek(token)?.teamId, args);
    if (await this.injected(req, res, call)) return;
    if (!parsed.ok)
      return this.reply(res, call, { status: 200, body: { ok: false, error: parsed.error } }, false);
    try {
      this.reply(res, call, await this.runMethod(req, method, token, args), false);
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.reply(
        res,
        call,
        { status: 500, body: { ok: false, error: "fake_slack_internal_error", detail } },
        false,
      );
    }
  }

  private async runMethod(
    req: IncomingMessage,
    method: string,
    token: string | undefined,
    args: JsonObject,
  ): Promise<HttpReply> {
    const { state, limiter } = this.parts;
    const spec = METHODS[method];
    if (!spec) return { status: 200, body: { ok: false, error: "unknown_method", req_method: method } };
    if (spec.kind === "public") {
      return {
        status: 200,
        body: await spec.handle({ args, headers: req.headers, state, origin: this.origin }),
      };
    }
    const auth = state.tokens.authenticate(token);
    if (!auth.ok) return { status: 200, body: { ok: false, error: auth.error } };
    const scopes = auth.record.scopes;
    const headers = {
      "x-oauth-scopes": scopes.join(","),
      "x-accepted-oauth-scopes": (spec.scopes ?? []).join(","),
    };
    if (state.config.enforceScopes && spec.scopes && !spec.scopes.some((s) => scopes.includes(s))) {
      const body = {
        ok: false,
        error: "missing_scope",
        needed: spec.scopes.join(","),
        provided: scopes.join(","),
      };
      return { status: 200, body, headers };
    }
    if (method === "chat.postMessage") {
      const decision = limiter.check(`${auth.record.teamId}:${stringArg(args, "channel") ?? ""}`);
      if (!decision.allowed) {
        return {
          status: 429,
          body: { ok: false, error: "ratelimited" },
          headers: { ...headers, "retry-after": String(decision.retryAfterSeconds) },
        };
      }
    }
    const body = await spec.handle({ args, auth: auth.record, state, origin: this.origin });
    return { status: 200, body, headers };
  }

  private async handleUpload(
    req: IncomingMessage,
    res: ServerResponse,
    fileId: string,
    raw: Buffer,
  ): Promise<void> {
    const { state, recorder } = this.parts;
    const token = bearerToken(req.headers);
    const bytes = await uploadedBytes(raw, req.headers);
    const call = recorder.start("upload", token, state.files.get(fileId)?.teamId, {
      file_id: fileId,
      size: bytes.length,
    });
    if (await this.injected(req, res, call)) return;
    const result = receiveUpload(state, fileId, bytes);
    const ok = result.status === 200;
    recorder.finish(call, {
      outcome: ok ? "ok" : "http_error",
      status: result.status,
      response: { ok },
      injected: false,
    });
    sendText(res, result.status, result.text);
  }

  private async handleResponseUrl(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    raw: Buffer,
  ): Promise<void> {
    const body = parseResponseBody(raw);
    const args = isJsonObject(body) ? body : { raw: body };
    const call = this.parts.recorder.start("response_url", undefined, this.responseUrls.teamOf(id), args);
    if (await this.injected(req, res, call)) return;
    const verdict = this.responseUrls.accept(id, body);
    this.parts.recorder.recordResponsePost({
      url: `${this.origin}${RESPONSE_PATH}${id}`,
      body,
      contentType: contentTypeOf(req.headers),
      at: call.at,
      status: verdict.status,
    });
    this.reply(
      res,
      call,
      { status: verdict.status, body: verdict.status === 200 ? { ok: true } : verdict.text },
      false,
    );
  }
}
