/**
 * Reads the "Configure new channel" modal back from what Slack sends (view.state.values and
 * private_metadata), with zod: untrusted input becomes ModalValues, and then the domain's draft.
 */
import type { ViewOutput } from "@slack/bolt";
import { z } from "zod";
import {
  type ConfigurationDraft,
  MAX_REGIONS,
  type RegionDraft,
} from "../../../configurations/configuration-draft";
import type { ModalMetadata, ModalValues, RoleMode } from "../../blocks/configure-modal";
import { readFilterFormValues } from "./filter-form";

const stateValueSchema = z.object({
  value: z.string().nullish(),
  selected_conversation: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
type StateValue = z.infer<typeof stateValueSchema>;

const metadataSchema = z.object({
  configurationId: z.string().min(1).max(64).optional(),
  regionCount: z.number().int().min(1).max(MAX_REGIONS).catch(1),
});

const roleModeSchema = z.enum(["none", "existing", "template"]).catch("none");

export function readMetadata(raw: string): ModalMetadata {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { regionCount: 1 };
  } catch {
    return { regionCount: 1 };
  }
}

function stateValue(values: ViewOutput["state"]["values"], blockId: string): StateValue | undefined {
  const parsed = stateValueSchema.safeParse(values[blockId]?.[blockId]);
  return parsed.success ? parsed.data : undefined;
}

function text(value: StateValue | undefined): string | undefined {
  const trimmed = value?.value?.trim();
  return trimmed ? trimmed : undefined;
}

/** What the user has entered so far (for a views.update that keeps it, or for the submission). */
export function readModalValues(view: Pick<ViewOutput, "state" | "private_metadata">): ModalValues {
  const metadata = readMetadata(view.private_metadata);
  const values = view.state.values;
  const regions: RegionDraft[] = [];
  for (let index = 0; index < metadata.regionCount; index += 1) {
    regions.push({
      region: stateValue(values, `region_${index}`)?.selected_option?.value ?? undefined,
      topics: text(stateValue(values, `topics_${index}`)),
    });
  }
  const roleMode: RoleMode = roleModeSchema.parse(stateValue(values, "role_mode")?.selected_option?.value);
  return {
    configurationId: metadata.configurationId,
    pickedChannelId: stateValue(values, "channel")?.selected_conversation ?? undefined,
    privateChannelId: text(stateValue(values, "private_channel")),
    name: text(stateValue(values, "name")),
    roleMode,
    roleArn: text(stateValue(values, "role_arn")),
    roleName: text(stateValue(values, "role_name")),
    regions,
    filter: readFilterFormValues(values),
  };
}

export function toDraft(values: ModalValues): ConfigurationDraft {
  const role =
    values.roleMode === "existing"
      ? { mode: "existing" as const, arn: values.roleArn }
      : values.roleMode === "template"
        ? { mode: "template" as const, name: values.roleName }
        : { mode: "none" as const };
  return {
    configurationId: values.configurationId,
    pickedChannelId: values.pickedChannelId,
    privateChannelId: values.privateChannelId,
    name: values.name,
    role,
    regions: values.regions,
  };
}

/** Keeps only problems on blocks the view has; others go to the role picker (always present). */
export function errorsForView(
  errors: Partial<Record<string, string>>,
  view: Pick<ViewOutput, "blocks">,
): Record<string, string> {
  const blockIds = new Set(
    view.blocks.map((block) => block.block_id).filter((id): id is string => id !== undefined),
  );
  const placed: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    if (message === undefined) continue;
    const target = blockIds.has(field) ? field : "role_mode";
    placed[target] = placed[target] === undefined ? message : `${placed[target]} ${message}`;
  }
  return placed;
}
