import type { App } from "@slack/bolt";
import { awsCommandCallback } from "./aws-command";

export function register(app: App, deps: { command: string }): void {
  app.command(deps.command, awsCommandCallback());
}
