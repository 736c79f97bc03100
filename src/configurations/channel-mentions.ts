/**
 * `/aws mention`: who a channel's top-level notifications mention, from a severity up (issue 13).
 * One ChannelMention row per target; adding a target again changes its level. Every change is
 * audited and tells the delivery side (its in-memory snapshot) at once.
 */

import type { DbClient, PrismaClient } from "../db/database";
import { ChatbotError, ErrorCode } from "../errors";
import { recordAudit } from "./audit-log";
import { type ChannelConfigurationView, findChannelConfiguration } from "./configuration-queries";
import type { Actor } from "./configuration-types";
import { assertSlackMayChange } from "./file-managed";
import { activeMutes, mutesLine } from "./mutes";
import type { MentionLevel, MentionTarget } from "./noise-grammar";

export interface StoredMention extends MentionTarget {
  configurationId: string;
  level: MentionLevel;
}

/** Told after every change of mentions or mutes, so the delivery snapshot reloads (noise-snapshot.ts). */
export type NoiseChanged = () => void;

export const MAX_MENTIONS_PER_CHANNEL = 20;

/** Every mention of every configuration (the snapshot's load), or of one configuration. */
export async function loadMentions(prisma: DbClient, configurationId?: string): Promise<StoredMention[]> {
  const rows = await prisma.channelMention.findMany({
    where: configurationId === undefined ? {} : { configurationId },
    orderBy: [{ configurationId: "asc" }, { createdAt: "asc" }, { target: "asc" }],
  });
  return rows.map((row) => ({
    configurationId: row.configurationId,
    target: row.target,
    label: row.label,
    level: row.minSeverity as MentionLevel,
  }));
}

/** "@alice, @oncall from high; @here from critical" — the one line of `/aws list` and App Home. */
export function mentionsLine(mentions: readonly StoredMention[]): string {
  if (mentions.length === 0) return "none";
  const byLevel = new Map<MentionLevel, string[]>();
  for (const mention of mentions)
    byLevel.set(mention.level, [...(byLevel.get(mention.level) ?? []), mention.label]);
  return [...byLevel].map(([level, labels]) => `${labels.join(", ")} from ${level}`).join("; ");
}

/** Noise control of a channel in two lines (App Home, `/aws list`): whom it mentions, what is muted. */
export interface NoiseLines {
  mentions: string;
  mutes: string;
}

/** The lines of configurations that mention someone or have an active mute (two queries for a page). */
export async function noiseLinesOf(
  prisma: DbClient,
  configurationIds: readonly string[],
  now: Date,
): Promise<Map<string, NoiseLines>> {
  const ids = [...configurationIds];
  const [mentions, mutes] = await Promise.all([
    prisma.channelMention.findMany({
      where: { configurationId: { in: ids } },
      orderBy: [{ createdAt: "asc" }, { target: "asc" }],
    }),
    activeMutes(prisma, now, ids),
  ]);
  const lines = new Map<string, NoiseLines>();
  for (const id of ids) {
    const own = mentions
      .filter((m) => m.configurationId === id)
      .map((m) => ({
        configurationId: id,
        target: m.target,
        label: m.label,
        level: m.minSeverity as MentionLevel,
      }));
    const muted = mutes.filter((m) => m.configurationId === id);
    if (own.length > 0 || muted.length > 0)
      lines.set(id, { mentions: mentionsLine(own), mutes: mutesLine(muted) });
  }
  return lines;
}

export interface MentionsResult {
  configuration: ChannelConfigurationView;
  mentions: StoredMention[];
}

/** The configuration a write names in its audit entry. */
type MentionSubject = Pick<ChannelConfigurationView, "id" | "teamId" | "name" | "channelPrivate">;

/** A mention as a whole list sets it (the configuration file): its target, label and level. */
export interface WantedMention extends MentionTarget {
  level: MentionLevel;
}

function tooMany(count: number): ChatbotError {
  return new ChatbotError(
    ErrorCode.InvalidArgument,
    `A channel mentions at most ${MAX_MENTIONS_PER_CHANNEL} people or groups (this would make ${count}); nothing was changed. Use a user group, or \`mention none\` first.`,
  );
}

function auditMentions(tx: DbClient, userId: string | null, subject: MentionSubject, detail: string) {
  return recordAudit(tx, {
    teamId: subject.teamId,
    userId,
    action: "mentions.changed",
    detail: `${subject.name}: ${detail}`,
    visibleToAll: subject.channelPrivate === false,
  });
}

