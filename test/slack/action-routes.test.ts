import type { App } from "@slack/bolt";
import { CONSOLE_ACTION_ID, LINK_ACTION_ID_PREFIX } from "../../src/notifications";
import { type ActionListenerDeps, register } from "../../src/slack/listeners/actions";
import { openAwsConsoleCallback } from "../../src/slack/listeners/actions/console-link";

/**
 * Link buttons of notifications (the console link and links the message carried) must each reach
 * the callback that acknowledges them; Bolt answers an unrouted click without failing, so only the
 * routing table shows a missing route.
 */
function routes(): { actionId: string | RegExp; handler: unknown }[] {
  const found: { actionId: string | RegExp; handler: unknown }[] = [];
  const app = {
    action(constraint: { action_id: string | RegExp }, handler: unknown) {
      found.push({ actionId: constraint.action_id, handler });
    },
  } as unknown as App;
  register(app, {} as ActionListenerDeps);
  return found;
}

function handlerOf(actionId: string): unknown {
  return routes().find((route) =>
    typeof route.actionId === "string" ? route.actionId === actionId : route.actionId.test(actionId),
  )?.handler;
}

describe("notification link buttons", () => {
  it("routes the console button to the acknowledging callback", () => {
    expect(handlerOf(CONSOLE_ACTION_ID)).toBe(openAwsConsoleCallback);
  });

  it("routes every carried-link button to it too", () => {
    for (const index of [0, 1, 4])
      expect(handlerOf(`${LINK_ACTION_ID_PREFIX}${index}`)).toBe(openAwsConsoleCallback);
    expect(handlerOf("open_linkage")).toBeUndefined();
  });
});
