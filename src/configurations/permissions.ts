/**
 * Who may do what in a workspace (README "Security model"). Pure decisions over what Slack says
 * about a person (users.info, through the PeopleDirectory port the Slack edge implements with a short
 * cache) and what we store (the installer, the managers list). Every request that changes something
 * asks here on the server, whatever the view that sent it showed.
 *
 *   nobody        guests (is_restricted / is_ultra_restricted), bots, deactivated or unknown users
 *   member        everyone else: reads (`help`, `list`, `status`, public channels in App Home)
 *   manager       people on the managers list (`/aws managers add`): change configurations
 *   administrator workspace admins, owners, the primary owner, the installer: also change the list
 *                 and remove the workspace configuration
 */
import type { DbClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { installerOf, isListedManager, listManagers } from "./managers";

/** What Slack says about a person, as the decisions need it. */
export interface PersonFacts {
  userId: string;
  /** False when Slack does not know the user in this workspace (user_not_found). */
  found: boolean;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  /** is_restricted (multi-channel guest) or is_ultra_restricted (single-channel guest). */
  isGuest: boolean;
  isBot: boolean;
  deleted: boolean;
}

export interface PeopleDirectory {
  /** users.info (cached about a minute). Throws ChatbotError when Slack cannot answer. */
  person(userId: string): Promise<PersonFacts>;
  /** Drops cached answers about these people (the managers list changed). */
  forget(userIds: readonly string[]): void;
}

export type Standing = "nobody" | "member" | "manager" | "administrator";

/** What an action needs: `change` any configuration; `manage-managers` / `remove-workspace`. */
export type Capability = "change" | "manage-managers" | "remove-workspace";

export interface StandingFacts {
  person: PersonFacts;
  isInstaller: boolean;
  isListed: boolean;
}

/** Guests are never managers, even when listed or (impossibly) the installer. */
export function standingOf({ person, isInstaller, isListed }: StandingFacts): Standing {
  if (!person.found || person.deleted || person.isBot || person.isGuest) return "nobody";
  if (person.isAdmin || person.isOwner || person.isPrimaryOwner || isInstaller) return "administrator";
  return isListed ? "manager" : "member";
}

export function mayDo(standing: Standing, capability: Capability): boolean {
  if (capability === "change") return standing === "manager" || standing === "administrator";
  return standing === "administrator";
}

export function isManagerStanding(standing: Standing): boolean {
  return mayDo(standing, "change");
}

/** Who manages the app in a workspace, for refusals, App Home and `/aws managers`. */
export interface ManagersOverview {
  installerUserId: string | null;
  listed: string[];
}

function mention(userId: string): string {
  return `<@${userId}>`;
}

/** "workspace admins and owners, <@U1> (who installed AWS Chatbot), and <@U2>, <@U3>". */
export function whoManagesText(overview: ManagersOverview): string {
  const parts = ["workspace admins and owners"];
  if (overview.installerUserId !== null)
    parts.push(`${mention(overview.installerUserId)} (who installed AWS Chatbot)`);
  const listed = overview.listed.filter((id) => id !== overview.installerUserId);
  if (listed.length > 0) parts.push(`the people added as managers: ${listed.map(mention).join(", ")}`);
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/** A refusal: what is needed, who has it and how to get it. Nothing was changed. */
export function refusalText(
  capability: Capability,
  standing: Standing,
  overview: ManagersOverview,
  command: string,
): string {
  const guest = standing === "nobody" ? "Guests cannot change AWS Chatbot. " : "";
  if (capability === "change") {
    return (
      `${guest}Only managers of AWS Chatbot can do that, and nothing was changed. ` +
      `Managers here are ${whoManagesText(overview)}. ` +
      `Ask one of them to do it, or to make you a manager with \`${command} managers add @you\`` +
      " (guests cannot be managers)."
    );
  }
  const what =
    capability === "manage-managers"
      ? "change who manages AWS Chatbot"
      : "remove the workspace configuration";
  const installer =
    overview.installerUserId === null
      ? ""
      : ` and ${mention(overview.installerUserId)} who installed AWS Chatbot`;
  return `${guest}Only workspace admins and owners${installer} can ${what}, and nothing was changed. Ask one of them.`;
}

export type PermissionDecision =
  | { allowed: true; standing: Standing }
  | { allowed: false; standing: Standing; refusal: string };

export interface PermissionActor {
  teamId: string;
  enterpriseId?: string;
  userId: string;
}

export class Permissions {
  constructor(
    private readonly prisma: DbClient,
    /** The slash command's name ("/aws"), for refusals that say what to type. */
    private readonly command: string,
  ) {}

  /** Read on every call (never cached), so a change of the list counts at once on every replica. */
  async standing(actor: PermissionActor, people: PeopleDirectory): Promise<Standing> {
    const [person, installer, isListed] = await Promise.all([
      people.person(actor.userId),
      installerOf(this.prisma, actor.teamId, actor.enterpriseId),
      isListedManager(this.prisma, actor.teamId, actor.userId),
    ]);
    return standingOf({ person, isInstaller: installer === actor.userId, isListed });
  }

  async check(
    actor: PermissionActor,
    people: PeopleDirectory,
    capability: Capability,
  ): Promise<PermissionDecision> {
    const standing = await this.standing(actor, people);
    if (mayDo(standing, capability)) return { allowed: true, standing };
    const overview = await this.managers(actor.teamId, actor.enterpriseId);
    return { allowed: false, standing, refusal: refusalText(capability, standing, overview, this.command) };
  }

  /** Throws ChatbotError(Forbidden) with the refusal unless the actor may. */
  async require(actor: PermissionActor, people: PeopleDirectory, capability: Capability): Promise<Standing> {
    const decision = await this.check(actor, people, capability);
    if (!decision.allowed) throw new ChatbotError(ErrorCode.Forbidden, decision.refusal);
    return decision.standing;
  }

  async managers(teamId: string, enterpriseId?: string): Promise<ManagersOverview> {
    const [installerUserId, listed] = await Promise.all([
      installerOf(this.prisma, teamId, enterpriseId),
      listManagers(this.prisma, teamId),
    ]);
    return { installerUserId, listed: listed.map((manager) => manager.userId) };
  }
}
