import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  RadioButtonsAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { MAX_REGIONS } from "../../../configurations/configuration-draft";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { PermissionActor } from "../../../configurations/permissions";
import type { Logger } from "../../../logger";
import { isTopicArn } from "../../../sns/topic-arn";
import { configureChannelModal, type ModalValues, type RoleMode } from "../../blocks/configure-modal";
import { type AccessDeps, interactionActor, refusalOf } from "../access";
import { readModalValues } from "../views/configure-modal-state";

export interface ModalActionDeps extends AccessDeps {
  service: ConfigurationService;
  logger: Logger;
}

/**
 * Rebuilds the modal from what the user typed, plus one change; the hash guards against racing
 * updates. Only for managers: the role template shows the workspace's ExternalId, and a forged
 * click from anyone else changes nothing.
 */
async function redraw(
  deps: ModalActionDeps,
  client: WebClient,
  view: { id: string; hash: string },
  actor: PermissionActor,
  values: ModalValues,
): Promise<void> {
  const { teamId } = actor;
  const refusal = await refusalOf(deps, client, actor, "change");
  if (refusal !== undefined) {
    deps.logger.warn(
      { teamId, userId: actor.userId },
      "configure modal action from someone who is not a manager",
    );
    return;
  }
  // The template's policy lets the role read the topics typed so far (the role proof reads one).
  const typed = values.regions.flatMap((draft) => (draft.topics ?? "").split(/[\s,]+/)).filter(isTopicArn);
  const template =
    values.roleMode === "template"
      ? (await deps.service.roleTemplate({ teamId }, undefined, values.roleName ?? "ROLE-NAME", typed))
          .template
      : undefined;
  try {
    await client.views.update({
      view_id: view.id,
      hash: view.hash,
      view: configureChannelModal({ ...values, template }),
    });
  } catch (error) {
    deps.logger.warn({ err: error }, "views.update of the configure modal failed");
  }
}

/** "Add another Region": one more Region + topics pair, keeping everything typed so far. */
export function addRegionCallback(deps: ModalActionDeps) {
  return async function addRegion({
    ack,
    body,
    client,
    context,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> {
    await ack();
    if (body.view === undefined) return;
    const values = readModalValues(body.view);
    if (values.regions.length < MAX_REGIONS) values.regions.push({});
    await redraw(deps, client, body.view, interactionActor(body, context, body.view.team_id), values);
  };
}

/** The IAM role choice changed: show the ARN field, or the template's policy and a role name field. */
export function roleModeCallback(deps: ModalActionDeps) {
  return async function roleMode({
    ack,
    body,
    action,
    client,
    context,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<RadioButtonsAction>>): Promise<void> {
    await ack();
    if (body.view === undefined) return;
    const values = readModalValues(body.view);
    const chosen = action.selected_option?.value;
    if (chosen === "none" || chosen === "existing" || chosen === "template")
      values.roleMode = chosen satisfies RoleMode;
    await redraw(deps, client, body.view, interactionActor(body, context, body.view.team_id), values);
  };
}
