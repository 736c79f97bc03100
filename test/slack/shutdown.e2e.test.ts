/**
 * Shutdown while a Slack listener is still working after its ack (a configure form saved, then
 * views.update and App Home): the server waits for it before closing the database, so the save and
 * App Home complete and stop() returns (it used to hang in Prisma's disconnect, under load).
 */
import type { ViewStateValue } from "@slack/bolt";
import { describeEachDatabase } from "../support/databases";
import { SLACK_IDS, viewSubmissionPayload } from "../support/slack-payloads";
import { startSlackHarness } from "./slack-harness";

const EAST = "arn:aws:sns:us-east-2:123456789012:alarms";
const selected = (type: string, value: string): ViewStateValue => ({
  type,
  selected_option: { value, text: { type: "plain_text", text: value } },
});

describeEachDatabase("shutdown with a listener still running", (kind) => {
  it("waits for the listener acked before it, then closes", async () => {
    const h = await startSlackHarness(kind);
    h.sns.createTopic(EAST);
    // Slack is slow to answer views.update: the listener is still running when stop() begins.
    h.slack.setBehavior("views.update", { delayMs: 1_000 });
    const answer = await h.interaction(
      viewSubmissionPayload({
        callbackId: "configure_channel",
        privateMetadata: JSON.stringify({ regionCount: 1 }),
        userId: SLACK_IDS.adminUserId,
        values: {
          channel: { channel: { type: "conversations_select", selected_conversation: SLACK_IDS.channelId } },
          role_mode: { role_mode: selected("radio_buttons", "none") },
          region_0: { region_0: selected("static_select", "us-east-2") },
          topics_0: { topics_0: { type: "plain_text_input", value: EAST } },
        },
      }),
    );
    expect((await answer.json<{ response_action: string }>()).response_action).toBe("update");
    await h.slack.waitForCalls("views.update", 1);
    await h.stop();
    // The listener ran to its end (App Home republished) before the database closed.
    expect(h.slack.calls("views.publish").length).toBeGreaterThan(0);
    expect(h.app.logs()).not.toContain("saving a channel configuration failed");
    expect(h.app.logs()).not.toContain("Slack listeners still running at shutdown");
  });
});
