/**
 * `chatbot doctor` against the fakes (Slack Web API, STS) and a real server on a real database:
 * failures in-process (runChatbot), and a deployment where everything passes through the compiled
 * CLI (bin/chatbot.js) with PUBLIC_URL behind a TLS proxy, as in production.
 */
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Installation } from "@slack/oauth";
import {
  addTopicToConfiguration,
  createSlackConfiguration,
} from "../../src/configurations/configuration-store";
import { openDatabase } from "../../src/db/database";
import { SecretBox } from "../../src/db/secret-box";
import { BOT_SCOPES } from "../../src/slack/bolt-app";
import { PrismaInstallationStore } from "../../src/slack/installation-store";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { FAKE_STS_ACCOUNT, type FakeSts, startFakeSts } from "../support/fake-aws-charts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack";
import { freePort } from "../support/ports";
import { startTestServer, type TestServer } from "../support/server";
import { runChatbot } from "./cli-runner";

const ROOT = path.resolve(__dirname, "..", "..");
const CONFIRMED = "arn:aws:sns:us-east-1:123456789012:confirmed-alarms";
const PENDING = "arn:aws:sns:eu-west-1:123456789012:pending-alarms";
const FAILED = "arn:aws:sns:eu-west-1:123456789012:failed-alarms";

let slack: FakeSlack;
let sts: FakeSts;

