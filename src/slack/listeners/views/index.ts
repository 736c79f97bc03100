import type { App, ViewSubmitAction } from "@slack/bolt";
import { CONFIGURE_CALLBACK_ID } from "../../blocks/configure-modal";
import { type ConfigureChannelDeps, configureChannelSubmittedCallback } from "./configure-channel";

export function register(app: App, deps: ConfigureChannelDeps): void {
  app.view<ViewSubmitAction>(
    { callback_id: CONFIGURE_CALLBACK_ID, type: "view_submission" },
    configureChannelSubmittedCallback(deps),
  );
}
