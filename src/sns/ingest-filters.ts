/**
 * Channel filters on the ingest path: which (message, configuration) pairs of a batch a filter
 * keeps out, so they get no delivery. Evaluated from the in-memory FilterSnapshot (no query); a
 * message is formatted once, and only when a configuration that wants it has a filter.
 *
 * The ALARM→OK rule: when a filter let an alarm's ALARM through, its later OK (same thread key) is
 * delivered even if the filter would keep it out, so no thread is left hanging red. "Let through"
 * is known from this process's memory of recent passes, or from the channel's AlarmThread row (its
 * last state not resolved), which every replica sees.
 */
import {
  type CompiledFilter,
  type FilterSubject,
  filterSubjectOf,
  passesFilter,
} from "../configurations/filters";
import { isResolvedState } from "../delivery/threads";
import { formatNotification, type Notification } from "../notifications";
import type { IncomingNotification } from "./ingest";

export interface IngestFilterDeps {
  snapshot: { filterFor(configurationId: string): CompiledFilter | undefined; readonly isEmpty: boolean };
  counts: { record(configurationId: string): void };
}

export interface FilterCandidate {
  /** Our Message.id. */
  id: string;
  notification: IncomingNotification;
  wanting: { configurationId: string }[];
}

/** A rejected OK whose thread may be open: kept when the channel's AlarmThread says so. */
export interface ThreadCheck {
  key: string;
  configurationId: string;
  threadKey: string;
}

export interface FilterJudgement {
  /** `pairKey(messageId, configurationId)` of the pairs kept out. */
  rejected: Set<string>;
  threadChecks: ThreadCheck[];
}

export const NO_REJECTIONS: FilterJudgement = { rejected: new Set(), threadChecks: [] };

export function pairKey(messageId: string, configurationId: string): string {
  return `${messageId}\u0000${configurationId}`;
}

/** The last unresolved notification of each alarm, for its OK; bounded, forgotten after a day. */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 50_000;

export class IngestFilters {
  /**
   * Alarm thread key → its latest unresolved notification as filters see it. An OK a filter keeps
   * out is let through when that same filter passes the ALARM remembered here: one entry per alarm,
   * written once per message, whatever the number of channels (the per-pair cost stays nil).
   */
  readonly #alarms = new Map<string, { at: number; subject: FilterSubject }>();

  constructor(
    private readonly deps: IngestFilterDeps,
    private readonly now: () => number = Date.now,
  ) {}

  judge(candidates: Iterable<FilterCandidate>): FilterJudgement {
    if (this.deps.snapshot.isEmpty) return NO_REJECTIONS;
    const judgement: FilterJudgement = { rejected: new Set(), threadChecks: [] };
    for (const candidate of candidates) {
      let judged: Judged | undefined;
      for (const { configurationId } of candidate.wanting) {
        const filter = this.deps.snapshot.filterFor(configurationId);
        if (filter === undefined) continue;
        if (judged === undefined) {
          judged = judgedOf(notificationOf(candidate.notification));
          judged.alarm = this.#alarmBefore(judged);
        }
        this.#judgeOne(judgement, candidate.id, configurationId, filter, judged);
      }
      if (judged !== undefined) this.#remember(judged);
    }
    return judgement;
  }

  /** Counts the rejected pairs of the messages that were stored (a duplicate counts nothing). */
  count(judgement: FilterJudgement, storedMessageIds: ReadonlySet<string>): void {
    for (const key of judgement.rejected) {
      const [messageId, configurationId] = key.split("\u0000");
      if (storedMessageIds.has(messageId)) this.deps.counts.record(configurationId);
    }
  }

  #judgeOne(
    judgement: FilterJudgement,
    messageId: string,
    configurationId: string,
    filter: CompiledFilter,
    { subject, threadKey, resolved, alarm }: Judged,
  ): void {
    if (passesFilter(filter, subject)) return;
    if (threadKey !== undefined && resolved) {
      // The same filter let the alarm's last ALARM through (this process saw it): the OK follows it.
      if (alarm !== undefined && passesFilter(filter, alarm)) return;
      judgement.threadChecks.push({ key: pairKey(messageId, configurationId), configurationId, threadKey });
    }
    judgement.rejected.add(pairKey(messageId, configurationId));
  }

  /** For a resolved notification: the alarm's last unresolved one, when this process saw it lately. */
  #alarmBefore({ threadKey, resolved }: Judged): FilterSubject | undefined {
    if (threadKey === undefined || !resolved) return undefined;
    const alarm = this.#alarms.get(threadKey);
    return alarm === undefined || alarm.at < this.now() - REMEMBER_MS ? undefined : alarm.subject;
  }

  /** An unresolved notification becomes the alarm's latest; a resolved one closes it. */
  #remember({ threadKey, resolved, subject }: Judged): void {
    if (threadKey === undefined) return;
    if (resolved) {
      this.#alarms.delete(threadKey);
      return;
    }
    if (this.#alarms.size >= MAX_REMEMBERED && !this.#alarms.has(threadKey)) this.#forgetOld();
    this.#alarms.set(threadKey, { at: this.now(), subject });
  }

  #forgetOld(): void {
    const cutoff = this.now() - REMEMBER_MS;
    for (const [key, alarm] of this.#alarms) if (alarm.at < cutoff) this.#alarms.delete(key);
    if (this.#alarms.size >= MAX_REMEMBERED) this.#alarms.clear();
  }
}

/** Threads whose last state is not resolved keep their OK: checked pairs leave `rejected`. */
export function keepOpenThreads(
  judgement: FilterJudgement,
  lastStateOf: (check: ThreadCheck) => string | null | undefined,
): void {
  for (const check of judgement.threadChecks) {
    const lastState = lastStateOf(check);
    if (lastState !== undefined && !isResolvedState(lastState)) judgement.rejected.delete(check.key);
  }
}

/** What every filter of a message's configurations looks at, worked out once per message. */
interface Judged {
  subject: FilterSubject;
  threadKey?: string;
  resolved: boolean;
  /** For a resolved notification: the alarm's last unresolved one (see IngestFilters.#alarms). */
  alarm?: FilterSubject;
}

function judgedOf(notification: Notification): Judged {
  const threadKey = notification.threadKey === "" ? undefined : notification.threadKey;
  return { subject: filterSubjectOf(notification), threadKey, resolved: isResolvedState(notification.state) };
}

function notificationOf(notification: IncomingNotification): Notification {
  return formatNotification({
    Type: "Notification",
    MessageId: notification.snsMessageId,
    TopicArn: notification.topicArn,
    Subject: notification.subject,
    Message: notification.message,
    Timestamp: notification.snsTimestamp,
  });
}
