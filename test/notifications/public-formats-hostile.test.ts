import {
  CHIME_MAX_CONTENT_BYTES,
  formatNotification,
  renderNotification,
  type SnsNotificationEnvelope,
} from "../../src/notifications";
import { HEADER_MAX_CHARS } from "../../src/notifications/presentation";
import { dmsSeverity, findingCountsSeverity } from "../../src/notifications/severity";
import { validateSlackMessage } from "../support/block-kit-validator";
import { NEW_FORMAT_FIXTURES, publicFixture } from "./public-fixtures";

/** Behaviour of the new formatters beyond the fixtures: links, severities, odd and hostile input. */

function withMessage(file: string, message: unknown): SnsNotificationEnvelope {
  const { envelope } = publicFixture(file);
  return { ...envelope, Message: typeof message === "string" ? message : JSON.stringify(message) };
}

function messageOf(file: string): Record<string, unknown> {
  return JSON.parse(publicFixture(file).envelope.Message) as Record<string, unknown>;
}

function linkButtons(envelope: SnsNotificationEnvelope): { label: string; url: string }[] {
  return renderNotification(envelope)
    .slack.blocks.flatMap((block) => (block.type === "actions" ? block.elements : []))
    .map((button) => ({ label: button.text.text, url: button.url }));
}

describe("CodePipeline manual approval", () => {
  const file = "codepipeline-approval-docs-example.json";
  const approval = messageOf(file);
  const inner = approval.approval as Record<string, unknown>;

  it("offers a Review button to the approval's own review page", () => {
    expect(linkButtons(publicFixture(file).envelope)).toContainEqual({
      label: "Review",
      url: inner.approvalReviewLink,
    });
  });

  it.each([
    ["another host", "https://evil.example.com/approve"],
    ["a look-alike host", "https://console.aws.amazon.com.evil.example.com/approve"],
    ["javascript:", "javascript:alert(1)"],
    ["credentials", "https://me:pw@console.aws.amazon.com/codepipeline/"],
  ])("shows no Review button for a review link on %s", (_what, url) => {
    const envelope = withMessage(file, { ...approval, approval: { ...inner, approvalReviewLink: url } });
    expect(linkButtons(envelope).map((b) => b.label)).not.toContain("Review");
    expect(JSON.stringify(renderNotification(envelope).slack)).not.toContain(url);
  });

  it("makes no button of an http external link, and one of an https link", () => {
    expect(linkButtons(publicFixture(file).envelope).map((b) => b.url)).not.toContain("http://example.com");
    const https = withMessage(file, {
      ...approval,
      approval: { ...inner, externalEntityLink: "https://staging.example.com/release/42" },
    });
    expect(linkButtons(https)).toContainEqual({
      label: "Open the URL for review",
      url: "https://staging.example.com/release/42",
    });
  });

  it("shows custom data that is JSON as words", () => {
    const envelope = withMessage(file, {
      ...approval,
      approval: { ...inner, customData: '{"StackName":"orders","ChangeSetName":"cs-42"}' },
    });
    expect(formatNotification(envelope).description?.text).toBe("StackName: orders · ChangeSetName: cs-42");
  });
});

