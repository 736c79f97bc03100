/**
 * `/aws filter …` and the filter fields of App Home and the CLI: reads and changes a configuration's
 * filter (the `filters` column), audited as `filters.changed`, and tells the in-memory snapshot at
 * once (other replicas see the change within a second: filter-snapshot.ts). Permissions are asked
 * by the caller, as for every other change (`/aws` subcommands, the configure modal).
 */
import type { DbClient } from "../db/database";
import { recordAudit } from "./audit-log";
import type { FilterCounts } from "./filter-counts";
import { applyFilterCommand, type FilterCommand } from "./filter-grammar";
import { type ChannelFilter, describeFilter, parseStoredFilter, serializeFilter } from "./filters";

export interface FilterView {
  configurationId: string;
  /** The filter as stored; `{}` when none, or when the stored one is unreadable (`problem`). */
  filter: ChannelFilter;
  problem?: string;
}

export interface FilterChange extends FilterView {
  previous: ChannelFilter;
  changed: boolean;
}

export interface ChannelFiltersDeps {
  prisma: DbClient;
  counts?: Pick<FilterCounts, "lastDay">;
  /** The in-memory snapshot's refresh (filter-snapshot.ts), called after every change. */
  onChange?: () => Promise<void> | void;
}

interface Subject {
  id: string;
  teamId: string;
  name: string;
  channelId: string | null;
  channelName: string | null;
  channelPrivate: boolean | null;
  filters: string | null;
}

export class ChannelFilters {
  constructor(private readonly deps: ChannelFiltersDeps) {}

  view(configuration: Pick<Subject, "id" | "filters">): FilterView {
    const stored = parseStoredFilter(configuration.filters);
    return stored.ok
      ? { configurationId: configuration.id, filter: stored.filter }
      : { configurationId: configuration.id, filter: {}, problem: stored.problem };
  }

  /** Applies a `/aws filter` change; an unreadable stored filter is replaced as if it were empty. */
  change(userId: string, configuration: Subject, command: Exclude<FilterCommand, { action: "show" }>) {
    const current = this.view(configuration).filter;
    return this.replace(userId, configuration, applyFilterCommand(current, command));
  }

  /** Sets the whole filter (App Home's form, the CLI); audited when it changed. */
  async replace(userId: string | null, configuration: Subject, filter: ChannelFilter): Promise<FilterChange> {
    const before = this.view(configuration);
    const text = serializeFilter(filter);
    const changed = text !== configuration.filters;
    if (changed) {
      await this.deps.prisma.channelConfiguration.update({
        where: { id: configuration.id },
        data: { filters: text },
      });
      await recordAudit(this.deps.prisma, {
        teamId: configuration.teamId,
        userId,
        action: "filters.changed",
        detail: `set the filters of ${labelOf(configuration)} to: ${describeFilter(filter)}`,
        visibleToAll: configuration.channelPrivate === false,
      });
      await this.deps.onChange?.();
    }
    return { configurationId: configuration.id, filter, previous: before.filter, changed };
  }

  /** Notifications kept out of this configuration in the last 24 hours. */
  filteredLastDay(configurationId: string): Promise<number> {
    return this.deps.counts?.lastDay(configurationId) ?? Promise.resolve(0);
  }
}

function labelOf(configuration: Subject): string {
  const where =
    configuration.channelId === null ? "" : ` (#${configuration.channelName ?? configuration.channelId})`;
  return `${configuration.name}${where}`;
}
