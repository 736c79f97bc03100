/**
 * readUtf8Body on a real loopback HTTP server: what the SNS endpoint reads its bodies with.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type BodyRejected, readUtf8Body } from "../../src/http/raw-body";
import { eventually } from "../delivery/world";

const LIMIT = 1_000;

describe("readUtf8Body", () => {
  let server: http.Server;
  let url: string;
  const outcomes: Array<{ text?: string; status?: number; reason?: string }> = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      readUtf8Body(request, LIMIT).then(
        (text) => {
          outcomes.push({ text });
          response.end("read");
        },
        (error: unknown) => {
          const rejected = error as BodyRejected;
          outcomes.push({ status: rejected.status, reason: rejected.message });
          if (!response.destroyed) response.writeHead(rejected.status).end(rejected.message);
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    outcomes.length = 0;
  });

  /** POSTs `chunks` one write at a time (chunked transfer unless a length is given). */
  function post(chunks: Array<string | Buffer>, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(url, { method: "POST", headers }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      for (const chunk of chunks) request.write(chunk);
      request.end();
    });
  }

  it("reads a UTF-8 body arriving in pieces, a character split across two of them", async () => {
    const euro = Buffer.from("€", "utf8");
    const answer = await post([Buffer.from("price: "), euro.subarray(0, 1), euro.subarray(1), "5"], {
      "content-type": "text/plain; charset=UTF-8",
    });
    expect(answer.status).toBe(200);
    expect(outcomes).toEqual([{ text: "price: €5" }]);
  });

  it("takes exactly the limit, and refuses one byte more (413) when it is streamed without a length", async () => {
    expect((await post(["x".repeat(LIMIT)])).status).toBe(200);
    const answer = await post(["x".repeat(LIMIT / 2), "x".repeat(LIMIT / 2 + 1)]);
    expect(answer).toEqual({ status: 413, body: `body is over the limit of ${LIMIT} bytes` });
  });

  it("refuses a declared Content-Length over the limit before reading the body", async () => {
    const answer = await post(["x".repeat(LIMIT + 1)], { "content-length": String(LIMIT + 1) });
    expect(answer.status).toBe(413);
    expect(outcomes).toEqual([{ status: 413, reason: `body is over the limit of ${LIMIT} bytes` }]);
  });

  it.each([
    ["gzip", { "content-encoding": "gzip" }, 'content encoding "gzip" is not supported'],
    [
      "latin1",
      { "content-type": "text/plain; charset=latin1" },
      'charset "latin1" is not supported: send UTF-8',
    ],
    [
      "quoted UTF-16",
      { "content-type": 'text/plain; charset="utf-16le"' },
      'charset "utf-16le" is not supported: send UTF-8',
    ],
  ])("refuses a %s body with 415 and says why", async (_name, headers, reason) => {
    const answer = await post(["{}"], headers);
    expect(answer).toEqual({ status: 415, body: reason });
  });

  it.each([
    ["identity encoding", { "content-encoding": "identity" }],
    ["us-ascii", { "content-type": "application/json; charset=us-ascii" }],
    ["no content type", {}],
  ])("takes %s", async (_name, headers) => {
    expect((await post(["{}"], headers)).status).toBe(200);
  });

  it("rejects a body the client abandons half way (400), and the server goes on", async () => {
    await new Promise<void>((resolve) => {
      const request = http.request(url, { method: "POST", headers: { "content-length": "500" } });
      request.on("error", () => resolve());
      request.write("x".repeat(100));
      setTimeout(() => request.destroy(), 50);
    });
    // The server notices the abandoned body after the client has gone: wait for it to say so.
    await eventually("the abandoned body rejected", () => outcomes.length > 0);
    expect(outcomes).toEqual([{ status: 400, reason: "the request ended before its body was complete" }]);
    expect((await post(["{}"])).status).toBe(200);
  });
});