describe("AWS DMS", () => {
  const file = "dms-sns-replication-task-stopped.json";

  it("is its own service with its source id and identifier link, not Amazon RDS", () => {
    const notification = formatNotification(publicFixture(file).envelope);
    expect(notification).toMatchObject({ service: "dms", sourceLabel: "AWS DMS" });
    expect(notification.fields).toContainEqual({ label: "Source", value: "hello-world" });
    expect(linkButtons(publicFixture(file).envelope)).toContainEqual({
      label: "Open in DMS console",
      url: "https://console.aws.amazon.com/dms/home?region=us-east-1#tasks:ids=hello-world",
    });
  });

  it("drops an identifier link that is not an AWS console URL", () => {
    const message = { ...messageOf(file), "Identifier Link": "https://evil.example.com/dms" };
    expect(linkButtons(withMessage(file, message)).map((b) => b.url)).not.toContain(
      "https://evil.example.com/dms",
    );
  });

  it("reads failures by event id and category", () => {
    const failed = {
      ...messageOf(file),
      "Event ID": "http://docs.aws.amazon.com/dms/latest/userguide/CHAP_Events.html#DMS-EVENT-0078",
      "Event Message": "Replication task has failed.",
    };
    expect(formatNotification(withMessage(file, failed)).severity).toBe("high");
    expect(dmsSeverity(undefined, "LowStorage")).toBe("high");
    expect(dmsSeverity("DMS-EVENT-0091", "StateChange")).toBe("medium");
    expect(dmsSeverity(undefined, undefined)).toBeUndefined();
  });

  it("leaves RDS's own event notifications to the RDS formatter", () => {
    const rds = {
      "Event Source": "db-instance",
      "Event Time": "2026-04-06 04:58:11.871",
      "Identifier Link": "https://console.aws.amazon.com/rds/home?region=us-east-1#dbinstance:id=db1",
      "Source ID": "db1",
      "Event ID":
        "http://docs.amazonwebservices.com/AmazonRDS/latest/UserGuide/USER_Events.html#RDS-EVENT-0006",
      "Event Message": "DB instance restarted",
    };
    expect(formatNotification(withMessage(file, rds))).toMatchObject({
      service: "rds",
      sourceLabel: "Amazon RDS",
    });
  });
});

describe("events without source", () => {
  const file = "guardduty-finding-no-source-critical.json";

  it("are recognised by a detail-type that names a service", () => {
    expect(formatNotification(publicFixture(file).envelope)).toMatchObject({
      service: "guardduty",
      severity: "critical",
    });
  });

  it.each([
    [
      "AWS API Call via CloudTrail",
      { eventName: "StopLogging", eventSource: "cloudtrail.amazonaws.com" },
      "cloudtrail",
    ],
    ["Glue Job State Change", { jobName: "nightly", state: "FAILED" }, "glue"],
    ["Inspector2 Scan", { "scan-status": "INITIAL_SCAN_COMPLETE" }, "inspector"],
  ])("%s without source is read by its formatter", (detailType, detail, service) => {
    const envelope = withMessage(file, { "detail-type": detailType, detail });
    expect(formatNotification(envelope).service).toBe(service);
  });

  it("stay unknown JSON when the detail-type names no service or there is no detail", () => {
    const unknown = { "detail-type": "Widget Rotated", detail: { state: "ok" } };
    expect(formatNotification(withMessage(file, unknown)).service).toBe("unknown");
    const noDetail = { "detail-type": "GuardDuty Finding", severity: 9 };
    expect(formatNotification(withMessage(file, noDetail)).service).toBe("unknown");
  });
});

describe("severities of the new formats", () => {
  it.each([
    ["Failed", "medium"],
    ["DeliveryTimedOut", "medium"],
    ["Success", "ok"],
    ["Pending", "info"],
  ])("Run Command status %s is %s", (status, severity) => {
    const file = "ssm-sns-command-invocation.json";
    const message = { ...messageOf(file), status, detailedStatus: status };
    expect(formatNotification(withMessage(file, message)).severity).toBe(severity);
  });

  it("an Inspector scan is as severe as its worst finding count", () => {
    expect(findingCountsSeverity({ CRITICAL: 0, HIGH: 2, MEDIUM: 5, TOTAL: 7 })).toBe("high");
    expect(findingCountsSeverity({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, TOTAL: 3 })).toBe("low");
    expect(findingCountsSeverity({ TOTAL: 0 })).toBe("ok");
    expect(findingCountsSeverity({})).toBeUndefined();
  });

  it("a malware scan of another resource by the same shape: THREATS_FOUND is high", () => {
    const file = "guardduty-malware-s3-threats-found.json";
    const message = messageOf(file);
    const detail = {
      scanStatus: "COMPLETED",
      resourceType: "EBS_VOLUME",
      resourceArn: "arn:aws:ec2:us-east-1:111122223333:volume/vol-0e3d1a2321c53a086",
      scanResultDetails: {
        scanResultStatus: "THREATS_FOUND",
        threats: [{ name: "EICAR-Test-File", filePath: "/tmp/x" }],
      },
    };
    const notification = formatNotification(withMessage(file, { ...message, detail }));
    expect(notification).toMatchObject({ service: "guardduty", severity: "high", state: "THREATS_FOUND" });
    expect(notification.title).toContain("vol-0e3d1a2321c53a086");
    expect(notification.lists[0].items).toEqual(["EICAR-Test-File in /tmp/x"]);
  });

  it("pull-request and branch events have no severity badge", () => {
    for (const file of ["codecommit-pull-request-created.json", "codecommit-reference-created.json"]) {
      expect(formatNotification(publicFixture(file).envelope).severity).toBeUndefined();
    }
  });

  it("a Glue event the formatter does not know is shown by the generic rendering", () => {
    const file = "glue-job-timeout.json";
    const message = {
      ...messageOf(file),
      "detail-type": "Glue Data Catalog Table State Change",
      detail: { tableName: "foo" },
    };
    expect(formatNotification(withMessage(file, message)).service).toBe("eventbridge");
  });
});

