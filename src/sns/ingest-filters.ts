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
import { type CompiledFilter, filterSubjectOf, passesFilter } from "../configurations/filters";
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

/** Alarms a filter let through lately, per configuration; bounded, forgotten after a day. */
const REMEMBER_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED = 50_000;

export class IngestFilters {
  readonly #passed = new Map<string, number>();

  constructor(
    private readonly deps: IngestFilterDeps,
    private readonly now: () => number = Date.now,
  ) {}

  judge(candidates: Iterable<FilterCandidate>): FilterJudgement {
    if (this.deps.snapshot.isEmpty) return NO_REJECTIONS;
    const judgement: FilterJudgement = { rejected: new Set(), threadChecks: [] };
    for (const candidate of candidates) {
      let notification: Notification | undefined;
      for (const { configurationId } of candidate.wanting) {
        const filter = this.deps.snapshot.filterFor(configurationId);
        if (filter === undefined) continue;
        notification ??= notificationOf(candidate.notification);
        this.#judgeOne(judgement, candidate.id, configurationId, filter, notification);
      }
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
    notification: Notification,
  ): void {
    const { threadKey } = notification;
    const threaded = threadKey !== undefined && threadKey !== "";
    const alarmKey = threaded ? `${configurationId}\u0000${threadKey}` : "";
    const resolved = isResolvedState(notification.state);
    if (passesFilter(filter, filterSubjectOf(notification))) {
      if (threaded && !resolved) this.#remember(alarmKey);
      return;
    }
    if (threaded && resolved) {
      if (this.#passed.delete(alarmKey)) return;
      judgement.threadChecks.push({ key: pairKey(messageId, configurationId), configurationId, threadKey });
    }
    judgement.rejected.add(pairKey(messageId, configurationId));
  }

  #remember(alarmKey: string): void {
    if (this.#passed.size >= MAX_REMEMBERED) {
      const cutoff = this.now() - REMEMBER_MS;
      for (const [key, at] of this.#passed) if (at < cutoff) this.#passed.delete(key);
      if (this.#passed.size >= MAX_REMEMBERED) this.#passed.clear();
    }
    this.#passed.set(alarmKey, this.now());
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
