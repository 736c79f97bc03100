/**
 * `/aws managers`, `managers add @user…`, `managers remove @user…`: the list anyone may read, and
 * changes only administrators (admins, owners, the installer) may make. Guests, apps and people Slack
 * does not know in this workspace are refused one by one; every change is audited.
 */
import type { DbClient } from "../db/database";
import { recordAudit } from "./audit-log";
import { addManager, countManagers, MAX_LISTED_MANAGERS, removeManager } from "./managers";
import type { ManagersOverview, PeopleDirectory, PermissionActor, Permissions } from "./permissions";

export interface ManagersChange {
  /** Added to, or removed from, the list. */
  changed: string[];
  /** Already on the list (add) or not on it (remove): nothing to do. */
  unchanged: string[];
  /** Refused, with why ("is a guest: guests are never managers"). */
  refused: { userId: string; reason: string }[];
  /** Removed from the list but still managers as admins, owners or the installer. */
  stillManaging: string[];
  managers: ManagersOverview;
}

export class ManagerChanges {
  constructor(
    private readonly prisma: DbClient,
    private readonly permissions: Permissions,
  ) {}

  list(actor: PermissionActor): Promise<ManagersOverview> {
    return this.permissions.managers(actor.teamId, actor.enterpriseId);
  }

  async add(
    actor: PermissionActor,
    people: PeopleDirectory,
    userIds: readonly string[],
  ): Promise<ManagersChange> {
    await this.permissions.require(actor, people, "manage-managers");
    const change = emptyChange();
    for (const userId of userIds) {
      const reason = refusalFor(await people.person(userId));
      if (reason !== undefined) {
        change.refused.push({ userId, reason });
        continue;
      }
      if ((await countManagers(this.prisma, actor.teamId)) >= MAX_LISTED_MANAGERS) {
        change.refused.push({ userId, reason: `the list is full (${MAX_LISTED_MANAGERS} people)` });
        continue;
      }
      const added = await addManager(this.prisma, { teamId: actor.teamId, userId, addedBy: actor.userId });
      (added ? change.changed : change.unchanged).push(userId);
    }
    await this.#recordAndForget(actor, people, change.changed, "managers.added", "made", "a manager");
    return { ...change, managers: await this.list(actor) };
  }

  async remove(
    actor: PermissionActor,
    people: PeopleDirectory,
    userIds: readonly string[],
  ): Promise<ManagersChange> {
    await this.permissions.require(actor, people, "manage-managers");
    const change = emptyChange();
    for (const userId of userIds) {
      const removed = await removeManager(this.prisma, actor.teamId, userId);
      (removed ? change.changed : change.unchanged).push(userId);
    }
    await this.#recordAndForget(
      actor,
      people,
      change.changed,
      "managers.removed",
      "removed",
      "from the managers",
    );
    for (const userId of [...change.changed, ...change.unchanged]) {
      const standing = await this.permissions.standing({ ...actor, userId }, people);
      if (standing === "administrator") change.stillManaging.push(userId);
    }
    return { ...change, managers: await this.list(actor) };
  }

  async #recordAndForget(
    actor: PermissionActor,
    people: PeopleDirectory,
    userIds: string[],
    action: "managers.added" | "managers.removed",
    verb: string,
    what: string,
  ): Promise<void> {
    people.forget(userIds);
    for (const userId of userIds) {
      await recordAudit(this.prisma, {
        teamId: actor.teamId,
        userId: actor.userId,
        action,
        detail: `${verb} <@${userId}> ${what}`,
        visibleToAll: true,
      });
    }
  }
}

function emptyChange(): Omit<ManagersChange, "managers"> {
  return { changed: [], unchanged: [], refused: [], stillManaging: [] };
}

function refusalFor(person: Awaited<ReturnType<PeopleDirectory["person"]>>): string | undefined {
  if (!person.found) return "is not a member of this workspace";
  if (person.deleted) return "is deactivated";
  if (person.isBot) return "is an app, not a person";
  if (person.isGuest) return "is a guest: guests are never managers";
  return undefined;
}
