import type { AllMiddlewareArgs, Context, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { WorkspaceRemoval } from "../../workspace-removal";

function workspaceOf(context: Context, body: { team_id?: string; enterprise_id?: string }) {
  return {
    teamId: context.teamId ?? body.team_id,
    enterpriseId: context.enterpriseId ?? body.enterprise_id,
    isEnterpriseInstall: context.isEnterpriseInstall === true,
  };
}

/** `app_uninstalled`: every token and configuration of the workspace goes (Slack asks apps to purge). */
export function appUninstalledCallback(removal: WorkspaceRemoval) {
  return async function appUninstalled({
    context,
    body,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<"app_uninstalled">): Promise<void> {
    await removal.removeWorkspace(workspaceOf(context, body), "app_uninstalled");
  };
}

/** `tokens_revoked` lists user ids, not tokens (PROTOCOLS.md §2.7): a revoked bot ends the install. */
export function tokensRevokedCallback(removal: WorkspaceRemoval) {
  return async function tokensRevoked({
    event,
    context,
    body,
  }: AllMiddlewareArgs & SlackEventMiddlewareArgs<"tokens_revoked">): Promise<void> {
    if ((event.tokens.bot ?? []).length === 0) return;
    await removal.removeWorkspace(workspaceOf(context, body), "tokens_revoked");
  };
}
