import {
  CHIME_MAX_CONTENT_BYTES,
  type Notification,
  renderSlackMessage,
  renderWebhookMessage,
  SLACK_LIMITS,
} from "../../src/notifications";
import { parseArn } from "../../src/notifications/aws";
import { clientMarkdownToMrkdwn, escapeMrkdwn, truncateMrkdwn } from "../../src/notifications/mrkdwn";
import { SEVERITY_UNICODE } from "../../src/notifications/presentation";
import { sliceBytes, truncateBytes, truncateChars } from "../../src/notifications/text";
import { toIsoTime } from "../../src/notifications/time";
import { blockTexts, mrkdwnTexts, validateSlackMessage } from "../support/block-kit-validator";

function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    service: "text",
    kind: "plain-text",
    title: "Title",
    severity: "info",
    sourceLabel: "Amazon SNS",
    partition: "aws",
    resources: [],
    fields: [],
    lists: [],
    notes: [],
    keywords: [],
    ...overrides,
  };
}

const huge = "x".repeat(50_000);

describe("renderSlackMessage", () => {
  it("caps every element and the total, marking cuts", () => {
    const message = renderSlackMessage(
      notification({
        title: `T${huge}`,
        state: huge,
        summary: huge,
        description: { text: huge, format: "plain" },
        reason: huge,
        details: huge,
        notes: [huge, huge],
        fields: Array.from({ length: 35 }, (_, i) => ({ label: `L${i}${huge}`, value: huge })),
        lists: Array.from({ length: 9 }, () => ({ title: huge, items: Array(200).fill(huge), more: 5 })),
        keywords: Array(100).fill(huge),
        resources: Array.from({ length: 40 }, (_, i) => `arn:aws:s3:::bucket-${i}`),
        account: huge,
        region: huge,
        timestamp: "2026-01-01T00:00:00.000Z",
        consoleUrl: `https://console.aws.amazon.com/${huge}`,
      }),
    );
    expect(validateSlackMessage(message)).toEqual([]);
    const total = blockTexts(message.blocks).reduce((sum, text) => sum + text.length, 0);
    expect(total).toBeLessThanOrEqual(SLACK_LIMITS.totalText);
    expect(JSON.stringify(message.blocks)).toContain("… (truncated)");
    // An over-long console URL is dropped, not cut.
    expect(message.blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("escapes &, < and > in every mrkdwn text from the message", () => {
    const evil = "<!channel> & <@U123>";
    const message = renderSlackMessage(
      notification({
        title: evil,
        state: evil,
        reason: evil,
        fields: [{ label: evil, value: evil }],
        lists: [{ title: evil, items: [evil] }],
        account: evil,
        keywords: [evil],
      }),
    );
    const mrkdwn = mrkdwnTexts(message.blocks).join("\n");
    expect(mrkdwn).not.toContain("<!channel>");
    expect(mrkdwn).not.toContain("<@U123>");
    expect(mrkdwn).toContain("&lt;!channel&gt; &amp; &lt;@U123&gt;");
    expect(message.text).toBe(`${SEVERITY_UNICODE.info} &lt;!channel&gt; &amp; &lt;@U123&gt;`);
    // plain_text header is shown literally by Slack and is not escaped.
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: `${SEVERITY_UNICODE.info} <!channel> & <@U123>`, emoji: true },
    });
  });

  it("adds the console button only for an https console URL", () => {
    const withUrl = renderSlackMessage(notification({ consoleUrl: "https://console.aws.amazon.com/x" }));
    expect(withUrl.blocks[withUrl.blocks.length - 1]).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "View in AWS console", emoji: true },
          url: "https://console.aws.amazon.com/x",
          action_id: "open_aws_console",
        },
      ],
    });
    expect(renderSlackMessage(notification()).blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("shows time in the reader's zone with a UTC fallback", () => {
    const message = renderSlackMessage(
      notification({ timestamp: "2026-03-04T17:43:27.123Z", account: "123456789012", region: "us-east-1" }),
    );
    const context = message.blocks.find((b) => b.type === "context");
    expect(context).toEqual({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: "Account 123456789012  ·  us-east-1  ·  <!date^1772646207^{date_short_pretty} {time_secs}|2026-03-04 17:43:27 UTC>",
        },
      ],
    });
  });

  it("uses an empty-safe header", () => {
    expect(renderSlackMessage(notification({ title: "  \n ", severity: undefined })).blocks[0]).toMatchObject(
      {
        text: { text: "Notification" },
      },
    );
  });
});

