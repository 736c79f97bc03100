import fc from "fast-check";
import {
  CHIME_MAX_CONTENT_BYTES,
  renderNotification,
  SLACK_LIMITS,
  type SnsNotificationEnvelope,
} from "../../src/notifications";
import { blockTexts, mrkdwnTexts, validateSlackMessage } from "../support/block-kit-validator";
import { allFixtures } from "./sns-fixtures";

/** Whatever arrives as Message / Subject: no throw, Slack within limits, Chime within 4 KB. */

function envelope(message: string, subject: string | undefined, topicArn: string): SnsNotificationEnvelope {
  return {
    Type: "Notification",
    MessageId: "7f1c7a52-1e5c-4c7e-9a55-0d2b8b8f9d10",
    TopicArn: topicArn,
    ...(subject === undefined ? {} : { Subject: subject }),
    Message: message,
    Timestamp: "2026-04-01T12:00:00.000Z",
  };
}

function checkRendering(env: SnsNotificationEnvelope): void {
  const rendered = renderNotification(env);
  const errors = validateSlackMessage(rendered.slack);
  if (errors.length > 0) throw new Error(errors.join("\n"));
  const total = blockTexts(rendered.slack.blocks).reduce((sum, text) => sum + text.length, 0);
  if (total > SLACK_LIMITS.totalText) throw new Error(`total block text ${total}`);
  if (rendered.slack.text.length === 0 || rendered.slack.text.length > SLACK_LIMITS.fallbackText) {
    throw new Error(`fallback text length ${rendered.slack.text.length}`);
  }
  for (const text of [rendered.slack.text, ...mrkdwnTexts(rendered.slack.blocks)]) {
    if (/<[!@#]/.test(text.replace(/<!date\^\d+\^[^|>]*\|[^<>]*>/g, "")))
      throw new Error(`unescaped mention: ${text}`);
  }
  if (!rendered.webhook.Content.startsWith("/md ")) throw new Error("no /md prefix");
  const bytes = Buffer.byteLength(rendered.webhook.Content, "utf8");
  if (bytes > CHIME_MAX_CONTENT_BYTES) throw new Error(`Chime content ${bytes} bytes`);
}

const subject = fc.option(fc.string({ maxLength: 200 }), { nil: undefined });
const topic = fc.constantFrom(
  "arn:aws:sns:us-east-1:123456789012:t",
  "arn:aws-cn:sns:cn-north-1:123456789012:t",
  "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
  "not-an-arn",
);
const hostile = fc.constantFrom(
  "<!channel>",
  "<@U123>",
  "&",
  "<https://x.example|y>",
  "@All",
  "```",
  "🧾",
  "\u0000",
  "\ud800",
);

describe("rendering properties", () => {
  it("renders any string as Message", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), subject, topic, (message, s, t) =>
        checkRendering(envelope(message, s, t)),
      ),
      { numRuns: 300 },
    );
  });

  it("renders any JSON value as Message", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), subject, topic, (value, s, t) =>
        checkRendering(envelope(JSON.stringify(value) ?? "null", s, t)),
      ),
      { numRuns: 300 },
    );
  });

  it("renders known shapes with arbitrary field values", () => {
    // Start from every fixture's payload and replace values with random ones: formatters meet
    // the right keys with the wrong types.
    const payloads = allFixtures()
      .map((f) => f.envelope.Message)
      .filter((m) => m.trim().startsWith("{") && m.length < 50_000)
      .map((m) => JSON.parse(m) as Record<string, unknown>);
    const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile, fc.string({ maxLength: 3000 }));
    fc.assert(
      fc.property(
        fc.constantFrom(...payloads),
        fc.array(fc.tuple(fc.nat(), value), { maxLength: 6 }),
        subject,
        (base, edits, s) => {
          const payload: Record<string, unknown> = structuredClone(base);
          const detail =
            typeof payload.detail === "object" && payload.detail !== null
              ? (payload.detail as Record<string, unknown>)
              : payload;
          for (const [index, replacement] of edits) {
            const target = index % 2 === 0 ? payload : detail;
            const keys = Object.keys(target);
            if (keys.length > 0) target[keys[index % keys.length]] = replacement;
          }
          checkRendering(envelope(JSON.stringify(payload), s, "arn:aws:sns:eu-west-1:123456789012:t"));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("renders hostile text of any size", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(hostile, fc.string()), { maxLength: 400 }),
        fc.nat(300_000),
        (pieces, pad) =>
          checkRendering(
            envelope(
              pieces.join(" ") + "y".repeat(pad % 300_000),
              pieces.join(""),
              "arn:aws:sns:us-east-1:123456789012:t",
            ),
          ),
      ),
      { numRuns: 50 },
    );
  });
});
