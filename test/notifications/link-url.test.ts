import {
  formatNotification,
  renderNotification,
  type SnsNotificationEnvelope,
} from "../../src/notifications";
import { arr, num, obj, pathStr, str } from "../../src/notifications/json";
import { isAwsLinkUrl, isSafeLinkUrl, MAX_LINK_URL_CHARS } from "../../src/notifications/link-url";

describe("isSafeLinkUrl", () => {
  it.each([
    "https://console.aws.amazon.com/codesuite/codepipeline/pipelines/p/view?region=us-east-1",
    "https://console.aws.amazon.com/codepipeline/home?region=us-east-2#/view/MyFirstPipeline/Stage/Action/approve/1a2b",
    "https://wiki.example.com/runbooks/payments#step-3",
    "https://grafana.example.net:8443/d/abc?var-host=web%201",
  ])("accepts %s", (url) => {
    expect(isSafeLinkUrl(url)).toBe(true);
  });

  it.each([
    ["plain http", "http://example.com"],
    ["javascript:", "javascript:alert(1)"],
    ["a protocol-relative URL", "//evil.example.com"],
    ["credentials before the host", "https://user:secret@console.aws.amazon.com/"],
    ["a host hidden behind a user name", "https://console.aws.amazon.com@evil.example.com/x"],
    ["whitespace", "https://example.com/a b"],
    ["a newline", "https://example.com/a\nb"],
    ["a control character", "https://example.com/\u0000"],
    ["Slack link syntax", "https://example.com/|click"],
    ["angle brackets", "https://example.com/<x>"],
    ["a backslash", "https://evil.example.com\\@console.aws.amazon.com/"],
    ["a percent-encoded host", "https://console%2eaws.amazon.com/"],
    ["an empty host", "https:///path"],
    ["a host without a dot", "https://localhost/admin"],
    ["an IPv6 literal", "https://[::1]/"],
    ["a non-string", 42],
    ["undefined", undefined],
  ])("rejects %s", (_what, url) => {
    expect(isSafeLinkUrl(url)).toBe(false);
  });

  it("rejects a URL longer than the limit and accepts one at it", () => {
    const base = "https://example.com/";
    expect(isSafeLinkUrl(base + "a".repeat(MAX_LINK_URL_CHARS - base.length))).toBe(true);
    expect(isSafeLinkUrl(base + "a".repeat(MAX_LINK_URL_CHARS - base.length + 1))).toBe(false);
  });
});

describe("isAwsLinkUrl", () => {
  it.each([
    "https://console.aws.amazon.com/dms/home?region=us-east-1#tasks:ids=hello-world",
    "https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/r/pull-requests/1",
    "https://console.amazonaws.cn/cloudwatch/home",
    "https://console.amazonaws-us-gov.com/guardduty/home",
    "https://docs.aws.amazon.com/dms/latest/userguide/CHAP_Events.html",
  ])("accepts the AWS host of %s", (url) => {
    expect(isAwsLinkUrl(url)).toBe(true);
  });

  it.each([
    "https://console.aws.amazon.com.evil.example.com/",
    "https://evilamazonaws.com/",
    "https://my.reviewwebsite.com",
    "http://console.aws.amazon.com/",
    "https://user@console.aws.amazon.com/",
  ])("rejects %s", (url) => {
    expect(isAwsLinkUrl(url)).toBe(false);
  });
});

describe("json readers read own properties only", () => {
  it("never returns what an object inherits", () => {
    expect(obj({}, "__proto__")).toBeUndefined();
    expect(pathStr({}, ["constructor", "name"])).toBeUndefined();
    expect(str(Object.create({ inherited: "x" }) as Record<string, unknown>, "inherited")).toBeUndefined();
    expect(num({}, "valueOf")).toBeUndefined();
    expect(arr({}, "constructor")).toEqual([]);
  });

  it("still reads such keys when the message itself has them", () => {
    const parsed = JSON.parse('{"__proto__": {"name": "own"}, "constructor": {"name": "mine"}}');
    expect(obj(parsed, "__proto__")).toEqual({ name: "own" });
    expect(pathStr(parsed, ["constructor", "name"])).toBe("mine");
    // Parsing never touched the prototype of other objects.
    expect(({} as Record<string, unknown>).name).toBeUndefined();
  });
});

describe("custom notifications' related resources", () => {
  const envelope = (related: string[]): SnsNotificationEnvelope => ({
    Type: "Notification",
    MessageId: "0b6b1ad4-6f0e-4a8c-9d59-2f3c1e0a7b11",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:ops",
    Message: JSON.stringify({
      version: "1.0",
      source: "custom",
      content: { description: "Deploy paused" },
      metadata: { relatedResources: related },
    }),
    Timestamp: "2026-04-01T05:30:00.000Z",
  });

  it("become buttons only when they pass isSafeLinkUrl", () => {
    const safe = "https://runbooks.example.com/deploys#paused";
    const unsafe = [
      "https://deployer:hunter2@runbooks.example.com/",
      "https://runbooks.example.com\\@evil.example.com/",
      "http://runbooks.example.com/",
    ];
    const links = formatNotification(envelope([safe, ...unsafe])).links ?? [];
    expect(links).toEqual([{ label: "Open runbooks.example.com", url: safe }]);
    const slack = JSON.stringify(renderNotification(envelope([safe, ...unsafe])).slack);
    expect(slack).not.toContain("hunter2");
  });
});