/** Adds (or re-levels) targets inside the caller's transaction; audited; refused past the limit. */
export async function addMentionRows(
  tx: DbClient,
  userId: string | null,
  subject: MentionSubject,
  targets: readonly MentionTarget[],
  level: MentionLevel,
): Promise<void> {
  for (const { target, label } of targets) {
    await tx.channelMention.upsert({
      where: { configurationId_target: { configurationId: subject.id, target } },
      create: { configurationId: subject.id, target, label, minSeverity: level, createdBy: userId },
      update: { label, minSeverity: level },
    });
  }
  const count = await tx.channelMention.count({ where: { configurationId: subject.id } });
  if (count > MAX_MENTIONS_PER_CHANNEL) throw tooMany(count);
  await auditMentions(tx, userId, subject, `mention ${targets.map((t) => t.label).join(", ")} from ${level}`);
}

/** Removes every mention inside the caller's transaction; audited when there were some. */
export async function clearMentionRows(tx: DbClient, userId: string | null, subject: MentionSubject) {
  const { count } = await tx.channelMention.deleteMany({ where: { configurationId: subject.id } });
  if (count > 0) await auditMentions(tx, userId, subject, "mentions cleared");
}

/**
 * Makes the channel's mentions exactly `wanted` inside the caller's transaction (the configuration
 * file): removes the others, adds or re-levels the rest with the rows `/aws mention` writes, audited
 * once as `mentions.changed`. Returns whether anything changed.
 */
export async function replaceMentionRows(
  tx: DbClient,
  userId: string | null,
  subject: MentionSubject,
  wanted: readonly WantedMention[],
): Promise<boolean> {
  if (wanted.length > MAX_MENTIONS_PER_CHANNEL) throw tooMany(wanted.length);
  const current = await loadMentions(tx, subject.id);
  const same = (a: WantedMention, b: WantedMention) => a.label === b.label && a.level === b.level;
  const stale = current.filter((have) => !wanted.some((want) => want.target === have.target));
  const writes = wanted.filter((want) => {
    const have = current.find((c) => c.target === want.target);
    return have === undefined || !same(have, want);
  });
  if (stale.length === 0 && writes.length === 0) return false;
  if (stale.length > 0)
    await tx.channelMention.deleteMany({
      where: { configurationId: subject.id, target: { in: stale.map((m) => m.target) } },
    });
  for (const { target, label, level } of writes) {
    await tx.channelMention.upsert({
      where: { configurationId_target: { configurationId: subject.id, target } },
      create: { configurationId: subject.id, target, label, minSeverity: level, createdBy: userId },
      update: { label, minSeverity: level },
    });
  }
  const line = mentionsLine(wanted.map((m) => ({ ...m, configurationId: subject.id })));
  await auditMentions(
    tx,
    userId,
    subject,
    wanted.length === 0 ? "mentions cleared" : `mentions set to ${line}`,
  );
  return true;
}

export class ChannelMentions {
  constructor(private readonly deps: { prisma: PrismaClient; changed: NoiseChanged }) {}

  async list(actor: Pick<Actor, "teamId">, channelId: string): Promise<MentionsResult | null> {
    const configuration = await findChannelConfiguration(this.deps.prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    return { configuration, mentions: await loadMentions(this.deps.prisma, configuration.id) };
  }

  /** Adds (or re-levels) targets; null when the channel has no configuration. */
  async add(
    actor: Actor,
    channelId: string,
    targets: readonly MentionTarget[],
    level: MentionLevel,
  ): Promise<MentionsResult | null> {
    const { prisma } = this.deps;
    const configuration = await findChannelConfiguration(prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    assertSlackMayChange(configuration);
    await prisma.$transaction((tx) => addMentionRows(tx, actor.userId, configuration, targets, level));
    this.deps.changed();
    return { configuration, mentions: await loadMentions(prisma, configuration.id) };
  }

  /** Removes every mention of the channel; null when the channel has no configuration. */
  async clear(actor: Actor, channelId: string): Promise<MentionsResult | null> {
    const { prisma } = this.deps;
    const configuration = await findChannelConfiguration(prisma, actor.teamId, channelId);
    if (configuration === null) return null;
    assertSlackMayChange(configuration);
    await prisma.$transaction((tx) => clearMentionRows(tx, actor.userId, configuration));
    this.deps.changed();
    return { configuration, mentions: [] };
  }
}
