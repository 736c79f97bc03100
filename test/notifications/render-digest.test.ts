import {
  addDigestLine,
  type DigestLine,
  type DigestView,
  digestFits,
  digestNotification,
  renderDigestSlack,
  renderDigestText,
  webhookDigestFits,
} from "../../src/notifications";
import { validateSlackMessage } from "../support/block-kit-validator";

const AT = new Date("2026-03-04T17:43:27Z");

function line(i: number, fields: Partial<DigestLine> = {}): DigestLine {
  return {
    key: `k${i}`,
    deliveryId: `d${i}`,
    service: "custom",
    sourceLabel: "Custom notification",
    header: `Notification number ${i}`,
    at: AT,
    count: 1,
    ...fields,
  };
}

function view(lines: DigestLine[], total = lines.length): DigestView {
  return { lines, total, firstAt: new Date(AT.getTime() - 120_000), lastAt: AT };
}

describe("storm digest rendering", () => {
  it("says how many in how long, groups by service and puts the most severe first", () => {
    const message = renderDigestSlack(
      view(
        [
          line(1, { severity: "low", header: "🟡 low thing" }),
          line(2, {
            service: "cloudwatch",
            sourceLabel: "CloudWatch alarm",
            severity: "critical",
            header: "🚨 ALARM · db",
          }),
          line(3, {
            severity: "high",
            header: "🔴 high thing",
            consoleUrl: "https://console.aws.amazon.com/x",
          }),
        ],
        57,
      ),
    );
    expect(message.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "⚡ 57 notifications in the last 2 min", emoji: true },
    });
    const sections = message.blocks.flatMap((b) => (b.type === "section" ? [b.text?.text ?? ""] : []));
    expect(sections[0]).toMatch(/^\*CloudWatch alarm\* \(1\)\n🚨 ALARM · db/);
    expect(sections[1]).toMatch(
      /^\*Custom notification\* \(2\)\n🔴 high thing .*<https:\/\/console\.aws\.amazon\.com\/x\|console>\n🟡 low thing/,
    );
    expect(sections[1]).toContain("<!date^1772646207^{time_secs}|17:43:27Z>");
    expect(validateSlackMessage(message)).toEqual([]);
  });

  it("collapses one alarm's changes into its latest state with a count", () => {
    const lines: DigestLine[] = [];
    addDigestLine(lines, line(1, { key: "alarm", state: "ALARM", header: "🔴 ALARM · db" }));
    addDigestLine(lines, line(2, { key: "alarm", state: "OK", header: "🟢 OK · db", severity: "ok" }));
    addDigestLine(
      lines,
      line(3, { key: "alarm", state: "ALARM", header: "🔴 ALARM · db", severity: "high" }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ deliveryId: "d3", count: 3, state: "ALARM" });
    expect(JSON.stringify(renderDigestSlack(view(lines, 3)).blocks)).toContain("3 changes, now ALARM");
  });

  it("is full at 100 lines, and stays within Slack's block and text limits up to there", () => {
    const long = (i: number) =>
      line(i, {
        header: `${"x".repeat(90)} ${i}`,
        consoleUrl: `https://console.aws.amazon.com/${"p".repeat(150)}`,
      });
    const lines = Array.from({ length: 101 }, (_, i) => long(i));
    expect(digestFits(view(lines))).toBe(false);
    let fitting = 0;
    while (digestFits(view(lines.slice(0, fitting + 1)))) fitting++;
    expect(fitting).toBeGreaterThan(10);
    const message = renderDigestSlack(view(lines.slice(0, fitting)));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(validateSlackMessage(message)).toEqual([]);
  });

  it("renders the same lines as text for webhook rooms, within Chime's size", () => {
    const lines = [line(1, { consoleUrl: "https://console.aws.amazon.com/x" }), line(2)];
    const text = renderDigestText(view(lines));
    expect(text.split("\n")).toEqual([
      "⚡ 2 notifications in the last 2 min",
      "",
      "Custom notification (2)",
      "- Notification number 1 · 2026-03-04T17:43:27Z · https://console.aws.amazon.com/x",
      "- Notification number 2 · 2026-03-04T17:43:27Z",
    ]);
    expect(digestNotification(view(lines))).toMatchObject({ title: "⚡ 2 notifications in the last 2 min" });
    const many = Array.from({ length: 60 }, (_, i) => line(i, { header: "y".repeat(80) }));
    expect(webhookDigestFits(view(many))).toBe(false);
  });

  it("makes a channel mention once, on the most severe line (hook for issue 13)", () => {
    const message = renderDigestSlack({
      ...view([line(1, { severity: "low" }), line(2, { severity: "critical", header: "worst" })]),
      mention: "<!subteam^S123>",
    });
    const texts = JSON.stringify(message.blocks);
    expect(texts.match(/<!subteam\^S123>/g)).toHaveLength(1);
    expect(message.blocks[1]).toMatchObject({
      type: "section",
      text: { text: expect.stringMatching(/^<!subteam\^S123> worst/) },
    });
  });
});
