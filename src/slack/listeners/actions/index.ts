import type { App, BlockAction, ButtonAction, RadioButtonsAction, StaticSelectAction } from "@slack/bolt";
import { NOTIFICATION_ACTIONS } from "../../../delivery/notification-controls";
import { CONSOLE_ACTION_ID, LINK_ACTION_ID_PREFIX } from "../../../notifications/render-slack";
import { DELETE_CONFIRM_ACTION } from "../../blocks/command-replies";
import { MODAL_ACTIONS } from "../../blocks/configure-modal";
import { HOME_ACTIONS } from "../../blocks/home";
import { WEBHOOK_ACTIONS } from "../../blocks/webhook-rooms";
import { openAwsConsoleCallback } from "./console-link";
import { confirmDeleteCallback, type DeleteConfirmDeps } from "./delete-confirm";
import {
  configureNewCallback,
  deleteConfigurationCallback,
  editConfigurationCallback,
  type HomeActionDeps,
  homePageCallback,
  testConfigurationCallback,
} from "./home-actions";
import { addRegionCallback, roleModeCallback } from "./modal-actions";
import { acknowledgeCallback, muteCallback, type NotificationControlDeps } from "./notification-controls";
import { type RemoveWorkspaceDeps, removeWorkspaceCallback } from "./remove-workspace";
import { addWebhookCallback, removeWebhookCallback, type WebhookRoomDeps } from "./webhook-rooms";

export type ActionListenerDeps = HomeActionDeps &
  RemoveWorkspaceDeps &
  WebhookRoomDeps &
  DeleteConfirmDeps &
  NotificationControlDeps;

export function register(app: App, deps: ActionListenerDeps): void {
  const button = (actionId: string | RegExp) => ({ type: "block_actions" as const, action_id: actionId });
  app.action<BlockAction<ButtonAction>>(button(HOME_ACTIONS.configureNew), configureNewCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(HOME_ACTIONS.edit), editConfigurationCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(HOME_ACTIONS.test), testConfigurationCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(HOME_ACTIONS.delete), deleteConfigurationCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(new RegExp(`^${HOME_ACTIONS.page}_`)), homePageCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(HOME_ACTIONS.removeWorkspace), removeWorkspaceCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(MODAL_ACTIONS.addRegion), addRegionCallback(deps));
  app.action<BlockAction<RadioButtonsAction>>(button(MODAL_ACTIONS.roleMode), roleModeCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(WEBHOOK_ACTIONS.add), addWebhookCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(WEBHOOK_ACTIONS.remove), removeWebhookCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(DELETE_CONFIRM_ACTION), confirmDeleteCallback(deps));
  app.action<BlockAction<ButtonAction>>(button(CONSOLE_ACTION_ID), openAwsConsoleCallback);
  app.action<BlockAction<ButtonAction>>(button(NOTIFICATION_ACTIONS.acknowledge), acknowledgeCallback(deps));
  app.action<BlockAction<StaticSelectAction>>(button(NOTIFICATION_ACTIONS.mute), muteCallback(deps));
  app.action<BlockAction<ButtonAction>>(
    button(new RegExp(`^${LINK_ACTION_ID_PREFIX}`)),
    openAwsConsoleCallback,
  );
}
