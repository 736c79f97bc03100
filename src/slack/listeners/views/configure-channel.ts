import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { ChannelFilters } from "../../../configurations/channel-filters";
import type { ConfigurationEditor } from "../../../configurations/configuration-editor";
import type { ConfigurationService } from "../../../configurations/configuration-service";
import type { Logger } from "../../../logger";
import { configurationSavedView, refusedView, savingView } from "../../blocks/result-views";
import { type AccessDeps, interactionActor, refusalOf } from "../access";
import type { HomePublisher } from "../home-publisher";
import { SlackChannelDirectory } from "../slack-lookups";
import { errorsForView, readModalValues, toDraft } from "./configure-modal-state";
import { checkFilterForm } from "./filter-form";
import { showSaveOutcome } from "./save-outcome";

export interface ConfigureChannelDeps extends AccessDeps {
  command: string;
  service: ConfigurationService;
  editor: ConfigurationEditor;
  home: HomePublisher;
  filters: ChannelFilters;
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
    // Validated as `/aws filter` would validate it, whatever the form allowed to be sent.
    const filter = checkFilterForm(values.filter ?? {});
    if (!prepared.ok || !filter.ok) {
      const errors = {
        ...(prepared.ok ? {} : errorsForView(prepared.errors, view)),
        ...(filter.ok ? {} : filter.errors),
      };
      await ack({ response_action: "errors", errors });
      return;
    }
    await ack({ response_action: "update", view: savingView() });
    await showSaveOutcome(
      client,
      view.id,
      deps.logger,
      {
        failed: "saving a channel configuration failed",
        notShown: "views.update with the saved configuration failed",
      },
      async () => {
        const saved = await deps.editor.apply(prepared.plan);
        await deps.filters.replace(actor.userId, saved.configuration, filter.filter);
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
        return configurationSavedView(saved, deps.command, template);
      },
    );
    await deps.home.publish(client, actor);
  };
}
