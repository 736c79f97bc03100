/**
 * A channel configuration as a form submits it ("Configure new channel" / "Edit" in App Home), and
 * its validation into a plan: pure checks first, then the ones that need the database and a look at
 * the channel. Problems come back per field, in words that say what to do instead.
 */
import { isChatbotError } from "../errors";
import { assertDeliverableTopic, type TopicArn } from "../sns/topic-arn";
import { type ChannelDirectory, type ChannelLookup, unconfigurableReason } from "./channel-directory";
import { tokenize } from "./command-grammar";
import { configurationNameProblem } from "./configuration-names";
import { parseIamRoleArn, roleArnFor, slackRoleNameProblem } from "./iam-role";

export const MAX_REGIONS = 10;
export const MAX_TOPICS_PER_CONFIGURATION = 100;
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

export type RoleChoice =
  | { mode: "none" }
  | { mode: "existing"; arn?: string }
  | { mode: "template"; name?: string };

export interface RegionDraft {
  region?: string;
  /** ARNs separated by spaces, commas or new lines. */
  topics?: string;
}

export interface ConfigurationDraft {
  /** Set when editing. */
  configurationId?: string;
  /** From the channel picker. */
  pickedChannelId?: string;
  /** Typed: a private channel the bot may not see yet. */
  privateChannelId?: string;
  name?: string;
  role: RoleChoice;
  regions: RegionDraft[];
}

/** Form fields problems are reported on (the modal uses them as block ids). */
export type DraftField =
  | "channel"
  | "private_channel"
  | "name"
  | "role_mode"
  | "role_arn"
  | "role_name"
  | `region_${number}`
  | `topics_${number}`;

export type DraftErrors = Partial<Record<DraftField, string>>;

export interface CheckedDraft {
  channelId: string;
  /** Which field named the channel (where channel problems are shown). */
  channelField: "channel" | "private_channel";
  name?: string;
  topics: TopicArn[];
  role: RoleChoice;
}

function summarize(problems: string[]): string {
  if (problems.length <= 2) return problems.join(" ");
  return `${problems.slice(0, 2).join(" ")} (and ${problems.length - 2} more problems)`;
}

function checkRegion(index: number, draft: RegionDraft, errors: DraftErrors): TopicArn[] {
  const tokens = tokenize(draft.topics ?? "");
  if (tokens.length === 0) return [];
  if (draft.region === undefined) {
    errors[`region_${index}`] = "Choose the Region of these topics.";
    return [];
  }
  const topics: TopicArn[] = [];
  const problems: string[] = [];
  for (const token of tokens) {
    try {
      const topic = assertDeliverableTopic(token);
      if (topic.region !== draft.region) {
        problems.push(`${topic.arn} is in ${topic.region}, not ${draft.region}: list it under that Region.`);
      } else topics.push(topic);
    } catch (error) {
      if (!isChatbotError(error)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) errors[`topics_${index}`] = summarize(problems);
  return topics;
}

/** The checks that need nothing but the draft. */
export function checkDraft(
  draft: ConfigurationDraft,
): { ok: true; checked: CheckedDraft } | { ok: false; errors: DraftErrors } {
  const errors: DraftErrors = {};
  const picked = draft.pickedChannelId;
  const typed = draft.privateChannelId?.trim().toUpperCase();
  let channelId: string | undefined;
  let channelField: CheckedDraft["channelField"] = "channel";
  if (typed !== undefined && typed !== "") {
    if (picked !== undefined && picked !== typed) {
      errors.private_channel = "Pick a channel above or type a private channel's ID here, not both.";
    } else if (!CHANNEL_ID.test(typed)) {
      errors.private_channel =
        "A channel ID looks like C0123ABCDEF: open the channel's details, it is at the bottom of the About tab.";
    } else {
      channelId = typed;
      channelField = picked === undefined ? "private_channel" : "channel";
    }
  } else if (picked !== undefined) channelId = picked;
  else errors.channel = "Pick a channel, or type a private channel's ID below.";

  const name = draft.name?.trim() || undefined;
  if (name !== undefined) {
    const problem = configurationNameProblem(name);
    if (problem !== undefined) errors.name = `${capitalize(problem)}.`;
  }

  const seen = new Set<string>();
  const topics: TopicArn[] = [];
  draft.regions.slice(0, MAX_REGIONS).forEach((region, index) => {
    for (const topic of checkRegion(index, region, errors)) {
      if (!seen.has(topic.arn)) topics.push(topic);
      seen.add(topic.arn);
    }
  });
  if (topics.length > MAX_TOPICS_PER_CONFIGURATION) {
    errors.topics_0 = `A configuration takes at most ${MAX_TOPICS_PER_CONFIGURATION} topics; this one has ${topics.length}.`;
  }

  const role = draft.role;
  if (role.mode === "existing") {
    const arn = role.arn?.trim();
    if (!arn)
      errors.role_arn = "Paste the role's ARN, e.g. arn:aws:iam::123456789012:role/AWSChatbotNotifications.";
    else {
      try {
        parseIamRoleArn(arn);
      } catch (error) {
        if (!isChatbotError(error)) throw error;
        errors.role_arn = error.message;
      }
    }
  } else if (role.mode === "template") {
    const roleName = role.name?.trim() ?? "";
    const problem = roleName === "" ? "type a name for the new role" : slackRoleNameProblem(roleName);
    if (problem !== undefined) errors.role_name = `${capitalize(problem)}.`;
    else if (topics.length === 0 && errors.topics_0 === undefined) {
      errors.role_name =
        "Add at least one SNS topic below: the role is created in the topics' AWS account, so I need one to know it.";
    }
  }
  if (Object.keys(errors).length > 0 || channelId === undefined) return { ok: false, errors };
  return { ok: true, checked: { channelId, channelField, name, topics, role } };
}

/** The role ARN the checked draft asks for (a template's role lives in the first topic's account). */
export function roleArnOf(checked: CheckedDraft): string | null {
  const role = checked.role;
  if (role.mode === "none") return null;
  if (role.mode === "existing") return parseIamRoleArn(role.arn ?? "").arn;
  const account = checked.topics[0];
  return roleArnFor(account.partition, account.accountId, (role.name ?? "").trim());
}

/** Looks the channel up; a failed lookup or an unconfigurable channel is a problem on its field. */
export async function lookUpDraftChannel(
  checked: CheckedDraft,
  channels: ChannelDirectory,
): Promise<{ ok: true; lookup: ChannelLookup } | { ok: false; errors: DraftErrors }> {
  let lookup: ChannelLookup;
  try {
    lookup = await channels.lookUp(checked.channelId);
  } catch (error) {
    if (!isChatbotError(error)) throw error;
    return {
      ok: false,
      errors: { [checked.channelField]: `Could not look the channel up (${error.message}); try again.` },
    };
  }
  const refusal = unconfigurableReason(lookup);
  if (refusal !== undefined)
    return { ok: false, errors: { [checked.channelField]: `${capitalize(refusal)}.` } };
  return { ok: true, lookup };
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0].toUpperCase() + text.slice(1);
}
