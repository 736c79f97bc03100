/** Types shared by the processor, its targets and the service. */
import type { Notification } from "../notifications";
import type { WorkspaceRef } from "./workspace-status";

/** posted / dead / muted: the channel goes on. retry / held: the channel waits. released: shutdown. */
export type Outcome = "posted" | "dead" | "muted" | "retry" | "held" | "released";

/** What a listener of posted notifications learns (charts reply in the alarm's thread with it). */
export interface PostedNotification {
  configurationId: string;
  workspace: WorkspaceRef;
  channelId: string;
  notification: Notification;
  /** ts of the message just posted. */
  ts: string;
  /** The thread it belongs to (the parent's ts), when it has one; for a new parent, its own ts. */
  threadTs?: string;
}

export type PostedListener = (posted: PostedNotification) => void | Promise<void>;
