import type { ModalView } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { ChatbotError, ErrorCode } from "../../src/errors";
import { showSaveOutcome } from "../../src/slack/listeners/views/save-outcome";
import { fakeClient } from "../support/listener-fakes";
import { capturingLogger } from "../support/log-capture";

const LINES = { failed: "saving the thing failed", notShown: "views.update with the thing failed" };
const SAVED: ModalView = { type: "modal", title: { type: "plain_text", text: "Saved" }, blocks: [] };

function shownView(calls: { method: string; args: unknown }[]): string {
  const updates = calls.filter((call) => call.method === "views.update");
  expect(updates).toHaveLength(1);
  expect((updates[0].args as { view_id: string }).view_id).toBe("V42");
  return JSON.stringify((updates[0].args as { view: ModalView }).view);
}

describe("showSaveOutcome", () => {
  it("shows the saved view and logs nothing", async () => {
    const { client, calls } = fakeClient({});
    const log = capturingLogger();
    await showSaveOutcome(client, "V42", log.logger, LINES, async () => SAVED);
    expect(shownView(calls)).toContain('"text":"Saved"');
    expect(log.lines()).toEqual([]);
  });

  it("shows a ChatbotError's message to the user without logging it as our failure", async () => {
    const { client, calls } = fakeClient({});
    const log = capturingLogger();
    await showSaveOutcome(client, "V42", log.logger, LINES, async () => {
      throw new ChatbotError(ErrorCode.Conflict, "That channel is already configured.");
    });
    const shown = shownView(calls);
    expect(shown).toContain("Not saved");
    expect(shown).toContain("That channel is already configured.");
    expect(log.text()).not.toContain(LINES.failed);
  });

  it("logs any other error and tells the user to try again, without its details", async () => {
    const { client, calls } = fakeClient({});
    const log = capturingLogger();
    await showSaveOutcome(client, "V42", log.logger, LINES, async () => {
      throw new Error("connection reset by db-internal-host");
    });
    const shown = shownView(calls);
    expect(shown).toContain("Saving failed on the AWS Chatbot side; try again.");
    expect(shown).not.toContain("db-internal-host");
    expect(log.text()).toContain(LINES.failed);
    expect(log.text()).toContain("db-internal-host");
  });

  it("only logs when the modal can no longer be updated: the save stands", async () => {
    const log = capturingLogger();
    let saves = 0;
    const closedModal = {
      views: { update: () => Promise.reject(new Error("An API error occurred: not_found")) },
    } as unknown as WebClient;
    await expect(
      showSaveOutcome(closedModal, "V42", log.logger, LINES, async () => {
        saves += 1;
        return SAVED;
      }),
    ).resolves.toBeUndefined();
    expect(saves).toBe(1);
    expect(log.text()).toContain(LINES.notShown);
  });
});
