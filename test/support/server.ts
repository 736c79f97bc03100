/**
 * Starts the real server in-process (the same startServer as `npm start`) on an ephemeral loopback
 * port, against a fresh test database, with its logs captured for assertions.
 */
import { randomBytes } from "node:crypto";
import { type ChatbotServer, startServer } from "../../src/app";
import { type Environment, loadConfig } from "../../src/config";
import { migrateDatabase } from "../../src/db/migrate";
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from "./databases";
import { capturingLogger } from "./log-capture";

export const TEST_SIGNING_SECRET = "test-signing-secret-0123456789abcdef";

export interface TestServer {
  server: ChatbotServer;
  url: string;
  testDb: TestDatabase;
  logs: () => string;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  kind: TestDatabaseKind;
  /** Environment on top of the defaults: SLACK_SIGNING_SECRET, PORT=0, HOST=127.0.0.1, the test database. */
  env: Environment;
  /** The clock mutes expire by (startServer's `now`); the system's by default. */
  now?: () => Date;
}

export async function startTestServer({ kind, env, now }: TestServerOptions): Promise<TestServer> {
  const testDb = await createTestDatabase(kind);
  const config = loadConfig(
    {
      PORT: "0",
      HOST: "127.0.0.1",
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      DATABASE_URL: testDb.url,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      LOG_LEVEL: "debug",
      ...env,
    },
    { requireSlack: true },
  );
  const { logger, text } = capturingLogger(config.logLevel);
  await migrateDatabase(config.database, logger);
  const server = await startServer(config, logger, { now });
  return {
    server,
    url: server.url,
    testDb,
    logs: text,
    async stop() {
      await server.close();
      await testDb.drop();
    },
  };
}