/** Every string value in a JSON value replaced by `replace(value)`. */
function mapStrings(value: unknown, replace: (text: string) => unknown): unknown {
  if (typeof value === "string") return replace(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, replace));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, replace)]));
  }
  return value;
}

/** Keeps the keys that make the message what it is; the rest goes. */
function skeleton(message: Record<string, unknown>): Record<string, unknown> {
  const keep = ["detail-type", "source", "Event Source", "SourceId", "Event ID", "commandId", "documentName"];
  const out: Record<string, unknown> = Object.fromEntries(
    Object.entries(message).filter(([key]) => keep.includes(key)),
  );
  if ("detail" in message) out.detail = {};
  if ("approval" in message) out.approval = { pipelineName: "p" };
  return out;
}

/** Every object in a JSON value with `PROTO_KEY` and `constructor` keys of its own added. */
function addPrototypeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(addPrototypeKeys);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, addPrototypeKeys(v)]);
  return {
    PROTO_KEY: { polluted: "yes", state: "FAILED" },
    constructor: { name: "x" },
    ...Object.fromEntries(entries),
  };
}

/** JSON text where every object also has `__proto__` and `constructor` keys of its own. */
function withPrototypeKeys(message: unknown): string {
  return JSON.stringify(addPrototypeKeys(message)).replace(/"PROTO_KEY"/g, '"__proto__"');
}

const HUGE = "x".repeat(200_000);
const VARIANTS: [string, (message: Record<string, unknown>) => unknown][] = [
  ["missing fields", skeleton],
  ["numbers for strings", (m) => mapStrings(m, () => 12345)],
  ["arrays for strings", (m) => mapStrings(m, () => ["a", { b: 1 }])],
  ["objects for strings", (m) => mapStrings(m, () => ({ nested: { deeper: "y" } }))],
  ["nulls for strings", (m) => mapStrings(m, () => null)],
  ["huge strings", (m) => mapStrings(m, (text) => (text.length > 20 ? HUGE : `${text}${HUGE}`))],
  ["__proto__ and constructor keys", (m) => withPrototypeKeys(m)],
];

describe.each(NEW_FORMAT_FIXTURES.map((file) => [file] as const))("hostile variants of %s", (file) => {
  const original = messageOf(file);

  it.each(VARIANTS)("%s: renders without throwing, within the limits", (_name, mutate) => {
    const envelope = withMessage(file, mutate(original));
    const rendered = renderNotification(envelope);
    const header = (rendered.slack.blocks[0] as { text: { text: string } }).text.text;
    expect(header.length).toBeGreaterThan(0);
    expect(header.length).toBeLessThanOrEqual(HEADER_MAX_CHARS);
    expect(validateSlackMessage(rendered.slack)).toEqual([]);
    expect(Buffer.byteLength(rendered.webhook.Content, "utf8")).toBeLessThanOrEqual(CHIME_MAX_CONTENT_BYTES);
    for (const button of rendered.slack.blocks.flatMap((b) => (b.type === "actions" ? b.elements : []))) {
      expect(button.url).toMatch(/^https:\/\/[^\s<>|"]+$/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("missing fields: still read by the same service, with a header of its own", () => {
    const notification = formatNotification(withMessage(file, skeleton(original)));
    expect(notification.service).toBe(publicFixture(file).expect.service);
    expect(notification.title.trim()).not.toBe("");
  });
});
