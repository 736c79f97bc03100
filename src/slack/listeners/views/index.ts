import type { App, ViewSubmitAction } from "@slack/bolt";
import { CONFIGURE_CALLBACK_ID } from "../../blocks/configure-modal";
import { ADD_WEBHOOK_CALLBACK_ID } from "../../blocks/webhook-rooms";
import { type AddWebhookDeps, addWebhookSubmittedCallback } from "./add-webhook";
import { type ConfigureChannelDeps, configureChannelSubmittedCallback } from "./configure-channel";

export type ViewListenerDeps = ConfigureChannelDeps & AddWebhookDeps;

export function register(app: App, deps: ViewListenerDeps): void {
  app.view<ViewSubmitAction>(
    { callback_id: CONFIGURE_CALLBACK_ID, type: "view_submission" },
    configureChannelSubmittedCallback(deps),
  );
  app.view<ViewSubmitAction>(
    { callback_id: ADD_WEBHOOK_CALLBACK_ID, type: "view_submission" },
    addWebhookSubmittedCallback(deps),
  );
}
