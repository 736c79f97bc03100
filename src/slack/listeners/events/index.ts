import type { App } from "@slack/bolt";
import type { WorkspaceRemoval } from "../../workspace-removal";
import { appHomeOpenedCallback } from "./app-home-opened";
import { appUninstalledCallback, tokensRevokedCallback } from "./app-uninstalled";

export interface EventListenerDeps {
  command: string;
  workspaceRemoval: WorkspaceRemoval;
}

export function register(app: App, deps: EventListenerDeps): void {
  app.event("app_home_opened", appHomeOpenedCallback(deps.command));
  app.event("app_uninstalled", appUninstalledCallback(deps.workspaceRemoval));
  app.event("tokens_revoked", tokensRevokedCallback(deps.workspaceRemoval));
}
