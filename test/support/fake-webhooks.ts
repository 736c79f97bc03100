/**
 * A loopback incoming-webhook receiver standing in for Amazon Chime, Slack, Teams and Mattermost: it
 * records every POST per path and answers 200 unless told otherwise (429 with Retry-After, 413, 404,
 * 403, 410, 500, a redirect, a huge body, a delay). Real webhooks are https on fixed hosts, so tests
 * set WEBHOOK_URL_PATTERN to admit `http://127.0.0.1:<port>/…` (see `pattern`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface WebhookAnswer {
  status?: number;
  /** Retry-After header value (with 429). */
  retryAfter?: string;
  /** Location header (with 3xx). */
  location?: string;
  body?: string;
  /** Answer this late. */
  delayMs?: number;
  /** Cut the connection without answering. */
  disconnect?: boolean;
}

export interface ReceivedPost {
  path: string;
  /** Path and query, as requested. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: unknown;
  bytes: number;
  at: number;
  /** The status answered (undefined when the connection was cut). */
  status?: number;
}

export class FakeWebhooks {
  readonly posts: ReceivedPost[] = [];
  url = "";
  private server: Server | undefined;
  private readonly queued = new Map<string, WebhookAnswer[]>();
  private readonly standing = new Map<string, WebhookAnswer>();

  /** `http://127.0.0.1:PORT` + path. */
  urlFor(path: string): string {
    return `${this.url}${path.startsWith("/") ? path : `/${path}`}`;
  }

  /** A WEBHOOK_URL_PATTERN admitting exactly this receiver. */
  get pattern(): string {
    return `^${this.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/`;
  }

  /** The next POST to `path` (the path without query; "*" for any) gets this answer. */
  answerNext(path: string, answer: WebhookAnswer): void {
    const list = this.queued.get(path) ?? [];
    list.push(answer);
    this.queued.set(path, list);
  }

  /** Every POST to `path` ("*" for any) gets this answer until `reset`. */
  answerAlways(path: string, answer: WebhookAnswer): void {
    this.standing.set(path, answer);
  }

  postsTo(path: string): ReceivedPost[] {
    return this.posts.filter((post) => post.path === path);
  }

  reset(): void {
    this.posts.length = 0;
    this.queued.clear();
    this.standing.clear();
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answerFor(path: string): WebhookAnswer {
    for (const key of [path, "*"]) {
      const list = this.queued.get(key);
      if (list !== undefined && list.length > 0) return list.shift() as WebhookAnswer;
    }
    return this.standing.get(path) ?? this.standing.get("*") ?? {};
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = request.url ?? "/";
    const path = url.split("?")[0];
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      json = undefined;
    }
    const post: ReceivedPost = {
      path,
      url,
      headers: request.headers,
      body: body.toString("utf8"),
      json,
      bytes: body.length,
      at: Date.now(),
    };
    this.posts.push(post);
    const answer = this.answerFor(path);
    // Unref'd: a delayed answer must not keep the test process alive after close().
    if (answer.delayMs !== undefined)
      await new Promise((resolve) => setTimeout(resolve, answer.delayMs).unref());
    if (answer.disconnect) {
      request.socket.destroy();
      return;
    }
    const status = answer.status ?? 200;
    post.status = status;
    const headers: Record<string, string> = { "content-type": "text/plain" };
    if (answer.retryAfter !== undefined) headers["retry-after"] = answer.retryAfter;
    if (answer.location !== undefined) headers.location = answer.location;
    if (!response.destroyed)
      response.writeHead(status, headers).end(answer.body ?? (status < 300 ? "" : "error"));
  }
}

export async function startFakeWebhooks(): Promise<FakeWebhooks> {
  const fake = new FakeWebhooks();
  await fake.listen();
  return fake;
}
