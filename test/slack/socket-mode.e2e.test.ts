/**
 * Socket Mode (development, SLACK_APP_TOKEN): the server opens its connection through
 * apps.connections.open at SLACK_API_URL, receives a slash command over the WebSocket, acks it on the
 * socket and answers through response_url. Slack's side is a loopback HTTP + WebSocket fake.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { describeEachDatabase } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";

interface FakeSocketSlack {
  apiUrl: string;
  responseUrl: string;
  /** Frames the app sent on the socket (acks), parsed. */
  frames: Record<string, unknown>[];
  responses: unknown[];
  connectionsOpened: string[];
  sendEnvelope(envelope: Record<string, unknown>): void;
  connected: Promise<void>;
  close(): Promise<void>;
}

async function startFakeSocketSlack(): Promise<FakeSocketSlack> {
  const frames: Record<string, unknown>[] = [];
  const responses: unknown[] = [];
  const connectionsOpened: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      res.setHeader("content-type", "application/json");
      if (path === "/api/apps.connections.open") {
        connectionsOpened.push(String(req.headers.authorization));
        res.end(JSON.stringify({ ok: true, url: `ws://127.0.0.1:${port}/link` }));
      } else if (path === "/api/auth.test") {
        res.end(JSON.stringify({ ok: true, team_id: "T0SOCKET", user_id: "U0BOT", bot_id: "B0BOT" }));
      } else if (path === "/response") {
        responses.push(JSON.parse(body));
        res.end(JSON.stringify({ ok: true }));
      } else {
        res.end(JSON.stringify({ ok: false, error: "unknown_method" }));
      }
    });
  });
  const sockets = new WebSocketServer({ server, path: "/link" });
  let resolveConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => {
    resolveConnected = resolve;
  });
  sockets.on("connection", (socket) => {
    socket.on("message", (data: Buffer) =>
      frames.push(JSON.parse(data.toString()) as Record<string, unknown>),
    );
    socket.send(JSON.stringify({ type: "hello", num_connections: 1, debug_info: {} }));
    resolveConnected();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    responseUrl: `http://127.0.0.1:${port}/response`,
    frames,
    responses,
    connectionsOpened,
    connected,
    sendEnvelope(envelope) {
      for (const client of sockets.clients) client.send(JSON.stringify(envelope));
    },
    async close() {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describeEachDatabase("Socket Mode", (kind) => {
  let slack: FakeSocketSlack;
  let app: TestServer;

  beforeEach(async () => {
    slack = await startFakeSocketSlack();
    app = await startTestServer({
      kind,
      env: {
        SLACK_SIGNING_SECRET: "",
        SLACK_APP_TOKEN: "xapp-1-A0SOCKET-1-socketsecret",
        SLACK_BOT_TOKEN: "xoxb-socket-bot-token",
        SLACK_API_URL: slack.apiUrl,
      },
    });
  });
  afterEach(async () => {
    await app.stop();
    await slack.close();
  });

  it("connects through SLACK_API_URL, acks a slash command on the socket and answers it", async () => {
    await slack.connected;
    expect(slack.connectionsOpened).toEqual(["Bearer xapp-1-A0SOCKET-1-socketsecret"]);
    slack.sendEnvelope({
      envelope_id: "env-1",
      type: "slash_commands",
      accepts_response_payload: true,
      payload: {
        token: "x",
        team_id: "T0SOCKET",
        team_domain: "socket",
        channel_id: "C0SOCKET",
        channel_name: "alerts",
        user_id: "U0USER",
        user_name: "alice",
        command: "/aws",
        text: "help",
        api_app_id: "A0SOCKET",
        response_url: slack.responseUrl,
        trigger_id: "1.2.3",
      },
    });
    const deadline = Date.now() + 10_000;
    while ((slack.responses.length === 0 || slack.frames.length === 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(slack.frames.some((frame) => frame.envelope_id === "env-1")).toBe(true);
    expect(JSON.stringify(slack.responses[0])).toContain("subscribe ARN");
    expect(app.logs()).not.toContain("socketsecret");
  });
});
