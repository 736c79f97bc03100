/**
 * The plan: what applying a file would create, change and delete in each workspace, computed
 * (purely) from the file and the database's state. Configurations are matched by channel id
 * (channels) and by name (webhook rooms). Without `prune`, what is only in the database is left and
 * listed; with it, deleted. A `managed_by: slack` entry is created when missing and afterwards
 * only its ownership follows the file: Slack owns the rest.
 */
import type { TopicAccessPolicy } from "../config";
import type { WantedMention } from "../configurations/channel-mentions";
import { type ChannelFilter, describeFilter, serializeFilter } from "../configurations/filters";
import { decideTopicAccess } from "../configurations/topic-access";
import { parseTopicArn } from "../sns/topic-arn";
import type { ChannelState, WebhookRoomState, WorkspaceState } from "./deployment-state";
import { type ChannelEntry, type WebhookRoomEntry, type WorkspaceEntry, wantedMentions } from "./file-schema";

export type ChangeKind = "create" | "change" | "delete" | "leave";

export interface PlannedChange {
  kind: ChangeKind;
  subject: "manager" | "linked account" | "channel" | "webhook room";
  label: string;
  /** Readable diff lines: "topics: + arn:…", "iam_role: none → arn:…". Never a URL. */
  details: string[];
}

export interface RoomWanted {
  entry: WebhookRoomEntry;
  /** The URL the file points at (resolved by the caller from the environment or a file). */
  url: string;
}

export interface WorkspacePlan {
  teamId: string;
  changes: PlannedChange[];
  managers: { add: string[]; remove: string[] };
  accounts: { add: string[]; remove: string[] };
  channels: {
    create: ChannelEntry[];
    update: { from: ChannelState; to: ChannelEntry; ownershipOnly: boolean }[];
    remove: ChannelState[];
  };
  rooms: {
    create: RoomWanted[];
    update: { from: WebhookRoomState; to: RoomWanted; ownershipOnly: boolean }[];
    remove: WebhookRoomState[];
  };
  /** Accounts of topics the plan adds that are not (and would not be) linked: the plan is refused. */
  unlinkedAccounts: string[];
  /** Names the file gives that a configuration left in place (not in the file) has: refused too. */
  nameConflicts: string[];
}

const EMPTY: WorkspaceState = {
  team_id: "",
  managers: [],
  linked_accounts: [],
  channels: [],
  webhook_rooms: [],
};

function setDiff(want: readonly string[], have: readonly string[]) {
  const wanted = new Set(want);
  const had = new Set(have);
  return { add: want.filter((v) => !had.has(v)), remove: have.filter((v) => !wanted.has(v)) };
}

function field(name: string, from: string | undefined, to: string | undefined): string[] {
  return from === to ? [] : [`${name}: ${from ?? "none"} → ${to ?? "none"}`];
}

function topicLines(want: readonly string[], have: readonly string[]): string[] {
  const { add, remove } = setDiff([...want].sort(), have);
  return [...add.map((arn) => `topics: + ${arn}`), ...remove.map((arn) => `topics: - ${arn}`)];
}

type Ownership = Pick<ChannelEntry, "managed_by" | "allow_slack_changes">;

/** Compared as the filter module stores them, so key order and empty filters do not count. */
function filterLines(from: ChannelFilter | undefined, to: ChannelFilter | undefined): string[] {
  const stored = (filter: ChannelFilter | undefined) => serializeFilter(filter ?? {});
  if (stored(from) === stored(to)) return [];
  const text = (filter: ChannelFilter | undefined) =>
    stored(filter) === null ? "none" : describeFilter(filter ?? {});
  return [`filters: ${text(from)} → ${text(to)}`];
}

/** Mentions by target: + added, - removed, ~ a new label or level (the file's order does not count). */
function mentionLines(from: readonly WantedMention[] | undefined, to: readonly WantedMention[]): string[] {
  const have = new Map((from ?? []).map((m) => [m.target, m]));
  const text = (m: WantedMention) => `${m.label} (${m.target}) from ${m.level}`;
  const lines: string[] = [];
  for (const want of to) {
    const had = have.get(want.target);
    have.delete(want.target);
    if (had === undefined) lines.push(`mentions: + ${text(want)}`);
    else if (had.label !== want.label || had.level !== want.level)
      lines.push(`mentions: ~ ${text(had)} → ${want.label} from ${want.level}`);
  }
  for (const had of have.values()) lines.push(`mentions: - ${text(had)}`);
  return lines;
}

function ownershipLines(from: Ownership, to: Ownership): string[] {
  return [
    ...field("managed_by", from.managed_by, to.managed_by),
    ...field("allow_slack_changes", String(from.allow_slack_changes), String(to.allow_slack_changes)),
  ];
}

export function channelLabel(entry: { name: string; channel_id: string; channel_name?: string }): string {
  return `${entry.name} (#${entry.channel_name ?? entry.channel_id}, ${entry.channel_id})`;
}