beforeAll(async () => {
  // The compiled CLI runs below; build first so its stderr holds only what the doctor says.
  execFileSync(process.execPath, [path.join(ROOT, "bin", "build-if-needed.js")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  [slack, sts] = await Promise.all([startFakeSlack(), startFakeSts()]);
}, 120_000);
afterAll(async () => {
  await Promise.all([slack.close(), sts.close()]);
});
afterEach(() => sts.reset());

const lines = (stdout: string) => stdout.trim().split("\n");
const failures = (stdout: string) => lines(stdout).filter((line) => line.startsWith("✘"));

/** The environment of a single-workspace deployment on `databaseUrl`, every part reachable. */
function singleWorkspaceEnv(
  databaseUrl: string,
  key: string,
  botToken: string,
): Record<string, string | undefined> {
  return {
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: key,
    SLACK_SIGNING_SECRET: "signing-secret",
    SLACK_BOT_TOKEN: botToken,
    SLACK_CLIENT_ID: undefined,
    SLACK_CLIENT_SECRET: undefined,
    SLACK_STATE_SECRET: undefined,
    SLACK_API_URL: slack.url,
    AWS_ENDPOINT_URL_STS: sts.url,
    PUBLIC_URL: undefined,
  };
}

describe("chatbot doctor without a usable configuration", () => {
  it("prints one ✘ line per configuration problem and exits 1", async () => {
    const result = await runChatbot(["doctor"], {
      SLACK_SIGNING_SECRET: undefined,
      SLACK_BOT_TOKEN: "xoxe.xoxb-1-rotating",
      PORT: "http",
    });
    expect(result.code).toBe(1);
    const failed = failures(result.stdout);
    expect(failed).toHaveLength(3);
    expect(failed[0]).toMatch(/^✘ configuration: PORT must be a TCP port/);
    // The single-workspace rotation trap: a rotating token that nothing would refresh.
    expect(failed.find((line) => line.includes("SLACK_BOT_TOKEN is a rotating token"))).toContain(
      "token_rotation_enabled: false",
    );
    expect(failed.some((line) => /SLACK_SIGNING_SECRET is required/.test(line))).toBe(true);
    expect(result.stdout).not.toContain("xoxe.xoxb-1-rotating");
  });

  it("takes no arguments", async () => {
    const result = await runChatbot(["doctor", "--fix"], {});
    expect(result.code).toBe(2);
  });
});

describe("chatbot doctor, single workspace, failing parts", () => {
  let testDb: TestDatabase;
  const key = randomBytes(32).toString("base64");
  beforeAll(async () => {
    testDb = await createTestDatabase("sqlite");
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it("reports an unmigrated database, missing scopes, refused AWS credentials and an unset PUBLIC_URL", async () => {
    const { botToken } = slack.addWorkspace({
      teamId: "T0DOCSCOPE",
      scopes: BOT_SCOPES.filter((scope) => scope !== "files:write" && scope !== "users:read"),
    });
    sts.failAlways({ code: "InvalidClientTokenId", status: 403, message: "The security token is invalid." });
    const result = await runChatbot(["doctor"], singleWorkspaceEnv(testDb.url, key, botToken));
    expect(result.code).toBe(1);
    const output = lines(result.stdout);
    expect(output[0]).toBe("✔ configuration parses: one workspace (SLACK_BOT_TOKEN), sqlite");
    expect(output[1]).toMatch(
      /^✘ database SQLite .*: the SQLite file .* does not exist → .*npx chatbot migrate/,
    );
    expect(output[2]).toMatch(
      /^✔ Slack token works: workspace T0DOCSCOPE \(T0DOCSCOPE\) via 127\.0\.0\.1:\d+$/,
    );
    expect(output[3]).toMatch(
      /^✘ Slack scopes of .*: missing files:write, users:read → add them under OAuth/,
    );
    expect(output[4]).toBe("✔ token rotation: SLACK_BOT_TOKEN does not expire");
    expect(output[5]).toMatch(/^✘ AWS credentials: .*security token is invalid.* → /);
    expect(output[6]).toMatch(/^✘ PUBLIC_URL is not set.* → set PUBLIC_URL/);
    expect(output).toHaveLength(7);
    expect(sts.calls.map((call) => call.action)).toEqual(["GetCallerIdentity"]);
    expect(result.stdout).not.toContain(botToken);
  });

  it("reports the rotation trap when Slack says the bot token expires", async () => {
    const { botToken } = slack.addWorkspace({
      teamId: "T0DOCEXP",
      rotating: true,
      botToken: "xoxb-9-expiring",
    });
    const result = await runChatbot(["doctor"], singleWorkspaceEnv(testDb.url, key, botToken));
    expect(lines(result.stdout)).toContainEqual(
      expect.stringMatching(
        /^✘ token rotation: SLACK_BOT_TOKEN expires in \d+ min and nothing here refreshes it → turn token rotation off/,
      ),
    );
  });

  it("names the Slack host that cannot be reached, and a token Slack refuses", async () => {
    const deadApi = `http://127.0.0.1:${await freePort()}/api/`;
    const unreachable = await runChatbot(["doctor"], {
      ...singleWorkspaceEnv(testDb.url, key, "xoxb-0-unknown"),
      SLACK_API_URL: deadApi,
    });
    expect(unreachable.code).toBe(1);
    expect(lines(unreachable.stdout)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✘ Slack Web API at ${new URL(deadApi).host.replace(/\./g, "\\.")} unreachable: .*ECONNREFUSED`,
        ),
      ),
    );
    const refused = await runChatbot(["doctor"], singleWorkspaceEnv(testDb.url, key, "xoxb-0-unknown"));
    expect(lines(refused.stdout)).toContainEqual(
      expect.stringMatching(
        /^✘ SLACK_BOT_TOKEN refused by Slack \(127\.0\.0\.1:\d+\): invalid_auth → the token is not valid: copy the Bot/,
      ),
    );
    expect(refused.stdout).not.toContain("xoxb-0-unknown");
  });
});

describeEachDatabase("chatbot doctor", (kind) => {
  let server: TestServer;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    const { botToken } = slack.addWorkspace({ teamId: `T0DOC${kind.toUpperCase()}` });
    server = await startTestServer({ kind, env: { SLACK_BOT_TOKEN: botToken, SLACK_API_URL: slack.url } });
    const key = randomBytes(32).toString("base64");
    env = singleWorkspaceEnv(server.testDb.url, key, botToken);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("names migrations a database has not had", async () => {
    const fresh = await createTestDatabase(kind);
    try {
      if (fresh.database.sqliteFile !== undefined) fs.writeFileSync(fresh.database.sqliteFile, "");
      const result = await runChatbot(["doctor"], { ...env, DATABASE_URL: fresh.url });
      expect(result.code).toBe(1);
      expect(lines(result.stdout)[1]).toMatch(
        /^✘ database .*: \d+ migration\(s\) not applied \(0001_init.*\) → run `npx chatbot migrate`/,
      );
    } finally {
      await fresh.drop();
    }
  });

  it("OAuth mode: each installation's token, scopes and rotation; each topic's state; an http PUBLIC_URL", async () => {
    const key = randomBytes(32);
    const db = await openDatabase(server.testDb.database);
    try {
      const store = new PrismaInstallationStore(db.prisma, new SecretBox(key));
      const rotating = slack.addWorkspace({ teamId: `T0ROT${kind.toUpperCase()}`, rotating: true });
      await store.storeInstallation(
        installationOf(rotating.teamId, rotating.botToken, {
          refreshToken: rotating.refreshToken,
          expiresAt: Math.floor((rotating.botTokenExpiresAt ?? 0) / 1000),
        }),
      );
      // Expiring, but stored without its refresh token: it would stop working within 12 hours.
      const trapped = slack.addWorkspace({ teamId: `T0TRAP${kind.toUpperCase()}`, rotating: true });
      await store.storeInstallation(
        installationOf(trapped.teamId, trapped.botToken, {
          expiresAt: Math.floor((trapped.botTokenExpiresAt ?? 0) / 1000),
        }),
      );
      const channel = await createSlackConfiguration(db.prisma, {
        teamId: rotating.teamId,
        channelId: "C0DOCTOR",
        channelName: "alerts",
        name: "alerts",
      });
      for (const topicArn of [CONFIRMED, PENDING, FAILED]) {
        await addTopicToConfiguration(db.prisma, channel.id, { topicArn, region: topicArn.split(":")[3] });
      }
      await db.prisma.topicSubscription.update({
        where: { topicArn: CONFIRMED },
        data: { status: "confirmed" },
      });
      await db.prisma.topicSubscription.update({
        where: { topicArn: FAILED },
        data: {
          status: "failed",
          statusReason: "AuthorizationError: not authorized to perform SNS:Subscribe",
        },
      });
    } finally {
      await db.close();
    }

    const result = await runChatbot(["doctor"], {
      ...env,
      ENCRYPTION_KEY: key.toString("base64"),
      SLACK_BOT_TOKEN: undefined,
      SLACK_CLIENT_ID: "1.2",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "state-secret",
      PUBLIC_URL: server.url,
    });
    expect(result.code).toBe(1);
    const output = lines(result.stdout);
    expect(output[0]).toBe(`✔ configuration parses: OAuth, any number of workspaces, ${kind}`);
    expect(output[1]).toMatch(/^✔ database .* answers; all \d+ migrations applied$/);
    const rot = `workspace T0ROT${kind.toUpperCase()}`;
    const trap = `workspace T0TRAP${kind.toUpperCase()}`;
    expect(output).toContainEqual(expect.stringMatching(new RegExp(`^✔ Slack token works: ${rot} `)));
    expect(output).toContain(`✔ Slack scopes of ${rot}: all ${BOT_SCOPES.length} of manifest.yml`);
    expect(output).toContain(
      `✔ token rotation of ${rot}: a refresh token is stored; the token is refreshed before use`,
    );
    expect(output).toContain(
      `✘ token rotation of ${trap}: the token expires and no refresh token is stored → reinstall the app at ${server.url}/slack/install`,
    );
    expect(output).toContainEqual(
      expect.stringMatching(new RegExp(`^✔ AWS credentials resolve: arn:aws:iam::${FAKE_STS_ACCOUNT}:user/`)),
    );
    expect(output).toContainEqual(
      expect.stringMatching(/^✘ PUBLIC_URL: .*\/healthz answers but is not https → /),
    );
    expect(output).toContain(`✔ SNS topic ${CONFIRMED}: subscription confirmed`);
    expect(output).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^✘ SNS topic ${PENDING}: waiting for SNS to confirm since .* → SNS confirms by POSTing to ${server.url}/sns/events`,
        ),
      ),
    );
    expect(output).toContainEqual(
      expect.stringMatching(new RegExp(`^✘ SNS topic ${FAILED}: subscription failed: AuthorizationError`)),
    );
    expect(failures(result.stdout)).toHaveLength(4);
  });

  it("passes every check of a working deployment and exits 0 (compiled CLI, PUBLIC_URL behind TLS)", async () => {
    const tls = await startTlsProxy(server.url);
    try {
      const db = await openDatabase(server.testDb.database);
      try {
        await db.prisma.topicSubscription.updateMany({ data: { status: "confirmed", statusReason: null } });
      } finally {
        await db.close();
      }
      const result = await runCompiledChatbot(["doctor"], {
        ...env,
        PUBLIC_URL: tls.url,
        NODE_EXTRA_CA_CERTS: tls.certificateFile,
      });
      expect(result.stderr).toBe("");
      expect(failures(result.stdout)).toEqual([]);
      const output = lines(result.stdout);
      expect(output).toContain(`✔ PUBLIC_URL ${tls.url} reaches /healthz`);
      expect(output).toContainEqual(expect.stringMatching(/^✔ AWS credentials resolve: /));
      expect(output).toContainEqual(expect.stringMatching(/^✔ Slack token works: /));
      expect(result.code).toBe(0);
      expect(tls.paths).toEqual(["/healthz"]);
    } finally {
      await tls.close();
    }
  }, 60_000);
});

function installationOf(
  teamId: string,
  token: string,
  rotation: { refreshToken?: string; expiresAt?: number },
): Installation<"v2", false> {
  return {
    team: { id: teamId, name: teamId },
    enterprise: undefined,
    user: { id: "U0INSTALLER", token: undefined, scopes: undefined },
    bot: { id: "B0DOCTOR", userId: "U0BOT", token, scopes: [...BOT_SCOPES], ...rotation },
    tokenType: "bot",
    isEnterpriseInstall: false,
    appId: "A0DOCTOR",
    authVersion: "v2",
  };
}

/** node bin/chatbot.js ARGS with only `env` (plus PATH and HOME). */
function runCompiledChatbot(
  args: string[],
  env: Record<string, string | undefined>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: os.tmpdir() };
  for (const [name, value] of Object.entries({ ...process.env, ...env })) {
    if (value !== undefined && (name.startsWith("AWS_") || name in env)) childEnv[name] = value;
  }
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "chatbot.js"), ...args], {
    cwd: fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-doctor-")),
    env: childEnv,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

interface TlsProxy {
  url: string;
  certificateFile: string;
  /** Paths requested through the proxy. */
  paths: string[];
  close(): Promise<void>;
}

/** An https front (self-signed for 127.0.0.1) forwarding GETs to `target`, as a TLS proxy would. */
async function startTlsProxy(target: string): Promise<TlsProxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certificateFile = path.join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      keyFile,
      "-out",
      certificateFile,
    ]),
    { stdio: "ignore" },
  );
  const paths: string[] = [];
  const proxy = https.createServer(
    { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certificateFile) },
    (request, response) => {
      paths.push(request.url ?? "");
      fetch(`${target}${request.url ?? "/"}`).then(
        async (answer) => response.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer())),
        () => response.writeHead(502).end(),
      );
    },
  );
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    certificateFile,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
