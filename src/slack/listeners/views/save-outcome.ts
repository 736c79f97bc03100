import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { saveFailedView } from "../../blocks/result-views";

/** What a form's save is, in the operator's log lines. */
export interface SaveLogLines {
  /** Logged with the error when the save fails for a reason of ours (not a ChatbotError), e.g. "saving a channel configuration failed". */
  failed: string;
  /** Logged when the modal cannot be updated (the user closed it meanwhile), e.g. "views.update with the saved configuration failed". */
  notShown: string;
}

/**
 * The end of a valid form submission, after the "Saving" view was acknowledged: run the save and put
 * its outcome in the modal. A ChatbotError's message is the user's to read; any other error is logged
 * and the user told to try again. A modal that can no longer be updated is only logged: what was
 * saved stays saved.
 */
export async function showSaveOutcome(
  client: WebClient,
  viewId: string,
  logger: Logger,
  lines: SaveLogLines,
  save: () => Promise<ModalView>,
): Promise<void> {
  let result: ModalView;
  try {
    result = await save();
  } catch (error) {
    if (!isChatbotError(error)) logger.error({ err: error }, lines.failed);
    result = saveFailedView(
      isChatbotError(error) ? error.message : "Saving failed on the AWS Chatbot side; try again.",
    );
  }
  try {
    await client.views.update({ view_id: viewId, view: result });
  } catch (error) {
    logger.warn({ err: error }, lines.notShown);
  }
}
