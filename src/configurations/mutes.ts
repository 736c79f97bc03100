/**
 * Mute rows (issue 13): set from a notification's Mute menu, listed by `/aws mute`, ended by
 * `/aws unmute`, by their time, or — "until OK" — by the alarm's or resource's OK. One query per
 * function; the delivery side reads them through its snapshot (delivery/noise-snapshot.ts).
 */
import { randomBytes } from "node:crypto";
import type { DbClient } from "../db/database";

export type MuteScope = "alarm" | "resource" | "service";

export interface MuteRecord {
  id: string;
  configurationId: string;
  scope: MuteScope;
  /** Thread key (alarm), resource ARN or id, or service id. */
  key: string;
  label: string;
  /** null: until the alarm or resource is OK again. */
  endsAt: Date | null;
  createdBy: string;
  createdAt: Date;
}

export interface NewMute {
  configurationId: string;
  scope: MuteScope;
  key: string;
  label: string;
  endsAt: Date | null;
  createdBy: string;
}

/** Short and typeable (`/aws unmute k3v9q2`): 8 base-36 characters. */
export function newMuteId(): string {
  return randomBytes(6).readUIntBE(0, 6).toString(36).padStart(8, "0").slice(-8);
}

function toRecord(row: {
  id: string;
  configurationId: string;
  scope: string;
  key: string;
  label: string;
  endsAt: Date | null;
  createdBy: string;
  createdAt: Date;
}): MuteRecord {
  return { ...row, scope: row.scope as MuteScope };
}

const ACTIVE_SELECT = {
  id: true,
  configurationId: true,
  scope: true,
  key: true,
  label: true,
  endsAt: true,
  createdBy: true,
  createdAt: true,
} as const;

/** Mutes not ended and not past their end at `now`: of one configuration, of some, or all. */
export async function activeMutes(
  prisma: DbClient,
  now: Date,
  configurationId?: string | readonly string[],
): Promise<MuteRecord[]> {
  const only =
    configurationId === undefined
      ? {}
      : {
          configurationId:
            typeof configurationId === "string" ? configurationId : { in: [...configurationId] },
        };
  const rows = await prisma.mute.findMany({
    where: {
      ...only,
      endedAt: null,
      OR: [{ endsAt: null }, { endsAt: { gt: now } }],
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: ACTIVE_SELECT,
  });
  return rows.map(toRecord);
}

export async function createMute(prisma: DbClient, mute: NewMute, now: Date): Promise<MuteRecord> {
  const row = await prisma.mute.create({
    data: { id: newMuteId(), ...mute, createdAt: now },
    select: ACTIVE_SELECT,
  });
  return toRecord(row);
}

/** Ends active mutes of a configuration (all, or the one `id`); returns those ended. */
export async function endMutes(
  prisma: DbClient,
  configurationId: string,
  ids: readonly string[] | "all",
  endedBy: string,
  now: Date,
): Promise<number> {
  const { count } = await prisma.mute.updateMany({
    where: {
      configurationId,
      ...(ids === "all" ? {} : { id: { in: [...ids] } }),
      endedAt: null,
      OR: [{ endsAt: null }, { endsAt: { gt: now } }],
    },
    data: { endedAt: now, endedBy },
  });
  return count;
}

/** "ends in 1 h 5 min" / "until the alarm is OK" — how `/aws mute` and `/aws list` say when it ends. */
export function muteEndText(mute: Pick<MuteRecord, "endsAt" | "scope">, now: Date): string {
  if (mute.endsAt === null) return `until the ${mute.scope} is OK`;
  const minutes = Math.max(1, Math.ceil((mute.endsAt.getTime() - now.getTime()) / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const left = hours === 0 ? `${rest} min` : rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
  return `for ${left} more (until ${mute.endsAt.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

/** The one line of `/aws list` and App Home: "alarm HighCPU (k3v9q2), service health (…)". */
export function mutesLine(mutes: readonly MuteRecord[]): string {
  if (mutes.length === 0) return "none";
  return mutes.map((mute) => `${mute.label} (${mute.id})`).join(", ");
}
