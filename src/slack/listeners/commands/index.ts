import type { App } from "@slack/bolt";
import { type AwsCommandDeps, awsCommandCallback } from "./aws-command";

export function register(app: App, deps: AwsCommandDeps): void {
  app.command(deps.command, awsCommandCallback(deps));
}
