import { blockKitBuilderUrl, mrkdwnToHtml, slackMessageHtml } from "../../src/first-run/block-kit-html";
import { html } from "../../src/first-run/html";
import type { SlackMessage } from "../../src/notifications";

describe("mrkdwnToHtml", () => {
  it("draws Slack's inline formatting, emoji of our severities, and line breaks", () => {
    expect(mrkdwnToHtml(":red_circle: *ALARM* (was _OK_) ~old~ `code`\nnext").value).toBe(
      "🔴 <strong>ALARM</strong> (was <em>OK</em>) <del>old</del> <code>code</code><br>next",
    );
  });

  it("undoes Slack's entities once and escapes for HTML", () => {
    expect(mrkdwnToHtml("a &lt;b&gt; &amp;amp; \"q\" 'p'").value).toBe(
      "a &lt;b&gt; &amp;amp; &quot;q&quot; &#39;p&#39;",
    );
  });

  it("links only http(s) and mailto; other schemes stay text", () => {
    expect(mrkdwnToHtml("<https://console.aws.amazon.com/x?a=1&amp;b=2|Console>").value).toBe(
      '<a href="https://console.aws.amazon.com/x?a=1&amp;b=2" rel="noopener noreferrer" target="_blank">Console</a>',
    );
    expect(mrkdwnToHtml("<javascript:alert(1)|click>").value).toBe("click");
    expect(mrkdwnToHtml('<https://x.test/"onmouseover="alert(1)|x>').value).toBe("x");
  });

  it("shows dates by their fallback and mentions as names, never as markup", () => {
    expect(mrkdwnToHtml("<!date^1772646207^{date_short_pretty}|2026-03-04 17:43 UTC>").value).toBe(
      "2026-03-04 17:43 UTC",
    );
    expect(mrkdwnToHtml("<!here> <@U123|bob> <#C1|ops>").value).toBe(
      '<span class="mention">@here</span> <span class="mention">bob</span> <span class="mention">ops</span>',
    );
    // Markup inside a token is text, whatever the nesting.
    expect(mrkdwnToHtml("<@U1|<b>x</b>>").value).not.toMatch(/<b>/);
  });

  it("keeps code blocks verbatim, escaped", () => {
    expect(mrkdwnToHtml("```<script>*x*</script>```").value).toBe(
      "<pre>&lt;script&gt;*x*&lt;/script&gt;</pre>",
    );
  });
});

describe("slackMessageHtml", () => {
  const message: SlackMessage = {
    text: "t",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "<b>x</b>" } },
      { type: "section", fields: [{ type: "mrkdwn", text: "*A*\n1" }] },
      { type: "context", elements: [{ type: "mrkdwn", text: "ctx" }] },
      {
        type: "actions",
        elements: [
          {
            type: "button",
            text: { type: "plain_text", text: "Go" },
            url: "javascript:alert(1)",
            action_id: "a",
          },
        ],
      },
    ],
  };

  it("draws every block type our renderer makes, escaping plain text and refusing unsafe button URLs", () => {
    const out = slackMessageHtml(message).value;
    expect(out).toContain('<div class="bk-header">&lt;b&gt;x&lt;/b&gt;</div>');
    expect(out).toContain('<div class="bk-fields"><div><strong>A</strong><br>1</div></div>');
    expect(out).toContain('<div class="bk-context"><span>ctx</span></div>');
    expect(out).toContain('<span class="bk-button">Go</span>');
    expect(out).not.toContain("javascript:");
  });

  it("gives Block Kit Builder the blocks in the URL fragment", () => {
    const url = blockKitBuilderUrl(message);
    expect(url.startsWith("https://app.slack.com/block-kit-builder#")).toBe(true);
    expect(JSON.parse(decodeURIComponent(url.split("#")[1]))).toEqual({ blocks: message.blocks });
  });
});

describe("html tag", () => {
  it("escapes every interpolation that is not already SafeHtml", () => {
    const inner = html`<i>${"<x>"}</i>`;
    expect(html`<p title="${'"><script>'}">${inner}${["<a>", 1]}${undefined}${false}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;"><i>&lt;x&gt;</i>&lt;a&gt;1</p>',
    );
  });
});