describe("renderWebhookMessage", () => {
  it("defaults to Chime and stays within 4096 bytes with multi-byte text", () => {
    const emoji = "🧾".repeat(20_000);
    const payload = renderWebhookMessage(
      notification({
        title: emoji,
        description: { text: emoji, format: "plain" },
        reason: emoji,
        consoleUrl: "https://console.aws.amazon.com/x",
      }),
    );
    expect(payload.Content.startsWith("/md ")).toBe(true);
    expect(Buffer.byteLength(payload.Content)).toBeLessThanOrEqual(CHIME_MAX_CONTENT_BYTES);
    expect(payload.Content).toContain("… (truncated)");
    expect(payload.Content).not.toContain("\ufffd");
    // The link survives the cut: it is kept before the body is.
    expect(payload.Content).toContain("View in AWS console: https://console.aws.amazon.com/x");
    expect(renderWebhookMessage(notification(), "chime")).toEqual(renderWebhookMessage(notification()));
  });

  it("defuses @All and @Present", () => {
    const payload = renderWebhookMessage(
      notification({ title: "@All look", reason: "@present and @all and @Alice" }),
    );
    expect(payload.Content).not.toMatch(/@(all|present)\b/i);
    expect(payload.Content).toContain("@Alice");
  });

  it("closes a code block it cuts", () => {
    const payload = renderWebhookMessage(notification({ details: `{\n${'  "k": "v",\n'.repeat(2000)}}` }));
    expect((payload.Content.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe("text helpers", () => {
  it("never split a surrogate pair", () => {
    expect(truncateChars("ab🧾cd", 3, "")).toBe("ab");
    expect(sliceBytes("a🧾b", 4)).toBe("a");
    expect(sliceBytes("a🧾b", 5)).toBe("a🧾");
    expect(truncateBytes("é".repeat(10), 8, "…")).toBe("éé…");
  });

  it("cuts mrkdwn outside entities and links", () => {
    expect(truncateMrkdwn(`${"a".repeat(30)}&amp;b`, 34, "…")).toBe(`${"a".repeat(28)}…`);
    expect(truncateMrkdwn(`aaaa <https://x.example|label> ${"b".repeat(40)}`, 30, "…")).toBe("aaaa…");
    expect(escapeMrkdwn("a<b>&c")).toBe("a&lt;b&gt;&amp;c");
  });

  it("converts client-markdown to Slack mrkdwn safely", () => {
    expect(clientMarkdownToMrkdwn("**bold** ~~gone~~ [docs](https://example.com/a?b=1&c=2)")).toBe(
      "*bold* ~gone~ <https://example.com/a?b=1&amp;c=2|docs>",
    );
    expect(clientMarkdownToMrkdwn("## Impact\n- one\n* two")).toBe("*Impact*\n• one\n• two");
    // Only http(s)/mailto become links; anything else is shown as text.
    expect(clientMarkdownToMrkdwn("[x](javascript:alert(1))")).toBe("x (javascript:alert(1))");
    expect(clientMarkdownToMrkdwn("`<!channel>` <!here>")).toBe("`&lt;!channel&gt;` &lt;!here&gt;");
    expect(clientMarkdownToMrkdwn("[a|b](https://e.example/x)")).toBe("<https://e.example/x|a¦b>");
  });

  it.each([
    ["2026-03-04T17:43:27.123+0000", "2026-03-04T17:43:27.123Z"],
    ["2026-03-04T19:43:27.123+02:00", "2026-03-04T17:43:27.123Z"],
    ["2026-03-16T15:04:27Z", "2026-03-16T15:04:27.000Z"],
    ["Sat, 14 Mar 2026 16:12:00 GMT", "2026-03-14T16:12:00.000Z"],
    ["Tue Mar 24 06:31:42.118 UTC 2026", "2026-03-24T06:31:42.118Z"],
    ["Mar 17, 2026 5:31:08 PM", "2026-03-17T17:31:08.000Z"],
    ["2026-04-06 04:58:11.871", "2026-04-06T04:58:11.871Z"],
    [1774302701342, "2026-03-23T21:51:41.342Z"],
    ["yesterday", undefined],
    [99, undefined],
  ])("reads AWS time %p", (input, iso) => {
    expect(toIsoTime(input)).toBe(iso);
  });

  it("parses ARNs into their five parts, the resource keeping its colons", () => {
    const bySplit = (value: string) => {
      const parts = value.split(":");
      if (parts[0] !== "arn" || parts.length < 6 || !["aws", "aws-cn", "aws-us-gov"].includes(parts[1]))
        return undefined;
      const [, partition, service, region, account] = parts;
      return { partition, service, region, account, resource: parts.slice(5).join(":") };
    };
    for (const value of [
      "arn:aws:sns:us-east-1:123456789012:alerts",
      "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api:cpu high",
      "arn:aws:s3:::bucket/key",
      "arn:aws-cn:ecs:cn-north-1:1:task-definition/api:57",
      "arn:aws:iam::123456789012:role/x",
      "arn:aws:sns:us-east-1:123456789012",
      "arn:aws:sns",
      "arn:",
      "arn:other:sns:r:a:x",
      "arn::sns:r:a:x",
      "xarn:aws:sns:r:a:x",
      "arn:aws:sns:r:a:",
    ])
      expect([value, parseArn(value)]).toEqual([value, bySplit(value)]);
  });

  it("writes UTC ISO times out without Date exactly as Date does, edge values included", () => {
    const viaDate = (text: string): string | undefined => {
      const ms = Date.parse(text);
      return Number.isFinite(ms) && ms >= 946684800000 && ms <= 4102444800000
        ? new Date(ms).toISOString()
        : undefined;
    };
    for (const year of ["1999", "2000", "2026", "2028", "2099", "2100"])
      for (const month of ["00", "01", "02", "12", "13"])
        for (const day of ["00", "01", "28", "29", "30", "31", "32"])
          for (const [time, millis] of [
            ["00:00:00", ".0"],
            ["23:59:59", ".123456"],
            ["24:00:00", ""],
            ["12:60:00", ".5"],
            ["12:00:60", ".999"],
          ])
            for (const zone of ["+0000", "Z", "-00:00", "UTC"]) {
              const text = `${year}-${month}-${day}T${time}${millis}${zone}`;
              const canonical = `${year}-${month}-${day}T${time}${`${millis.slice(1)}000`.slice(0, 3).replace(/^/, ".")}Z`;
              expect([text, toIsoTime(text)]).toEqual([text, viaDate(canonical)]);
            }
  });
});
