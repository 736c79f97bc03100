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
