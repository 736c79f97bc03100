/**
 * The fake's Block Kit checks: valid messages of every common shape pass (a false refusal would
 * break other tests for nothing), and the documented mistakes are refused with a pointer.
 */
import type { types } from "@slack/bolt";
import { blockProblems, viewProblems } from "./fake-slack-blocks";

const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });
const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

const validMessage: types.KnownBlock[] = [
  { type: "header", block_id: "title", text: plain('ALARM: "cpu-high" in US East (Ohio)') },
  {
    type: "section",
    text: mrkdwn("*Threshold crossed*: 1 datapoint [92.5] > 80"),
    accessory: { type: "image", image_url: "https://example.com/chart.png", alt_text: "chart" },
  },
  { type: "section", fields: [mrkdwn("*Account*\n123456789012"), mrkdwn("*Region*\nus-east-2")] },
  { type: "divider" },
  {
    type: "context",
    elements: [
      { type: "image", image_url: "https://example.com/aws.png", alt_text: "AWS" },
      mrkdwn("CloudWatch"),
    ],
  },
  {
    type: "actions",
    elements: [
      {
        type: "button",
        action_id: "open_console",
        text: plain("Open console"),
        url: "https://console.aws.amazon.com/",
      },
      { type: "button", action_id: "mute", text: plain("Mute 1h"), value: "mute:1h", style: "danger" },
    ],
  },
  { type: "image", image_url: "https://example.com/chart.png", alt_text: "CPU", title: plain("CPU") },
  { type: "rich_text", elements: [{ type: "rich_text_section", elements: [{ type: "text", text: "hi" }] }] },
];

describe("blockProblems", () => {
  it("accepts valid blocks of every common type", () => {
    expect(blockProblems(validMessage, 50)).toEqual([]);
  });

  it.each([
    ["a header in mrkdwn", [{ type: "header", text: mrkdwn("x") }], "/blocks/0/text/type"],
    [
      "a header over 150 characters",
      [{ type: "header", text: plain("x".repeat(151)) }],
      "/blocks/0/text/text",
    ],
    ["a section without text or fields", [{ type: "section" }], "/blocks/0"],
    ["an empty section text", [{ type: "section", text: mrkdwn("") }], "/blocks/0/text/text"],
    ["section text over 3000", [{ type: "section", text: mrkdwn("x".repeat(3001)) }], "/blocks/0/text/text"],
    ["11 fields", [{ type: "section", fields: Array(11).fill(mrkdwn("f")) }], "/blocks/0/fields"],
    [
      "11 context elements",
      [{ type: "context", elements: Array(11).fill(mrkdwn("c")) }],
      "/blocks/0/elements",
    ],
    [
      "a context element of the wrong type",
      [{ type: "context", elements: [{ type: "button" }] }],
      "/blocks/0/elements/0/type",
    ],
    [
      "a button with mrkdwn text",
      [{ type: "actions", elements: [{ type: "button", text: mrkdwn("b") }] }],
      "/blocks/0/elements/0/text/type",
    ],
    [
      "a button style",
      [{ type: "actions", elements: [{ type: "button", text: plain("b"), style: "red" }] }],
      "/blocks/0/elements/0/style",
    ],
    ["an image without alt_text", [{ type: "image", image_url: "https://x/y.png" }], "/blocks/0/alt_text"],
    ["a block_id over 255", [{ type: "divider", block_id: "b".repeat(256) }], "/blocks/0/block_id"],
    [
      "duplicate block_ids",
      [
        { type: "divider", block_id: "a" },
        { type: "divider", block_id: "a" },
      ],
      "/blocks/1/block_id",
    ],
    ["an unknown block type", [{ type: "sectoin", text: mrkdwn("x") }], "/blocks/0/type"],
  ])("refuses %s", (_name, blocks, pointer) => {
    const problems = blockProblems(blocks, 50);
    expect(problems).toEqual([expect.stringContaining(`[json-pointer:${pointer}]`)]);
    expect(problems[0]).toMatch(/^\[ERROR\] /);
  });

  it("limits the number of blocks (50 in messages, 100 in views)", () => {
    const dividers = (n: number) => Array.from({ length: n }, () => ({ type: "divider" }));
    expect(blockProblems(dividers(50), 50)).toEqual([]);
    expect(blockProblems(dividers(51), 50)).toHaveLength(1);
    expect(blockProblems(dividers(100), 100)).toEqual([]);
    expect(blockProblems("[]", 50)).toEqual(["[ERROR] must be an array [json-pointer:/blocks]"]);
  });
});

describe("viewProblems", () => {
  const input = {
    type: "input",
    block_id: "topic",
    label: plain("Topic ARN"),
    element: { type: "plain_text_input", action_id: "arn" },
  };

  it("accepts a Home tab and a modal with inputs and submit", () => {
    expect(viewProblems({ type: "home", blocks: validMessage })).toEqual([]);
    expect(
      viewProblems({ type: "modal", title: plain("Configure"), submit: plain("Save"), blocks: [input] }),
    ).toEqual([]);
  });

  it("refuses a modal without title, a long title, or inputs without submit", () => {
    expect(viewProblems({ type: "modal", blocks: [] })).toEqual([expect.stringContaining("/view/title")]);
    expect(viewProblems({ type: "modal", title: plain("x".repeat(25)), blocks: [] })).toEqual([
      expect.stringContaining("/view/title/text"),
    ]);
    expect(viewProblems({ type: "modal", title: plain("Configure"), blocks: [input] })).toEqual([
      expect.stringContaining("/view/submit"),
    ]);
    expect(viewProblems({ type: "workflow_step", blocks: [] })).toEqual([
      expect.stringContaining("/view/type"),
    ]);
  });
});