function channelDetails(from: ChannelState, to: ChannelEntry, ownershipOnly: boolean): string[] {
  if (ownershipOnly) return ownershipLines(from, to);
  return [
    ...field("name", from.name, to.name),
    ...field("iam_role", from.iam_role, to.iam_role),
    ...topicLines(to.topics, from.topics),
    ...filterLines(from.filters, to.filters),
    ...mentionLines(from.mentions, wantedMentions(to.mentions)),
    ...field("mute_permission", from.mute_permission ?? "managers", to.mute_permission ?? "managers"),
    ...ownershipLines(from, to),
  ];
}

function roomDetails(from: WebhookRoomState, to: RoomWanted, ownershipOnly: boolean): string[] {
  if (ownershipOnly) return ownershipLines(from, to.entry);
  const { entry } = to;
  return [
    ...field("description", from.description, entry.description),
    ...(entry.provider === undefined ? [] : field("provider", from.provider, entry.provider)),
    ...(from.url === to.url ? [] : [`url: changed (now from ${entry.url_from_env ?? entry.url_file})`]),
    ...field("iam_role", from.iam_role, entry.iam_role),
    ...topicLines(entry.topics, from.topics),
    ...filterLines(from.filters, entry.filters),
    ...ownershipLines(from, entry),
  ];
}

type Note = (kind: ChangeKind, subject: PlannedChange["subject"], label: string, details?: string[]) => void;

interface Planning {
  plan: WorkspacePlan;
  note: Note;
  prune: boolean;
  /** Topics the plan adds to a configuration: TOPIC_ACCESS is checked on these, as the services do. */
  added: string[];
  /** Names of configurations the file does not name and the plan leaves (lower case). */
  leftNames: Set<string>;
}

function planLists(p: Planning, wanted: WorkspaceEntry, current: WorkspaceState): void {
  const lists = [
    ["manager", wanted.managers, current.managers, p.plan.managers],
    ["linked account", wanted.linked_accounts, current.linked_accounts, p.plan.accounts],
  ] as const;
  for (const [subject, want, have, target] of lists) {
    const diff = setDiff([...want].sort(), have);
    target.add.push(...diff.add);
    for (const value of diff.add) p.note("create", subject, value);
    for (const value of diff.remove) {
      if (p.prune) target.remove.push(value);
      p.note(p.prune ? "delete" : "leave", subject, value);
    }
  }
}

/** What a new configuration gets, as lines: role, topics, ownership. */
function createdLines(entry: ChannelEntry | WebhookRoomEntry): string[] {
  return [
    ...(entry.iam_role === undefined ? [] : [`iam_role: ${entry.iam_role}`]),
    ...topicLines(entry.topics, []),
    ...filterLines(undefined, entry.filters),
    ...("channel_id" in entry ? mentionLines(undefined, wantedMentions(entry.mentions)) : []),
    ...("channel_id" in entry && entry.mute_permission === "members" ? ["mute_permission: members"] : []),
    `managed_by: ${entry.managed_by}${entry.allow_slack_changes ? " (allow_slack_changes)" : ""}`,
  ];
}

function planChannels(p: Planning, wanted: readonly ChannelEntry[], current: readonly ChannelState[]): void {
  const byChannel = new Map(current.map((channel) => [channel.channel_id, channel]));
  for (const entry of [...wanted].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const from = byChannel.get(entry.channel_id);
    byChannel.delete(entry.channel_id);
    if (from === undefined) {
      p.plan.channels.create.push(entry);
      p.added.push(...entry.topics);
      p.note("create", "channel", channelLabel(entry), createdLines(entry));
      continue;
    }
    const ownershipOnly = entry.managed_by === "slack";
    const details = channelDetails(from, entry, ownershipOnly);
    if (details.length === 0) continue;
    if (!ownershipOnly) p.added.push(...setDiff(entry.topics, from.topics).add);
    p.plan.channels.update.push({ from, to: entry, ownershipOnly });
    p.note("change", "channel", channelLabel({ ...entry, channel_name: from.channel_name }), details);
  }
  for (const from of byChannel.values()) {
    if (p.prune) p.plan.channels.remove.push(from);
    else p.leftNames.add(from.name.toLowerCase());
    p.note(p.prune ? "delete" : "leave", "channel", channelLabel(from));
  }
}

