import {
  ADAPTIVE_CARD_CONTENT_TYPE,
  CHIME_MAX_CONTENT_BYTES,
  formatNotification,
  MATTERMOST_MAX_TEXT_BYTES,
  type Notification,
  renderSlackMessage,
  renderWebhookMessage,
  SLACK_INCOMING_MAX_PAYLOAD_BYTES,
  TEAMS_MAX_PAYLOAD_BYTES,
  type TeamsWebhookPayload,
  WEBHOOK_PROVIDERS,
} from "../../src/notifications";
import { validateSlackMessage } from "../support/block-kit-validator";
import { allFixtures, fixture, visibleWebhookText } from "./sns-fixtures";

const bytes = (value: unknown) =>
  Buffer.byteLength(typeof value === "string" ? value : JSON.stringify(value), "utf8");

function base(overrides: Partial<Notification> = {}): Notification {
  return {
    service: "custom",
    kind: "custom-notification",
    title: "Deploy finished",
    severity: "info",
    sourceLabel: "Custom notification",
    partition: "aws",
    resources: [],
    fields: [],
    lists: [],
    notes: [],
    keywords: [],
    ...overrides,
  };
}

/** Every text a Teams reader sees in the card: TextBlocks, facts, action titles. */
function teamsTexts(payload: TeamsWebhookPayload): string {
  const card = payload.attachments[0].content;
  const texts: string[] = [];
  for (const element of card.body) {
    if (element.type === "TextBlock") texts.push(element.text);
    else for (const fact of element.facts) texts.push(`${fact.title} ${fact.value}`);
  }
  for (const action of card.actions ?? []) texts.push(`${action.title} ${action.url}`);
  return texts.join("\n");
}

const huge = (): Notification =>
  base({
    title: "🧾".repeat(5000),
    description: { text: `"quoted" \\ ${"🧾 \n".repeat(40_000)}`, format: "plain" },
    reason: "r".repeat(100_000),
    details: `{\n${'  "k": "v",\n'.repeat(20_000)}}`,
    fields: Array.from({ length: 30 }, (_, i) => ({ label: `Field ${i}`, value: "v".repeat(2000) })),
    lists: [
      {
        title: "Items",
        items: Array.from({ length: 100 }, (_, i) => `item ${i} ${"x".repeat(500)}`),
        more: 5,
      },
    ],
    account: "123456789012",
    region: "us-east-1",
    timestamp: "2026-03-04T17:43:27.123Z",
    consoleUrl: "https://console.aws.amazon.com/cloudwatch/home",
  });

describe("renderWebhookMessage: every provider, every fixture", () => {
  describe.each(allFixtures().map((f) => [f.file, f] as const))("%s", (_file, fx) => {
    const notification = formatNotification(fx.envelope);

    it("Chime: {Content: '/md …'} within 4 KB, every must_mention kept", () => {
      const payload = renderWebhookMessage(notification, "chime");
      expect(Object.keys(payload)).toEqual(["Content"]);
      expect(payload.Content.startsWith("/md ")).toBe(true);
      expect(bytes(payload.Content)).toBeLessThanOrEqual(CHIME_MAX_CONTENT_BYTES);
      for (const mention of fx.expect.must_mention)
        expect(visibleWebhookText(payload.Content)).toContain(mention);
    });

    it("Teams: one Adaptive Card 1.4 message within 28 KB, every must_mention kept", () => {
      const payload = renderWebhookMessage(notification, "teams");
      expect(payload.type).toBe("message");
      expect(payload.attachments).toHaveLength(1);
      expect(payload.attachments[0].contentType).toBe(ADAPTIVE_CARD_CONTENT_TYPE);
      const card = payload.attachments[0].content;
      expect(card).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
      expect(card.body[0]).toMatchObject({ type: "TextBlock", weight: "Bolder", wrap: true });
      expect(bytes(payload)).toBeLessThanOrEqual(TEAMS_MAX_PAYLOAD_BYTES);
      for (const mention of fx.expect.must_mention) expect(teamsTexts(payload)).toContain(mention);
    });

    it("Mattermost / Rocket.Chat: {text} within 4000 bytes, no room-wide mention", () => {
      const payload = renderWebhookMessage(notification, "mattermost");
      expect(Object.keys(payload)).toEqual(["text"]);
      expect(bytes(payload.text)).toBeLessThanOrEqual(MATTERMOST_MAX_TEXT_BYTES);
      expect(payload.text).not.toMatch(/@(all|channel|here)\b/i);
    });

    it("Slack incoming webhook: the same {text, blocks} as chat.postMessage", () => {
      const payload = renderWebhookMessage(notification, "slack-incoming");
      expect(payload).toEqual(renderSlackMessage(notification));
      expect(bytes(payload)).toBeLessThanOrEqual(SLACK_INCOMING_MAX_PAYLOAD_BYTES);
    });
  });
});

