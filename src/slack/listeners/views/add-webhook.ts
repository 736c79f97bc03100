import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import type { Logger } from "../../../logger";
import { createWebhookConfiguration, type WebhookConfigurationDeps } from "../../../webhooks";
import { refusedView, savingView } from "../../blocks/result-views";
import { webhookAddedView } from "../../blocks/webhook-rooms";
import { type AccessDeps, interactionActor, refusalOf } from "../access";
import type { HomePublisher } from "../home-publisher";
import { readWebhookForm } from "./add-webhook-form";
import { showSaveOutcome } from "./save-outcome";

export interface AddWebhookDeps extends AccessDeps {
  webhooks: WebhookConfigurationDeps;
  home: HomePublisher;
  logger: Logger;
}

/**
 * The "Add webhook" form submitted. Like the channel form: validation answers within Slack's 3 s
 * with `response_action: "errors"` per field; a valid form is answered with a "Saving" view, then
 * created (the SNS Subscribe calls may take longer; the domain service writes the audit entry), the
 * view updated with each topic's subscription state, and App Home republished. The URL is logged
 * nowhere: errors are logged without the input, and views show only its redacted form. Managers
 * only, checked here whatever opened the form.
 */
export function addWebhookSubmittedCallback(deps: AddWebhookDeps) {
  return async function addWebhookSubmitted({
    ack,
    body,
    view,
    client,
    context,
  }: AllMiddlewareArgs & SlackViewMiddlewareArgs<ViewSubmitAction>): Promise<void> {
    const owner = interactionActor(body, context, view.team_id);
    const refusal = await refusalOf(deps, client, owner, "change");
    if (refusal !== undefined) {
      await ack({ response_action: "update", view: refusedView(refusal) });
      return;
    }
    const form = readWebhookForm(view.state.values, { webhookUrlPattern: deps.webhooks.webhookUrlPattern });
    if (!form.ok) {
      await ack({ response_action: "errors", errors: form.errors });
      return;
    }
    await ack({ response_action: "update", view: savingView() });
    await showSaveOutcome(
      client,
      view.id,
      deps.logger,
      {
        failed: "adding a webhook configuration failed",
        notShown: "views.update with the added webhook failed",
      },
      async () => webhookAddedView(await createWebhookConfiguration(deps.webhooks, { ...form.input, owner })),
    );
    await deps.home.publish(client, owner);
  };
}
