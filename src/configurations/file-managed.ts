/**
 * Slack and the configuration file agree (issue 16): a configuration applied from a file
 * (`npx chatbot apply`) is `managed_by: file`, and every change path of Slack — `/aws` subcommands,
 * App Home buttons and forms, webhook rooms — asks here before changing it. The file may let Slack
 * change it anyway (`allow_slack_changes: true`); the next apply then puts the file's version back.
 * Sending a test message, or the bot being invited, changes no configuration and is not refused.
 */
import { ChatbotError, ErrorCode } from "../errors";

/** Who owns a configuration: Slack (and the operator CLI) or a configuration file. */
export type ManagedBy = "slack" | "file";

export const MANAGED_BY: readonly ManagedBy[] = ["slack", "file"];

export const FILE_MANAGED_REFUSAL =
  "This channel is managed by a configuration file — change it there. Nothing was changed.";

export interface Ownership {
  managedBy: ManagedBy;
  allowSlackChanges: boolean;
}

/** May a Slack surface change this configuration? (pure) */
export function slackMayChange(configuration: Ownership): boolean {
  return configuration.managedBy !== "file" || configuration.allowSlackChanges;
}

/** Throws ChatbotError(Forbidden) with FILE_MANAGED_REFUSAL unless Slack may change it. */
export function assertSlackMayChange(configuration: Ownership | null | undefined): void {
  if (configuration != null && !slackMayChange(configuration))
    throw new ChatbotError(ErrorCode.Forbidden, FILE_MANAGED_REFUSAL);
}

/** "managed by a configuration file" (and whether Slack may change it) for lists, or undefined. */
export function ownershipNote(configuration: Ownership): string | undefined {
  if (configuration.managedBy !== "file") return undefined;
  return configuration.allowSlackChanges
    ? "managed by a configuration file (Slack changes allowed; the next apply undoes them)"
    : "managed by a configuration file: change it there";
}
