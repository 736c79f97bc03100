import {
  CHIME_MAX_CONTENT_BYTES,
  formatNotification,
  renderNotification,
  renderSlackMessage,
  SLACK_LIMITS,
} from "../../src/notifications";
import { blockTexts, mrkdwnTexts, validateSlackMessage } from "../support/block-kit-validator";
import {
  allFixtures,
  ownFixtures,
  sharedFixtures,
  visibleSlackText,
  visibleWebhookText,
} from "./sns-fixtures";

/** Every `<…>` Slack would interpret must be one this app wrote: a date or a vetted link. */
const OWN_ANGLE_TOKEN = /^<(!date\^\d+\^[^|>]*\|[^<>]*|https?:\/\/[^|<>\s]+\|[^<>]*)>$/;

describe("fixture corpus", () => {
  it("finds the shared fixtures beside the repository and the repository's own", () => {
    expect(sharedFixtures().length).toBeGreaterThanOrEqual(50);
    expect(ownFixtures().length).toBeGreaterThanOrEqual(15);
  });
});

describe.each(allFixtures().map((f) => [f.file, f] as const))("%s", (_file, fx) => {
  const notification = formatNotification(fx.envelope);
  const rendered = renderNotification(fx.envelope);

  it("is classified as the fixture expects (service, kind, severity)", () => {
    expect({
      service: notification.service,
      kind: notification.kind,
      severity: notification.severity,
    }).toEqual({
      service: fx.expect.service,
      kind: fx.expect.kind,
      severity: fx.expect.severity,
    });
  });

  it("mentions every must_mention string in Slack", () => {
    const text = visibleSlackText(rendered.slack);
    for (const mention of fx.expect.must_mention) expect(text).toContain(mention);
  });

  it("mentions every must_mention string in the webhook text", () => {
    const text = visibleWebhookText(rendered.webhook.Content);
    for (const mention of fx.expect.must_mention) expect(text).toContain(mention);
  });

  it("produces structurally valid Block Kit within Slack's limits", () => {
    expect(validateSlackMessage(rendered.slack)).toEqual([]);
    expect(rendered.slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const total = blockTexts(rendered.slack.blocks).reduce((sum, t) => sum + t.length, 0);
    expect(total).toBeLessThan(12000);
    expect(rendered.slack.text.length).toBeGreaterThan(0);
    expect(rendered.slack.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(rendered.slack.blocks[0].type).toBe("header");
  });

  it("lets no message text become a mention or a link", () => {
    // The fallback `text` is mrkdwn too; the header is plain_text, which Slack shows literally.
    for (const text of [rendered.slack.text, ...mrkdwnTexts(rendered.slack.blocks)]) {
      for (const token of text.match(/<[^>]*>?/g) ?? []) expect(token).toMatch(OWN_ANGLE_TOKEN);
    }
    expect(rendered.webhook.Content).not.toMatch(/@(all|present)\b/i);
  });

  it("fits a Chime webhook: /md prefix, at most 4096 UTF-8 bytes", () => {
    expect(rendered.webhook.Content.startsWith("/md ")).toBe(true);
    expect(Buffer.byteLength(rendered.webhook.Content, "utf8")).toBeLessThanOrEqual(CHIME_MAX_CONTENT_BYTES);
    expect(Buffer.byteLength(JSON.stringify(rendered.webhook), "utf8")).toBeLessThanOrEqual(
      CHIME_MAX_CONTENT_BYTES + 600,
    );
  });

  it("offers the console button exactly when there is a console URL", () => {
    const actions = rendered.slack.blocks.filter((b) => b.type === "actions");
    expect(actions.length).toBe(notification.consoleUrl === undefined ? 0 : 1);
    if (notification.consoleUrl !== undefined) {
      expect(notification.consoleUrl).toMatch(
        /^https:\/\/console\.(aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/[^\s<>|]*$/,
      );
    }
  });

  it("renders the same output for the same input (pure)", () => {
    expect(renderNotification(fx.envelope)).toEqual(rendered);
    expect(renderSlackMessage(formatNotification(fx.envelope))).toEqual(rendered.slack);
  });

  if (fx.expect.console_url_prefix !== undefined) {
    it("links to the console of the message's partition", () => {
      expect(notification.consoleUrl?.startsWith(fx.expect.console_url_prefix ?? "")).toBe(true);
      expect(JSON.stringify(rendered.slack.blocks)).toContain(fx.expect.console_url_prefix);
    });
  }
  if (fx.expect.region !== undefined) {
    it("reports the region code", () => expect(notification.region).toBe(fx.expect.region));
  }
  if (fx.expect.partition !== undefined) {
    it("reports the partition", () => expect(notification.partition).toBe(fx.expect.partition));
  }
  if (fx.expect.thread_key !== undefined) {
    it("keys the thread", () => expect(notification.threadKey).toBe(fx.expect.thread_key));
  }
});
