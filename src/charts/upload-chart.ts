/**
 * Posts a chart PNG into a Slack channel (in the alarm's thread when `threadTs` is given) with the
 * files upload flow that replaced files.upload (sunset 2025-11-12, PROTOCOLS §2.9):
 * files.getUploadURLExternal → POST the bytes to the absolute upload_url →
 * files.completeUploadExternal with channel_id and thread_ts. `client.files.uploadV2` runs the three
 * steps. Slack errors (not_in_channel, missing_scope files:write, …) are thrown as the WebClient
 * throws them, for the caller's Slack error handling.
 */
import type { WebClient } from "@slack/web-api";
import { z } from "zod";
import { ChatbotError, ErrorCode } from "../errors";

export interface ChartUpload {
  channelId: string;
  /** The message to reply under (the alarm's thread); absent posts the chart at the channel's top level. */
  threadTs?: string;
  png: Buffer;
  /** The alarm's name: the file's title and, with a prefix, its alt text. */
  alarmName: string;
}

const uploadResult = z.object({
  files: z
    .array(z.object({ files: z.array(z.object({ id: z.string() })).optional() }).passthrough())
    .optional(),
});

/** A file name Slack shows: the alarm's name made safe, `.png`. */
export function chartFilename(alarmName: string): string {
  const base = alarmName
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80);
  return `${base === "" ? "alarm" : base}.png`;
}

/** Uploads the chart; returns the Slack file id. */
export async function uploadChart(client: WebClient, upload: ChartUpload): Promise<{ fileId: string }> {
  const file = {
    file: upload.png,
    filename: chartFilename(upload.alarmName),
    title: upload.alarmName.slice(0, 250),
    alt_text: `CloudWatch metric chart of the alarm ${upload.alarmName}`.slice(0, 1000),
  };
  const result =
    upload.threadTs === undefined
      ? await client.files.uploadV2({ ...file, channel_id: upload.channelId })
      : await client.files.uploadV2({ ...file, channel_id: upload.channelId, thread_ts: upload.threadTs });
  const parsed = uploadResult.safeParse(result);
  const fileId = parsed.success ? parsed.data.files?.[0]?.files?.[0]?.id : undefined;
  if (fileId === undefined) {
    throw new ChatbotError(
      ErrorCode.SlackApiFailed,
      "files.completeUploadExternal answered without a file id",
    );
  }
  return { fileId };
}
