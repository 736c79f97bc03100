/**
 * Configuration states the delivery side sets and clears: `awaiting_invite` (the bot must be invited
 * to the channel) and `disabled` (the channel is archived), each with its reason, and back to
 * `active` when the bot joins the channel. One query per function.
 */
import type { DbClient } from "../db/database";
import { isDeliveryDisabledReason } from "./slack-errors";

export type DeliveryConfigurationState = "awaiting_invite" | "disabled";

export function setConfigurationState(
  db: DbClient,
  configurationId: string,
  state: DeliveryConfigurationState,
  reason: string,
) {
  return db.channelConfiguration.updateMany({
    where: { id: configurationId },
    data: { state, stateReason: reason },
  });
}

export function findConfigurationState(db: DbClient, configurationId: string) {
  return db.channelConfiguration.findUnique({
    where: { id: configurationId },
    select: { state: true, stateReason: true, teamId: true, channelId: true },
  });
}

/** Whether an invite of the bot may make this configuration active again. */
export function reactivatableByInvite(state: string, stateReason: string | null): boolean {
  return state === "awaiting_invite" || (state === "disabled" && isDeliveryDisabledReason(stateReason));
}

export function activateConfiguration(db: DbClient, configurationId: string) {
  return db.channelConfiguration.updateMany({
    where: { id: configurationId },
    data: { state: "active", stateReason: null },
  });
}
