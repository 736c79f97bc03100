import {
  CONSOLE_ACTION_ID,
  formatNotification,
  renderNotification,
  type SnsNotificationEnvelope,
} from "../../src/notifications";
import { isSafeLinkUrl } from "../../src/notifications/link-url";
import { HEADER_MAX_CHARS } from "../../src/notifications/presentation";
import { mrkdwnTexts, validateSlackMessage } from "../support/block-kit-validator";
import { NEW_FORMAT_FIXTURES, publicFixture } from "./public-fixtures";
import { unescapeMrkdwn, visibleSlackText, visibleWebhookText } from "./sns-fixtures";

/**
 * The public example events of the formats issue 12 added (test/fixtures/sns-public, sources in its
 * SOURCES.md), each rendered through the public render function.
 */

/** `{"key":` or `[{"key":` — JSON syntax a reader should never see outside a code block. */
const RAW_JSON = /[{[]\s*"[^"\n]{1,80}"\s*:/;

function outsideCode(text: string): string {
  return text.replace(/```[\s\S]*?(```|$)/g, "").replace(/`[^`\n]*`/g, "");
}

/** The SNS message id and the event's own id: never part of a header. */
function eventIds(envelope: SnsNotificationEnvelope): string[] {
  const ids = [envelope.MessageId];
  const id = /"id"\s*:\s*"([^"]{8,})"/.exec(envelope.Message)?.[1];
  if (id !== undefined) ids.push(id);
  return ids;
}

function buttonsOf(rendered: ReturnType<typeof renderNotification>) {
  return rendered.slack.blocks.flatMap((block) => (block.type === "actions" ? block.elements : []));
}

describe.each(NEW_FORMAT_FIXTURES.map((file) => [file, publicFixture(file)] as const))("%s", (_file, fx) => {
  const notification = formatNotification(fx.envelope);
  const rendered = renderNotification(fx.envelope);
  const header = (rendered.slack.blocks[0] as { text: { text: string } }).text.text;

  it("is read as the fixture expects: service, kind, severity, state", () => {
    expect({
      service: notification.service,
      kind: notification.kind,
      severity: notification.severity,
      state: notification.state,
    }).toEqual({
      service: fx.expect.service,
      kind: fx.expect.kind,
      severity: fx.expect.severity,
      state: fx.expect.state,
    });
  });

  it("has a one-line header of at most 100 characters, state first, without event ids", () => {
    expect(header).not.toMatch(/\n/);
    expect(header.length).toBeLessThanOrEqual(HEADER_MAX_CHARS);
    expect(header).not.toContain("(truncated)");
    if (fx.expect.state !== undefined) expect(header).toContain(fx.expect.state);
    for (const id of eventIds(fx.envelope)) expect(header).not.toContain(id);
    expect(unescapeMrkdwn(rendered.slack.text)).toBe(header);
  });

  it("mentions every must_mention string in Slack and in the webhook text", () => {
    const slack = visibleSlackText(rendered.slack);
    const webhook = visibleWebhookText(rendered.webhook.Content);
    for (const mention of fx.expect.must_mention) {
      expect(slack).toContain(mention);
      expect(webhook).toContain(mention);
    }
  });

  it("shows no raw JSON outside code blocks and valid Block Kit", () => {
    for (const text of mrkdwnTexts(rendered.slack.blocks)) expect(outsideCode(text)).not.toMatch(RAW_JSON);
    expect(outsideCode(rendered.webhook.Content)).not.toMatch(RAW_JSON);
    expect(validateSlackMessage(rendered.slack)).toEqual([]);
  });

  it("links only to safe https URLs, the console first", () => {
    const buttons = buttonsOf(rendered);
    for (const button of buttons) expect(isSafeLinkUrl(button.url)).toBe(true);
    if (fx.expect.console_url_prefix !== undefined) {
      expect(buttons[0]).toMatchObject({ action_id: CONSOLE_ACTION_ID });
      expect(buttons[0].url.startsWith(fx.expect.console_url_prefix)).toBe(true);
    }
    if (fx.expect.partition !== undefined) expect(notification.partition).toBe(fx.expect.partition);
  });
});
