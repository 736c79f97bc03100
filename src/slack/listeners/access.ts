/**
 * The permission check every changing listener makes first, on the server, whatever the view that
 * sent the request showed (a forged block_actions or view_submission is refused the same way).
 */
import type { WebClient } from "@slack/web-api";
import type { Capability, PermissionActor, Permissions, Standing } from "../../configurations/permissions";
import { type PersonCache, SlackPeopleDirectory } from "./slack-lookups";

export interface AccessDeps {
  permissions: Permissions;
  /** users.info answers shared by every request (a minute). */
  people: PersonCache;
}

/**
 * Who acts, from an interaction payload (block_actions, view_submission) or the context Bolt built
 * from it. The enterprise id is kept: an org-wide (Enterprise Grid) installation is stored by it,
 * and its installer manages every workspace of the org (configurations/managers.ts installerOf).
 */
export function interactionActor(
  body: {
    team?: { id: string; enterprise_id?: string } | null;
    enterprise?: { id: string } | null;
    user: { id: string; team_id?: string };
  },
  context: { teamId?: string; enterpriseId?: string },
  viewTeamId?: string,
): PermissionActor {
  const teamId = body.team?.id ?? context.teamId ?? viewTeamId ?? body.user.team_id ?? "";
  const enterpriseId = body.enterprise?.id ?? body.team?.enterprise_id ?? context.enterpriseId;
  return { teamId, ...(enterpriseId === undefined ? {} : { enterpriseId }), userId: body.user.id };
}

export function peopleOf(deps: AccessDeps, client: WebClient, teamId: string): SlackPeopleDirectory {
  return new SlackPeopleDirectory(client, teamId, deps.people);
}

/** The refusal to show, or undefined when the actor may. Slack errors propagate (ChatbotError). */
export async function refusalOf(
  deps: AccessDeps,
  client: WebClient,
  actor: PermissionActor,
  capability: Capability,
): Promise<string | undefined> {
  const decision = await deps.permissions.check(actor, peopleOf(deps, client, actor.teamId), capability);
  return decision.allowed ? undefined : decision.refusal;
}

export function standingOfActor(
  deps: AccessDeps,
  client: WebClient,
  actor: PermissionActor,
): Promise<Standing> {
  return deps.permissions.standing(actor, peopleOf(deps, client, actor.teamId));
}
