import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { removalFailedView, removalRefusedView, workspaceRemovingView } from "../../blocks/result-views";
import type { RemovalCheck, WorkspaceRemoval } from "../../workspace-removal";
import { type AccessDeps, peopleOf } from "../access";
import { revokeBotToken } from "../slack-lookups";

export interface RemoveWorkspaceDeps extends AccessDeps {
  workspaceRemoval: WorkspaceRemoval;
  logger: Logger;
}

function refusalText(check: Exclude<RemovalCheck, { allowed: true }>): string {
  if (check.reason === "configurations_remain") {
    return (
      `This workspace still has ${check.count} channel configuration${check.count === 1 ? "" : "s"}. ` +
      "Delete each one first (*Delete configuration* on the Home tab, or `/aws delete` in the channel), " +
      "then remove the workspace configuration."
    );
  }
  const installer =
    check.installerUserId === null ? "" : `, or <@${check.installerUserId}> who installed AWS Chatbot`;
  return `Only workspace admins and owners${installer} can remove the workspace configuration. Ask one of them.`;
}

/**
 * "Remove workspace configuration": refused (with why, in a modal) unless the user is an admin,
 * owner or the installer and no channel configuration is left; otherwise the bot token is revoked
 * (auth.revoke) and everything of the workspace deleted. The modal opens before the revoke, since
 * no Slack call works after it.
 */
export function removeWorkspaceCallback(deps: RemoveWorkspaceDeps) {
  return async function removeWorkspace({
    ack,
    body,
    client,
    context,
  }: AllMiddlewareArgs & SlackActionMiddlewareArgs<BlockAction<ButtonAction>>): Promise<void> {
    await ack();
    const workspace = {
      teamId: body.team?.id ?? context.teamId ?? "",
      enterpriseId: body.enterprise?.id ?? context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall === true || body.is_enterprise_install === true,
    };
    let check: RemovalCheck;
    try {
      // Admins, owners and the primary owner who are not guests (users.info, cached a minute).
      check = await deps.workspaceRemoval.checkRemoval(workspace, body.user.id, async () => {
        const person = await peopleOf(deps, client, workspace.teamId).person(body.user.id);
        return !person.isGuest && (person.isAdmin || person.isOwner || person.isPrimaryOwner);
      });
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      await client.views.open({ trigger_id: body.trigger_id, view: removalRefusedView(error.message) });
      return;
    }
    if (!check.allowed) {
      await client.views.open({ trigger_id: body.trigger_id, view: removalRefusedView(refusalText(check)) });
      return;
    }
    const opened = await client.views.open({
      trigger_id: body.trigger_id,
      view: workspaceRemovingView(body.team?.domain ?? workspace.teamId, workspace.isEnterpriseInstall),
    });
    try {
      await deps.workspaceRemoval.removeWorkspaceConfiguration(workspace, body.user.id, () =>
        revokeBotToken(client),
      );
    } catch (error) {
      deps.logger.error(
        { err: error, teamId: workspace.teamId },
        "removing the workspace configuration failed",
      );
      const reason = isChatbotError(error) ? error.message : "an unexpected error";
      if (opened.view?.id)
        await client.views.update({ view_id: opened.view.id, view: removalFailedView(reason) });
    }
  };
}
