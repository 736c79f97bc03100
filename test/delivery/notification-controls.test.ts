/**
 * What a channel adds to a rendered notification: the mention line of a top-level message, who
 * acknowledged, and the Acknowledge / Mute controls — valid Block Kit within 50 blocks whatever the
 * rendering, the rendering itself unchanged.
 */

import {
  CONTROLS_BLOCK_ID,
  decorate,
  isMuteChoice,
  MUTE_CHOICES,
  NOTIFICATION_ACTIONS,
} from "../../src/delivery/notification-controls";
import { formatNotification, renderSlackMessage, type SlackMessage } from "../../src/notifications";
import { validateSlackMessage } from "../support/block-kit-validator";
import { alarmMessage, topicArn } from "./world";

const alarm = formatNotification({
  Type: "Notification",
  MessageId: "m-1",
  TopicArn: topicArn("alarms"),
  Message: alarmMessage({ name: "api-5xx", state: "ALARM", at: new Date("2026-03-01T10:00:00Z") }),
  Timestamp: "2026-03-01T10:00:00.000Z",
});

describe("notification controls", () => {
  it("adds the mention under the header and in the push text, then the controls last", () => {
    const base = renderSlackMessage(alarm);
    const message = decorate(base, alarm, { mentions: ["<@U0ALICE01>", "<!subteam^S0ONCALL1>"] });
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.text.startsWith("<@U0ALICE01> <!subteam^S0ONCALL1> ")).toBe(true);
    expect(message.blocks[0]).toEqual(base.blocks[0]);
    expect(message.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "<@U0ALICE01> <!subteam^S0ONCALL1>" },
    });
    expect(message.blocks.slice(2, -1)).toEqual(base.blocks.slice(1));
    const controls = message.blocks.at(-1);
    expect(controls).toMatchObject({ type: "actions", block_id: CONTROLS_BLOCK_ID });
    expect(JSON.stringify(controls)).toContain(NOTIFICATION_ACTIONS.acknowledge);
    expect(JSON.stringify(controls)).toContain(NOTIFICATION_ACTIONS.mute);
  });

  it("offers every mute choice an alarm allows, each a known value", () => {
    const controls = decorate(renderSlackMessage(alarm), alarm).blocks.at(-1) as {
      elements: { type: string; option_groups?: { options: { value: string }[] }[] }[];
    };
    const select = controls.elements.find((e) => e.type === "static_select");
    const values = select?.option_groups?.flatMap((g) => g.options.map((o) => o.value)) ?? [];
    expect(values.sort()).toEqual(Object.keys(MUTE_CHOICES).sort());
    expect(values.every(isMuteChoice)).toBe(true);
    expect(isMuteChoice("alarm:999h")).toBe(false);
    expect(isMuteChoice("__proto__")).toBe(false);
  });

  it("a notification with no thread key or resource offers only the service", () => {
    const plain = { ...alarm, threadKey: undefined, resources: [] };
    const text = JSON.stringify(decorate(renderSlackMessage(plain), plain).blocks.at(-1));
    expect(text).not.toContain("alarm:1h");
    expect(text).not.toContain("resource:1h");
    expect(text).toContain("service:1h");
  });

  it("shows who acknowledged, in each reader's time", () => {
    const message = decorate(renderSlackMessage(alarm), alarm, {
      acknowledgements: [
        { userId: "U0ALICE01", at: new Date("2026-03-01T10:42:00Z") },
        { userId: "U0BOB0001", at: new Date("2026-03-01T10:45:00Z") },
      ],
    });
    expect(validateSlackMessage(message)).toEqual([]);
    const line = JSON.stringify(message.blocks.at(-2));
    expect(line).toContain("👀 Acknowledged by <@U0ALICE01> at <!date^");
    expect(line).toContain("|10:42 UTC>");
    expect(line).toContain("<@U0BOB0001>");
  });

  it("stays within 50 blocks when the rendering already uses them all", () => {
    const full: SlackMessage = {
      text: "full",
      blocks: [
        { type: "header", text: { type: "plain_text", text: "Header" } },
        ...Array.from({ length: 49 }, (_, i) => ({
          type: "section" as const,
          text: { type: "mrkdwn" as const, text: `line ${i}` },
        })),
      ],
    };
    const message = decorate(full, alarm, {
      mentions: ["<!here>"],
      acknowledgements: [{ userId: "U0ALICE01", at: new Date() }],
    });
    expect(message.blocks).toHaveLength(50);
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.blocks.at(-1)).toMatchObject({ block_id: CONTROLS_BLOCK_ID });
  });
});
