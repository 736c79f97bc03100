/**
 * `npm start` with no Slack credentials: a small server for the setup page instead of the app
 * (no Slack app, no delivery worker, no SNS endpoint). It listens on HOST, which config.ts
 * defaults to loopback in this mode.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Config } from "../config";
import { openDatabase } from "../db/database";
import type { Logger } from "../logger";
import { AwsCredentialsProbe } from "./aws-credentials";
import { registerSetupRoutes } from "./setup-routes";
import { manifestFor, readManifest } from "./slack-manifest";

export interface FirstRunServer {
  /** Base URL the server listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

export async function startFirstRunServer(config: Config, logger: Logger): Promise<FirstRunServer> {
  const db = await openDatabase(config.database);
  const app = express();
  app.disable("x-powered-by");
  registerSetupRoutes(app, {
    config,
    db,
    aws: new AwsCredentialsProbe(config.awsRegion),
    manifest: manifestFor(readManifest(), { publicUrl: config.publicUrl, command: config.slack.command }),
  });
  const server = http.createServer(app);
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" || host === "[::]" ? "127.0.0.1" : host}:${address.port}`;
  logger.warn(
    { setupPage: `${url}/`, host: config.host },
    "first-run mode: no Slack credentials are set; open the setup page to configure aws-chatbot",
  );
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db.close();
    },
  };
}
