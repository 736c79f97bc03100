/**
 * Alarm threads: the first notification of an alarm (its `threadKey`: alarm ARN, pipeline execution,
 * custom `metadata.threadId`…) in a channel is a top-level message; later ones reply in its thread
 * and the parent is updated to show the current state and since when. After a resolved state (OK)
 * that lasted longer than `newThreadAfterMs`, or a stateless thread idle that long, the next
 * notification starts a new thread. Channels are processed one delivery at a time, so two
 * deliveries of one alarm never both create a parent.
 */
import type { Database } from "../db/database";
import type { Notification, SlackBlock, SlackMessage } from "../notifications";

export interface ThreadRow {
  parentTs: string;
  lastState: string | null;
  lastStateAt: Date | null;
  updatedAt: Date;
}

export type ThreadPlan =
  | { kind: "top-level"; threadKey?: string }
  | { kind: "reply"; threadKey: string; parentTs: string; thread: ThreadRow };

const RESOLVED_STATE =
  /^(ok|resolved|closed|succeeded|success|successful|completed|compliant|healthy|recovered)$|_COMPLETE$/i;

/** A state word that means "back to normal": OK, RESOLVED, SUCCEEDED, UPDATE_COMPLETE… */
export function isResolvedState(state: string | null | undefined): boolean {
  return state !== null && state !== undefined && RESOLVED_STATE.test(state.trim());
}

/** When the notification happened: its own time, else SNS's, else now. */
export function eventTime(notification: Notification, snsTimestamp: string, now: Date): Date {
  for (const candidate of [notification.timestamp, snsTimestamp]) {
    const parsed = candidate === undefined ? Number.NaN : Date.parse(candidate);
    if (Number.isFinite(parsed)) return new Date(parsed);
  }
  return now;
}

export function planThread(
  notification: Notification,
  thread: ThreadRow | null,
  at: Date,
  newThreadAfterMs: number,
): ThreadPlan {
  const threadKey = notification.threadKey;
  if (threadKey === undefined || threadKey === "") return { kind: "top-level" };
  if (thread === null) return { kind: "top-level", threadKey };
  const quietSince = thread.lastState === null ? thread.updatedAt : (thread.lastStateAt ?? thread.updatedAt);
  const quietFor = at.getTime() - quietSince.getTime();
  const closed =
    (thread.lastState === null || isResolvedState(thread.lastState)) && quietFor > newThreadAfterMs;
  const reopening = closed && !isResolvedState(notification.state);
  if (reopening || (closed && thread.lastState === null)) return { kind: "top-level", threadKey };
  return { kind: "reply", threadKey, parentTs: thread.parentTs, thread };
}

/** The thread's state after this notification: the state it shows and since when. */
export function nextThreadState(
  notification: Notification,
  thread: ThreadRow | null,
  at: Date,
): { lastState: string | null; lastStateAt: Date } {
  const state = notification.state ?? null;
  if (thread !== null && state === thread.lastState)
    return { lastState: state, lastStateAt: thread.lastStateAt ?? at };
  return { lastState: state, lastStateAt: at };
}

const STATE_EMOJI: Record<NonNullable<Notification["severity"]>, string> = {
  critical: ":rotating_light:",
  high: ":red_circle:",
  medium: ":large_orange_circle:",
  low: ":large_yellow_circle:",
  info: ":large_blue_circle:",
  ok: ":large_green_circle:",
};

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<!date^…>` shows each reader's own time zone; the text after `|` is the UTC fallback. */
function slackDate(at: Date): string {
  const iso = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

const MAX_BLOCKS = 50;

/**
 * The parent as first posted, with a line under its header saying what state the alarm is in now
 * and since when (chat.update replaces the blocks, so the whole message is sent again).
 */
export function parentWithCurrentState(
  parent: SlackMessage,
  current: Pick<Notification, "state" | "severity">,
  since: Date,
): SlackMessage {
  const state = current.state ?? current.severity ?? "updated";
  const emoji = current.severity === undefined ? "" : `${STATE_EMOJI[current.severity]} `;
  const line: SlackBlock = {
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `${emoji}Now *${escapeMrkdwn(state)}* since ${slackDate(since)}  ·  every change is in the thread`,
      },
    ],
  };
  const [header, ...rest] = parent.blocks;
  const blocks = header === undefined ? [line] : [header, line, ...rest];
  return { text: parent.text, blocks: blocks.slice(0, MAX_BLOCKS) };
}

// ── queries ─────────────────────────────────────────────────────────────────────────────────────

/** Raw SQL (no query compilation): this runs once per threaded post. */
export async function findThread(
  db: Database,
  configurationId: string,
  threadKey: string,
): Promise<ThreadRow | null> {
  const [a, b] = db.kind === "postgres" ? ["$1", "$2"] : ["?", "?"];
  const rows = await db.prisma.$queryRawUnsafe<ThreadRow[]>(
    `SELECT "parentTs", "lastState", "lastStateAt", "updatedAt" FROM "AlarmThread" ` +
      `WHERE "configurationId" = ${a} AND "threadKey" = ${b}`,
    configurationId,
    threadKey,
  );
  return rows[0] ?? null;
}
