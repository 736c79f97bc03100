/** Ephemeral replies to `/aws managers`, `managers add` and `managers remove`. */
import type { ManagersChange } from "../../configurations/manager-changes";
import { type ManagersOverview, whoManagesText } from "../../configurations/permissions";
import { type Reply, reply } from "./replies";
import { context, escapeText, section } from "./text";

const mention = (userId: string) => `<@${userId}>`;
const people = (userIds: readonly string[]) => userIds.map(mention).join(", ");

function becomeManagerText(command: string): string {
  return (
    `Managers change configurations (subscribe, unsubscribe, role, test, delete, App Home's buttons); ` +
    `anyone reads them. Workspace admins and owners and the installer change this list with ` +
    `\`${command} managers add @person\` / \`${command} managers remove @person\`. Guests are never managers.`
  );
}

export function managersReply(command: string, managers: ManagersOverview): Reply {
  const text = `AWS Chatbot is managed by ${whoManagesText(managers)}.`;
  return reply(text, [section(text), context(becomeManagerText(command))]);
}

export function managersChangeReply(command: string, verb: "add" | "remove", change: ManagersChange): Reply {
  const lines: string[] = [];
  if (change.changed.length > 0) {
    lines.push(
      verb === "add"
        ? `:white_check_mark: ${people(change.changed)} can now manage AWS Chatbot.`
        : `:white_check_mark: Removed ${people(change.changed)} from the managers.`,
    );
  }
  if (change.unchanged.length > 0) {
    lines.push(
      verb === "add"
        ? `${people(change.unchanged)}: already on the list.`
        : `${people(change.unchanged)}: not on the list, nothing to remove.`,
    );
  }
  for (const refused of change.refused) {
    lines.push(`:no_entry: ${mention(refused.userId)} ${escapeText(refused.reason)}; not added.`);
  }
  if (change.stillManaging.length > 0) {
    lines.push(
      `${people(change.stillManaging)} still manage${change.stillManaging.length === 1 ? "s" : ""} AWS Chatbot as workspace admin, owner or installer.`,
    );
  }
  const text = lines[0] ?? "Nothing changed.";
  return reply(text, [
    section(lines.join("\n") || "Nothing changed."),
    context(`AWS Chatbot is managed by ${whoManagesText(change.managers)}. ${becomeManagerText(command)}`),
  ]);
}
