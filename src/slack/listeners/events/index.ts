import type { App } from "@slack/bolt";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { Logger } from "../../../logger";
import type { WorkspaceRemoval } from "../../workspace-removal";
import type { HomePublisher } from "../home-publisher";
import { appHomeOpenedCallback } from "./app-home-opened";
import { appUninstalledCallback, tokensRevokedCallback } from "./app-uninstalled";
import { channelUnarchivedCallback } from "./channel-unarchived";
import { memberJoinedChannelCallback } from "./member-joined-channel";

export interface EventListenerDeps {
  command: string;
  service: ConfigurationService;
  home: HomePublisher;
  workspaceRemoval: WorkspaceRemoval;
  logger: Logger;
}

export function register(app: App, deps: EventListenerDeps): void {
  app.event("app_home_opened", appHomeOpenedCallback(deps.home));
  app.event("member_joined_channel", memberJoinedChannelCallback(deps));
  app.event("channel_unarchive", channelUnarchivedCallback(deps));
  app.event("group_unarchive", channelUnarchivedCallback(deps));
  app.event("app_uninstalled", appUninstalledCallback(deps.workspaceRemoval));
  app.event("tokens_revoked", tokensRevokedCallback(deps.workspaceRemoval));
}