describe("Teams Adaptive Card", () => {
  it("draws title, status, facts, reason and the console link as a card would", () => {
    const payload = renderWebhookMessage(
      formatNotification(fixture("cw-alarm-ec2-cpu-alarm").envelope),
      "teams",
    );
    const card = payload.attachments[0].content;
    expect(card.msteams).toEqual({ width: "Full" });
    expect(card.body[0]).toMatchObject({ type: "TextBlock", color: "Attention", size: "Medium" });
    expect((card.body[0] as { text: string }).text).toMatch(/^🔴 ALARM · web-fleet-cpu-high/);
    expect(card.body[1]).toMatchObject({
      type: "TextBlock",
      isSubtle: true,
      text: expect.stringMatching(/^OK → ALARM · High severity/),
    });
    const facts = card.body.find((element) => element.type === "FactSet");
    expect(facts).toMatchObject({
      facts: expect.arrayContaining([{ title: "Metric", value: expect.stringContaining("CPUUtilization") }]),
    });
    expect(card.actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "View in AWS console",
        url: expect.stringMatching(/^https:\/\/console\.aws\.amazon\.com\//),
      },
    ]);
  });

  it("cuts an oversized notification to 28 KB with a visible marker, keeping title, context and link", () => {
    const payload = renderWebhookMessage(huge(), "teams");
    expect(bytes(payload)).toBeLessThanOrEqual(TEAMS_MAX_PAYLOAD_BYTES);
    expect(bytes(payload)).toBeGreaterThan(TEAMS_MAX_PAYLOAD_BYTES - 2000);
    const texts = teamsTexts(payload);
    expect(texts).toContain("… (truncated)");
    // A title that opens with its own emoji gets no severity emoji in front.
    expect(texts).toMatch(/^🧾/);
    expect(texts).toContain("Account 123456789012 · us-east-1");
    expect(payload.attachments[0].content.actions?.[0].url).toBe(
      "https://console.aws.amazon.com/cloudwatch/home",
    );
    expect(texts).not.toContain("\ufffd");
  });

  it("honours a smaller budget after a 413, down to a floor that still holds the essentials", () => {
    const payload = renderWebhookMessage(huge(), "teams", { maxBytes: 6000 });
    expect(bytes(payload)).toBeLessThanOrEqual(6000);
    expect(teamsTexts(payload)).toContain("… (truncated)");
    const tiny = renderWebhookMessage(huge(), "teams", { maxBytes: 100 });
    expect(bytes(tiny)).toBeLessThanOrEqual(4096);
    expect(teamsTexts(tiny)).toContain("Account 123456789012");
  });
});

describe("size budgets", () => {
  it.each(WEBHOOK_PROVIDERS.map((p) => [p]))(
    "%s stays within its limit for a 256 KB notification",
    (provider) => {
      const payload = renderWebhookMessage(huge(), provider);
      const limit = { chime: 4096, "slack-incoming": 40_000, teams: 28_000, mattermost: 4000 }[provider];
      const measured =
        provider === "chime"
          ? bytes((payload as { Content: string }).Content)
          : provider === "mattermost"
            ? bytes((payload as { text: string }).text)
            : bytes(payload);
      expect(measured).toBeLessThanOrEqual(limit);
      expect(JSON.stringify(payload)).toContain("… (truncated)");
    },
  );

  it("Chime: a halved budget (after a 413) halves the content", () => {
    const payload = renderWebhookMessage(huge(), "chime", { maxBytes: CHIME_MAX_CONTENT_BYTES / 2 });
    expect(bytes(payload.Content)).toBeLessThanOrEqual(2048);
    expect(payload.Content).toContain("… (truncated)");
    expect(payload.Content).toContain("View in AWS console: https://console.aws.amazon.com/cloudwatch/home");
  });

  it("Slack incoming: falls back to escaped mrkdwn text when the blocks do not fit the budget", () => {
    const notification = base({ title: "Deploy <!channel> & co", reason: "x".repeat(20_000) });
    expect(validateSlackMessage(renderWebhookMessage(notification, "slack-incoming") as never)).toEqual([]);
    const payload = renderWebhookMessage(notification, "slack-incoming", { maxBytes: 3000 });
    expect(Object.keys(payload)).toEqual(["text"]);
    expect(bytes(payload)).toBeLessThanOrEqual(3000);
    expect(payload.text).toContain("&lt;!channel&gt; &amp; co");
    expect(payload.text).toContain("… (truncated)");
  });

  it("Mattermost: defuses @all, @channel and @here but keeps personal mentions", () => {
    const payload = renderWebhookMessage(
      base({ title: "@channel look", reason: "@here @ALL and @alice" }),
      "mattermost",
    );
    expect(payload.text).not.toMatch(/@(all|channel|here)\b/i);
    expect(payload.text).toContain("@alice");
    expect(payload.text).toContain("**Reason:**");
  });
});
