/**
 * Mentions and active mutes of every configuration, in memory (issue 13): the delivery path asks
 * here for each notification instead of querying. Reloaded when this process changes them
 * (`changed()`, awaited by the command that changed them) and, when another process changes them
 * (another replica on PostgreSQL; `npx chatbot apply` on either database), when a cheap fingerprint
 * of both tables moves (polled every `pollMs`, 500 ms by default, so such a change counts within a
 * second, as filters do: filter-snapshot.ts). A mute's end time is compared with
 * the clock on every question, so expiry needs no reload.
 */
import { loadMentions, type StoredMention } from "../configurations/channel-mentions";
import { activeMutes, endMutes, type MuteRecord } from "../configurations/mutes";
import { reachesLevel } from "../configurations/noise-grammar";
import type { Database } from "../db/database";
import type { Logger } from "../logger";
import type { Notification } from "../notifications";
import { isResolvedState } from "./threads";

export interface NoiseSnapshotDeps {
  db: Database;
  logger: Logger;
  /** The clock mutes expire by (tests move it). */
  now?: () => Date;
  pollMs?: number;
}

/** A mute that matches a notification; `resumes`: it waited for this OK, which ends it and is posted. */
export interface MuteMatch {
  mute: MuteRecord;
  resumes: boolean;
}

export function muteMatches(mute: MuteRecord, notification: Notification): boolean {
  switch (mute.scope) {
    case "alarm":
      return notification.threadKey === mute.key;
    case "resource":
      return notification.resources.includes(mute.key);
    case "service":
      return notification.service === mute.key;
  }
}

export function isResolved(notification: Pick<Notification, "severity" | "state">): boolean {
  return notification.severity === "ok" || isResolvedState(notification.state);
}

/** The first active mute that matches, at `now` (pure, for the snapshot and its tests). */
export function findMute(
  mutes: readonly MuteRecord[],
  notification: Notification,
  now: Date,
): MuteMatch | undefined {
  for (const mute of mutes) {
    if (mute.endsAt !== null && mute.endsAt.getTime() <= now.getTime()) continue;
    if (!muteMatches(mute, notification)) continue;
    return { mute, resumes: mute.endsAt === null && mute.scope !== "service" && isResolved(notification) };
  }
  return undefined;
}

export class NoiseSnapshot {
  #mentions = new Map<string, StoredMention[]>();
  #mutes = new Map<string, MuteRecord[]>();
  #fingerprint = "";
  #timer: NodeJS.Timeout | undefined;
  #loading: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #pollFailing = false;
  readonly now: () => Date;

  constructor(private readonly deps: NoiseSnapshotDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    await this.changed();
    this.#timer = setInterval(() => {
      this.#poll().then(
        () => {
          this.#pollFailing = false;
        },
        (error: unknown) => {
          // Once per outage, not every poll: the database's own health is reported elsewhere.
          if (!this.#pollFailing)
            this.deps.logger.warn({ err: error }, "could not check mentions and mutes for changes");
          this.#pollFailing = true;
        },
      );
    }, this.deps.pollMs ?? 500);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /**
   * Reloads both tables. A call while a load runs gets the load after it (what it changed may have
   * been read too early by the running one); calls meanwhile share that next load.
   */
  changed(): Promise<void> {
    if (this.#loading === undefined) {
      this.#loading = this.#load().finally(() => {
        this.#loading = undefined;
      });
      return this.#loading;
    }
    this.#next ??= this.#loading
      .catch(() => undefined)
      .then(() => {
        this.#next = undefined;
        return this.changed();
      });
    return this.#next;
  }

  /** The targets (`<@U…>`, `<!subteam^S…>`, `<!here>`) a top-level notification should mention. */
  mentionsFor(configurationId: string, notification: Pick<Notification, "severity">): string[] {
    const mentions = this.#mentions.get(configurationId);
    if (mentions === undefined) return [];
    return mentions.filter((m) => reachesLevel(notification.severity, m.level)).map((m) => m.target);
  }

  muteFor(configurationId: string, notification: Notification): MuteMatch | undefined {
    const mutes = this.#mutes.get(configurationId);
    return mutes === undefined ? undefined : findMute(mutes, notification, this.now());
  }

  /** The OK a mute waited for arrived: the mute ends (and the OK is posted). */
  async resume(match: MuteMatch): Promise<void> {
    await endMutes(this.deps.db.prisma, match.mute.configurationId, [match.mute.id], "ok", this.now());
    await this.changed();
  }

  async #load(): Promise<void> {
    const prisma = this.deps.db.prisma;
    this.#fingerprint = await this.#currentFingerprint();
    const [mentions, mutes] = await Promise.all([loadMentions(prisma), activeMutes(prisma, this.now())]);
    this.#mentions = groupBy(mentions);
    this.#mutes = groupBy(mutes);
  }

  async #poll(): Promise<void> {
    if (this.#loading !== undefined) return;
    if ((await this.#currentFingerprint()) !== this.#fingerprint) await this.changed();
  }

  /** Counts and latest changes of both tables: any insert, update or delete moves it. */
  async #currentFingerprint(): Promise<string> {
    const rows = await this.deps.db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT (SELECT COUNT(*) FROM "ChannelMention") AS "mentions", ` +
        `(SELECT MAX("updatedAt") FROM "ChannelMention") AS "mentionsAt", ` +
        `(SELECT COUNT(*) FROM "Mute") AS "mutes", (SELECT MAX("updatedAt") FROM "Mute") AS "mutesAt"`,
    );
    return JSON.stringify(rows[0] ?? {}, (_key, value) =>
      typeof value === "bigint" ? String(value) : value,
    );
  }
}

function groupBy<T extends { configurationId: string }>(rows: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const list = map.get(row.configurationId);
    if (list === undefined) map.set(row.configurationId, [row]);
    else list.push(row);
  }
  return map;
}
