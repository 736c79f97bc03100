/**
 * The guard on a small Express app with a fake replay store: which requests reach the listeners,
 * what Slack's retries get, and when a signature is released for a retry. The store itself
 * (RequestReplays) is tested below with a Prisma that never answers, for the timeout.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import type { PrismaClient } from "../../../src/db/database";
import { type ReplayStore, slackRequestGuard } from "../../../src/slack/requests/request-guard";
import {
  type ReplayClaim,
  ReplayStoreUnavailable,
  RequestReplays,
} from "../../../src/slack/requests/request-replays";
import { capturingLogger } from "../../support/log-capture";
import { postSignedSlackRequest } from "../../support/slack-signing";

const secret = "guard-secret";

class FakeReplays implements ReplayStore {
  readonly taken = new Set<string>();
  readonly released: string[] = [];
  failure: Error | undefined;
  async claim(signature: string): Promise<ReplayClaim> {
    if (this.failure) throw this.failure;
    if (this.taken.has(signature)) return "seen";
    this.taken.add(signature);
    return "first";
  }
  async release(signature: string): Promise<void> {
    this.released.push(signature);
    this.taken.delete(signature);
  }
}

describe("slackRequestGuard", () => {
  let url: string;
  let server: ReturnType<ReturnType<typeof express>["listen"]>;
  const replays = new FakeReplays();
  const { logger, text } = capturingLogger();
  const reached: string[] = [];
  let answerWith = 200;

  beforeAll(async () => {
    const app = express();
    app.post("/slack/events", slackRequestGuard({ signingSecret: secret, replays, logger }), (req, res) => {
      reached.push((req as unknown as { rawBody: string }).rawBody);
      res.status(answerWith).end();
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    reached.length = 0;
    answerWith = 200;
    replays.failure = undefined;
  });

  const post = (body: string, options: { timestampSeconds?: number; retryNum?: number } = {}) =>
    postSignedSlackRequest(url, secret, body, "application/json", {
      timestampSeconds: options.timestampSeconds ?? Math.floor(Date.now() / 1000),
      retryNum: options.retryNum,
    });

  it("hands the raw body on to the listeners once; a replay gets 401, a retry 200 + X-Slack-No-Retry", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post('{"n":1}', { timestampSeconds: now })).status).toBe(200);
    expect((await post('{"n":1}', { timestampSeconds: now })).status).toBe(401);
    const retry = await post('{"n":1}', { timestampSeconds: now, retryNum: 2 });
    expect(retry.status).toBe(200);
    expect(retry.headers["x-slack-no-retry"]).toBe("1");
    expect(reached).toEqual(['{"n":1}']);
  });

  it("releases a request answered 5xx, so that Slack's retry runs", async () => {
    answerWith = 500;
    const now = Math.floor(Date.now() / 1000);
    expect((await post('{"n":2}', { timestampSeconds: now })).status).toBe(500);
    answerWith = 200;
    expect((await post('{"n":2}', { timestampSeconds: now, retryNum: 1 })).status).toBe(200);
    expect(reached).toEqual(['{"n":2}', '{"n":2}']);
    expect(replays.released).toHaveLength(1);
  });

  it("answers 503 with an error log line when the store is unavailable, and runs nothing", async () => {
    replays.failure = new ReplayStoreUnavailable("no answer from the database within 1000 ms");
    expect((await post('{"n":3}')).status).toBe(503);
    expect(reached).toEqual([]);
    const line = text()
      .split("\n")
      .find((l) => l.includes("could not reach the database"));
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: 50, reason: expect.stringContaining("1000 ms") });
  });

  it("refuses future-dated and stale requests before the store is asked", async () => {
    const now = Math.floor(Date.now() / 1000);
    const taken = replays.taken.size;
    expect((await post('{"n":4}', { timestampSeconds: now + 86_400 })).status).toBe(401);
    expect((await post('{"n":4}', { timestampSeconds: now - 301 })).status).toBe(401);
    expect(replays.taken.size).toBe(taken);
    expect(reached).toEqual([]);
  });
});

describe("RequestReplays", () => {
  it("gives up after its timeout and undoes the write that lands later", async () => {
    let finishWrite: () => void = () => undefined;
    const deleted: unknown[] = [];
    const prisma = {
      slackRequestReplay: {
        create: () =>
          new Promise((resolve) => {
            finishWrite = () => resolve({});
          }),
        deleteMany: async (args: unknown) => {
          deleted.push(args);
          return { count: 1 };
        },
      },
    } as unknown as PrismaClient;
    const { logger, text } = capturingLogger();
    const replays = new RequestReplays(prisma, logger, { timeoutMs: 50 });
    await expect(replays.claim("abc", new Date(Date.now() + 300_000))).rejects.toBeInstanceOf(
      ReplayStoreUnavailable,
    );
    finishWrite();
    await new Promise<void>((resolve) => {
      const check = () => (text().includes("its retry will run") ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(deleted).toContainEqual({ where: { signature: "abc" } });
  });

  it("prunes expired signatures at most once a minute", async () => {
    const deleted: unknown[] = [];
    let nowMs = 1_000_000;
    const prisma = {
      slackRequestReplay: {
        create: async () => ({}),
        deleteMany: async (args: unknown) => {
          deleted.push(args);
          return { count: 0 };
        },
      },
    } as unknown as PrismaClient;
    const replays = new RequestReplays(prisma, capturingLogger().logger, { now: () => nowMs });
    await replays.claim("a", new Date());
    await replays.claim("b", new Date());
    expect(deleted).toEqual([{ where: { expiresAt: { lt: new Date(1_000_000) } } }]);
    nowMs += 60_000;
    await replays.claim("c", new Date());
    expect(deleted).toHaveLength(2);
  });
});