function planRooms(p: Planning, wanted: readonly RoomWanted[], current: readonly WebhookRoomState[]): void {
  const byName = new Map(current.map((room) => [room.name.toLowerCase(), room]));
  for (const wantedRoom of [...wanted].sort((a, b) => (a.entry.name < b.entry.name ? -1 : 1))) {
    const { entry } = wantedRoom;
    const from = byName.get(entry.name.toLowerCase());
    byName.delete(entry.name.toLowerCase());
    if (from === undefined) {
      p.plan.rooms.create.push(wantedRoom);
      p.added.push(...entry.topics);
      p.note("create", "webhook room", `${entry.name} (${entry.description})`, createdLines(entry));
      continue;
    }
    const ownershipOnly = entry.managed_by === "slack";
    const details = roomDetails(from, wantedRoom, ownershipOnly);
    if (details.length === 0) continue;
    if (!ownershipOnly) p.added.push(...setDiff(entry.topics, from.topics).add);
    p.plan.rooms.update.push({ from, to: wantedRoom, ownershipOnly });
    p.note("change", "webhook room", `${entry.name} (${entry.description})`, details);
  }
  for (const from of byName.values()) {
    if (p.prune) p.plan.rooms.remove.push(from);
    else p.leftNames.add(from.name.toLowerCase());
    p.note(p.prune ? "delete" : "leave", "webhook room", `${from.name} (${from.description})`);
  }
}

/** The plan of one workspace. `rooms` are the file's webhook rooms with their resolved URLs. */
export function planWorkspace(input: {
  wanted: WorkspaceEntry;
  rooms: readonly RoomWanted[];
  current: WorkspaceState | undefined;
  prune: boolean;
  policy: TopicAccessPolicy;
}): WorkspacePlan {
  const { wanted, prune } = input;
  const current = input.current ?? { ...EMPTY, team_id: wanted.team_id };
  const plan: WorkspacePlan = {
    teamId: wanted.team_id,
    changes: [],
    managers: { add: [], remove: [] },
    accounts: { add: [], remove: [] },
    channels: { create: [], update: [], remove: [] },
    rooms: { create: [], update: [], remove: [] },
    unlinkedAccounts: [],
    nameConflicts: [],
  };
  const p: Planning = {
    plan,
    prune,
    added: [],
    leftNames: new Set(),
    note: (kind, subject, label, details = []) => plan.changes.push({ kind, subject, label, details }),
  };
  planLists(p, wanted, current);
  planChannels(p, wanted.channels, current.channels);
  planRooms(p, input.rooms, current.webhook_rooms);
  // Names are unique in a workspace: the file may not take one a configuration it leaves still has.
  plan.nameConflicts = [...wanted.channels, ...input.rooms.map((room) => room.entry)]
    .map((entry) => entry.name)
    .filter((name) => p.leftNames.has(name.toLowerCase()));
  // The check the services make before writing topics (TOPIC_ACCESS), with the file's links counted.
  const linked = prune ? wanted.linked_accounts : [...current.linked_accounts, ...wanted.linked_accounts];
  const decision = decideTopicAccess({
    policy: input.policy,
    teamId: wanted.team_id,
    topics: [...new Set(p.added)].map(parseTopicArn),
    linked: new Set(linked),
  });
  if (!decision.allowed) plan.unlinkedAccounts = decision.unlinkedAccounts;
  return plan;
}

/** Why the plan of a workspace may not be applied (exit 3), or [] when it may. */
export function refusals(plan: WorkspacePlan): string[] {
  const out: string[] = [];
  if (plan.unlinkedAccounts.length > 0) {
    out.push(
      `workspace ${plan.teamId} would get topics of AWS account(s) ${plan.unlinkedAccounts.join(", ")}, not linked to it: ` +
        `add them to its linked_accounts (or run \`npx chatbot accounts link --team ${plan.teamId} --account ${plan.unlinkedAccounts[0]}\`)`,
    );
  }
  for (const name of plan.nameConflicts) {
    out.push(
      `workspace ${plan.teamId}: the name "${name}" belongs to a configuration the file does not name: rename one, add it to the file, or use --prune`,
    );
  }
  return out;
}

/** Whether a plan writes anything. */
export function hasWrites(plan: WorkspacePlan): boolean {
  return plan.changes.some((change) => change.kind !== "leave");
}

const MARK: Record<ChangeKind, string> = { create: "+", change: "~", delete: "-", leave: "=" };

export function renderPlan(plans: readonly WorkspacePlan[]): string {
  const lines: string[] = [];
  const count = (kind: ChangeKind) =>
    plans.reduce((n, p) => n + p.changes.filter((c) => c.kind === kind).length, 0);
  for (const plan of plans) {
    if (plan.changes.length === 0) continue;
    lines.push(`workspace ${plan.teamId}`);
    for (const change of plan.changes) {
      const left = change.kind === "leave" ? "  (not in the file: left as it is; --prune deletes it)" : "";
      lines.push(`  ${MARK[change.kind]} ${change.subject} ${change.label}${left}`);
      for (const detail of change.details) lines.push(`      ${detail}`);
    }
  }
  const [create, change, remove, leave] = (["create", "change", "delete", "leave"] as const).map(count);
  if (create + change + remove === 0)
    lines.push(`nothing to do${leave > 0 ? ` (${leave} not in the file, left as they are)` : ""}`);
  else
    lines.push(
      `plan: ${create} to create, ${change} to change, ${remove} to delete, ${leave} left as they are`,
    );
  return `${lines.join("\n")}\n`;
}
