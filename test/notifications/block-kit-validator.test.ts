import type { types } from "@slack/bolt";
import { renderNotification } from "../../src/notifications";
import { validateBlocks, validateSlackMessage } from "../support/block-kit-validator";
import { fixture } from "./sns-fixtures";

/** The validator must catch what Slack rejects with `invalid_blocks` (PROTOCOLS §2.5). */
describe("block-kit-validator", () => {
  const valid = renderNotification(fixture("cw-alarm-ec2-cpu-alarm").envelope).slack;

  it("accepts what the renderer produces", () => {
    expect(validateSlackMessage(valid)).toEqual([]);
  });

  it("type-checks against @slack/types KnownBlock", () => {
    // Compile-time check (tsc --noEmit): our block shapes are Slack's own types.
    const known: types.KnownBlock[] = valid.blocks;
    expect(known.length).toBe(valid.blocks.length);
  });

  it("rejects a header whose text is mrkdwn", () => {
    const errors = validateBlocks([{ type: "header", text: { type: "mrkdwn", text: "*Alarm*" } }]);
    expect(errors).toEqual([expect.stringContaining("must be plain_text")]);
  });

  it("rejects a section with neither text nor fields", () => {
    const errors = validateBlocks([{ type: "section" }]);
    expect(errors).toEqual([expect.stringContaining("section needs text or fields")]);
  });

  it("rejects a context element of the wrong type", () => {
    const errors = validateBlocks([
      {
        type: "context",
        elements: [{ type: "button", text: { type: "plain_text", text: "x" }, url: "https://example.com" }],
      },
    ]);
    expect(errors).toEqual([expect.stringContaining("context elements must be text objects or images")]);
  });

  it("rejects limit violations and unknown keys", () => {
    expect(
      validateBlocks([{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }]),
    ).toHaveLength(1);
    expect(
      validateBlocks([{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3001) } }]),
    ).toHaveLength(1);
    const field = { type: "mrkdwn", text: "f" };
    expect(validateBlocks([{ type: "section", fields: Array(11).fill(field) }])).toHaveLength(1);
    expect(validateBlocks([{ type: "section", text: { type: "mrkdwn", text: "" } }])).toHaveLength(1);
    expect(
      validateBlocks([{ type: "section", text: { type: "mrkdwn", text: "a" }, block_id: "b".repeat(256) }]),
    ).toHaveLength(1);
    expect(validateBlocks([{ type: "context", elements: Array(11).fill(field) }])).toHaveLength(1);
    expect(
      validateBlocks([{ type: "section", text: { type: "mrkdwn", text: "a", emoji: true } }]),
    ).toHaveLength(1);
    expect(validateBlocks([{ type: "sectoin", text: { type: "mrkdwn", text: "a" } }])).toHaveLength(1);
    expect(validateBlocks(Array(51).fill({ type: "divider" }))).toHaveLength(1);
    expect(validateBlocks([])).toHaveLength(1);
  });
});
