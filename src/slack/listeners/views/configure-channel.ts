import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ConfigurationEditor } from "../../../configurations/configuration-editor";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import { isChatbotError } from "../../../errors";
import type { Logger } from "../../../logger";
import { configurationSavedView, refusedView, saveFailedView, savingView } from "../../blocks/result-views";
import { type AccessDeps, interactionActor, refusalOf } from "../access";
import type { HomePublisher } from "../home-publisher";
import { SlackChannelDirectory } from "../slack-lookups";
import { errorsForView, readModalValues, toDraft } from "./configure-modal-state";

export interface ConfigureChannelDeps extends AccessDeps {
  command: string;
  service: ConfigurationService;
  editor: ConfigurationEditor;
  home: HomePublisher;
  logger: Logger;
}

/**
 * The "Configure new channel" / "Edit" form submitted. Validation answers within Slack's 3 s, with
 * `response_action: "errors"` per field; a valid form is answered with a "Saving" view, then saved
 * (SNS Subscribe calls may take longer) and the view updated with each topic's state, and App Home
 * republished. Only managers may save (checked here, whatever opened the form), and only into a
 * channel they are in (the editor asks conversations.members).
 */
export function configureChannelSubmittedCallback(deps: ConfigureChannelDeps) {
  return async function configureChannelSubmitted({
    ack,
    body,
    view,
    client,
    context,
  }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> {
    const values = readModalValues(view);
    const actor = interactionActor(body, context, view.team_id);
    const refusal = await refusalOf(deps, client, actor, "change");
    if (refusal !== undefined) {
      await ack({ response_action: "update", view: refusedView(refusal) });
      return;
    }
    const prepared = await deps.editor.prepare(
      actor,
      toDraft(values),
      new SlackChannelDirectory(client),
      deps.command,
    );
    if (!prepared.ok) {
      await ack({ response_action: "errors", errors: errorsForView(prepared.errors, view) });
      return;
    }
    await ack({ response_action: "update", view: savingView() });
    let result: ReturnType<typeof configurationSavedView>;
    try {
      const saved = await deps.editor.apply(prepared.plan);
      const template =
        values.roleMode === "template" && values.roleName !== undefined
          ? (
              await deps.service.roleTemplate(
                actor,
                undefined,
                values.roleName,
                saved.configuration.topics.map((topic) => topic.topicArn),
              )
            ).template
          : undefined;
      result = configurationSavedView(saved, deps.command, template);
    } catch (error) {
      if (!isChatbotError(error)) deps.logger.error({ err: error }, "saving a channel configuration failed");
      result = saveFailedView(
        isChatbotError(error) ? error.message : "Saving failed on the AWS Chatbot side; try again.",
      );
    }
    try {
      await client.views.update({ view_id: view.id, view: result });
    } catch (error) {
      deps.logger.warn({ err: error }, "views.update with the saved configuration failed");
    }
    await deps.home.publish(client, actor);
  };
}
