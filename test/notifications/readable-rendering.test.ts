import {
  formatNotification,
  LINK_ACTION_ID_PREFIX,
  type Notification,
  renderNotification,
  renderSlackMessage,
  renderWebhookMessage,
} from "../../src/notifications";
import { summaryText } from "../../src/notifications/formatters/codepipeline";
import { mrkdwnTexts } from "../support/block-kit-validator";
import { eventEnvelope, fixture, visibleSlackText, withMessage } from "./sns-fixtures";

/** Issue 12: headers that summarise, no machine text where people read, and links that work. */

function header(envelope: Parameters<typeof renderNotification>[0]): string {
  return (renderNotification(envelope).slack.blocks[0] as { text: { text: string } }).text.text;
}

function alarm(overrides: Record<string, unknown>) {
  const message = JSON.parse(fixture("cw-alarm-ec2-cpu-alarm").envelope.Message) as Record<string, unknown>;
  return withMessage("cw-alarm-ec2-cpu-alarm", { ...message, ...overrides });
}

describe("headers", () => {
  it("lead with the alarm state, then the alarm name", () => {
    expect(header(fixture("cw-alarm-ec2-cpu-alarm").envelope)).toBe(
      "🔴 ALARM · web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
    );
    // `inj-alarm` does not say ALARM: the state still leads.
    expect(header(fixture("mention-injection-alarm").envelope)).toMatch(/^🔴 ALARM · inj-alarm /);
  });

  it("say what an Auto Scaling activity did to which group, in a few words", () => {
    expect(header(fixture("autoscaling-sns-launch-error").envelope)).toBe(
      "🔴 Auto Scaling launch FAILED · gpu-workers-asg",
    );
  });

  it("humanise AWS Health event codes", () => {
    const envelope = eventEnvelope("AWS Health Event", "aws.health", {
      eventArn: "arn:aws:health:us-east-1::event/EC2/AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED/x",
      service: "EC2",
      eventTypeCode: "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED",
      eventTypeCategory: "issue",
      statusCode: "open",
      eventRegion: "us-east-1",
    });
    expect(header(envelope)).toBe("🔴 Open · EC2 instance store drive performance degraded · us-east-1");
  });

  it("are cut at a word within 100 characters, never with '(truncated)'", () => {
    const title = `Storage ${"exhausted ".repeat(30)}on analytics-db-prod`;
    const base = formatNotification(fixture("plain-text-human-deploy").envelope);
    const message = renderSlackMessage({ ...base, title, severity: "high" });
    const text = (message.blocks[0] as { text: { text: string } }).text.text;
    expect(text.length).toBeLessThanOrEqual(100);
    expect(text).toMatch(/^🔴 Storage exhausted .*exhausted…$/);
    expect(text).not.toContain("(truncated)");
  });
});

describe("no machine text", () => {
  it("summarises a 200-datapoint CloudWatch reason in one line", () => {
    const points = Array.from({ length: 200 }, (_, i) => {
      const minute = String(30 - Math.floor(i / 60)).padStart(2, "0");
      return `0.0 (04/03/26 05:${minute}:${String(59 - (i % 60)).padStart(2, "0")})`;
    });
    points[0] = "0.0 (04/03/26 05:30:00)";
    const reason = `Threshold Crossed: 200 out of the last 200 datapoints [${points.join(", ")}] were less than the threshold (4.0) (minimum 200 datapoints for OK -> ALARM transition).`;
    expect(reason.length).toBeGreaterThan(3000);
    const n = formatNotification(alarm({ NewStateReason: reason }));
    expect(n.reason).toBe("200 of 200 datapoints < 4 · latest 0.0 at 05:30 UTC");
  });

  it("names composite-rule children by alarm name, not ARN", () => {
    const message = JSON.parse(fixture("cw-composite-alarm").envelope.Message) as Record<string, unknown>;
    const n = formatNotification(
      withMessage("cw-composite-alarm", {
        ...message,
        AlarmRule:
          'ALARM("arn:aws:cloudwatch:us-east-2:123456789012:alarm:api-5xx") AND ALARM(arn:aws:cloudwatch:us-east-2:123456789012:alarm:db-cpu)',
      }),
    );
    expect(n.fields).toContainEqual({ label: "Alarm rule", value: 'ALARM("api-5xx") AND ALARM(db-cpu)' });
  });

  function cloudTrail(eventName: string, requestParameters: unknown) {
    const message = JSON.parse(fixture("cloudtrail-api-call-stoplogging").envelope.Message) as {
      detail: Record<string, unknown>;
    };
    return formatNotification(
      withMessage("cloudtrail-api-call-stoplogging", {
        ...message,
        detail: { ...message.detail, eventName, eventSource: "ec2.amazonaws.com", requestParameters },
      }),
    );
  }

  it("turns security-group ingress into `tcp/22 from 0.0.0.0/0 on sg-…`", () => {
    const n = cloudTrail("AuthorizeSecurityGroupIngress", {
      groupId: "sg-0a1b2c3d",
      ipPermissions: {
        items: [
          {
            ipProtocol: "tcp",
            fromPort: 22,
            toPort: 22,
            ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] },
            ipv6Ranges: { items: [{ cidrIpv6: "::/0" }] },
          },
        ],
      },
    });
    expect(n.fields).toContainEqual({
      label: "Request",
      value: "tcp/22 from 0.0.0.0/0 on sg-0a1b2c3d; tcp/22 from ::/0 on sg-0a1b2c3d",
    });
    const flat = cloudTrail("AuthorizeSecurityGroupIngress", {
      groupId: "sg-9",
      ipProtocol: "-1",
      cidrIp: "203.0.113.0/24",
    });
    expect(flat.fields).toContainEqual({
      label: "Request",
      value: "all traffic from 203.0.113.0/24 on sg-9",
    });
  });

  it("names IAM policy and S3 bucket-policy changes", () => {
    expect(
      cloudTrail("PutRolePolicy", { roleName: "ci", policyName: "deploy", policyDocument: "{}" }).fields,
    ).toContainEqual({ label: "Request", value: "inline policy deploy set on role ci" });
    expect(
      cloudTrail("AttachUserPolicy", {
        userName: "j.okafor",
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      }).fields,
    ).toContainEqual({ label: "Request", value: "policy AdministratorAccess attached to user j.okafor" });
    expect(
      cloudTrail("PutBucketPolicy", { bucketName: "logs", bucketPolicy: { Statement: [] } }).fields,
    ).toContainEqual({ label: "Request", value: "bucket policy of logs replaced" });
  });

  it("shows any other nested request as a code block, never as inline JSON", () => {
    const n = cloudTrail("RunInstances", { instancesSet: { items: [{ imageId: "ami-1" }] } });
    expect(n.fields.find((f) => f.label === "Request")).toBeUndefined();
    expect(n.details).toContain('"imageId": "ami-1"');
  });

  it("shows Access Analyzer principals as account ids", () => {
    const message = JSON.parse(fixture("access-analyzer-finding-public-bucket").envelope.Message) as {
      detail: Record<string, unknown>;
    };
    const n = formatNotification(
      withMessage("access-analyzer-finding-public-bucket", {
        ...message,
        detail: {
          ...message.detail,
          principal: { AWS: "999988887777" },
          condition: { "aws:SourceVpc": "vpc-1" },
        },
      }),
    );
    expect(n.fields).toContainEqual({ label: "Principal", value: "999988887777" });
    expect(n.fields).toContainEqual({ label: "Condition", value: "aws:SourceVpc = vpc-1" });
    expect(
      formatNotification(fixture("access-analyzer-finding-public-bucket").envelope).fields,
    ).toContainEqual({
      label: "Principal",
      value: "anyone (*)",
    });
  });

  it("hides nulls and shows a small unknown shape as fields only", () => {
    const n = formatNotification(
      withMessage("json-unknown-shape", { orderId: "o-1", requestToken: null, note: "null", total: 12 }),
    );
    expect(n.fields).toEqual([
      { label: "Order id", value: "o-1" },
      { label: "Total", value: "12" },
    ]);
    expect(n.details).toBeUndefined();
  });

  it("shows a nested unknown shape as one JSON block only", () => {
    const n = formatNotification(
      // An agent event from a source no formatter knows (ECS container instances have their own).
      eventEnvelope("Widget Agent State Change", "aws.imaginary", {
        agentConnected: true,
        attributes: [{ name: "ecs.capability.docker-remote-api.1.17" }],
        versionInfo: { agentVersion: "1.85.0", agentHash: "f0e1", dockerVersion: "24", kernel: "6", os: "x" },
      }),
    );
    expect(n.fields).toEqual([]);
    expect(n.details).toContain('"agentVersion": "1.85.0"');
  });

  it("lists no Resources section for the alarm's own ARN", () => {
    const text = visibleSlackText(renderNotification(fixture("cw-alarm-ec2-cpu-alarm").envelope).slack);
    expect(text).not.toContain("Resources");
    expect(text).not.toContain("arn:aws:cloudwatch:");
  });

  it("does not repeat a reason the header already says", () => {
    const slack = renderNotification(fixture("rds-db-instance-event-failover").envelope).slack;
    const text = visibleSlackText(slack);
    expect(text.split("Multi-AZ instance failover started.").length - 1).toBe(2); // header and push text
    expect(text).not.toContain("*Reason*");
  });

  it("shows times from Backup's message attributes as Slack dates", () => {
    const n = formatNotification(fixture("backup-vault-notification-completed").envelope);
    const started = n.fields.find((f) => f.label === "Started");
    expect(started?.time).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

function customWith(content: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return withMessage("custom-notification-minimal", { version: "1.0", source: "custom", content, metadata });
}

describe("links", () => {
  it("keeps Slack links in custom nextSteps and keywords, and still defuses mentions", () => {
    const envelope = customWith({
      description: "Latency is up",
      nextSteps: ["Refer to <http://www.example.com|*diagnostic-steps*> <!channel>"],
      keywords: ["<https://runbooks.example.com/p|runbook>"],
    });
    const slack = renderNotification(envelope).slack;
    const mrkdwn = mrkdwnTexts(slack.blocks).join("\n");
    expect(mrkdwn).toContain("• Refer to <http://www.example.com|*diagnostic-steps*> &lt;!channel&gt;");
    expect(mrkdwn).toContain("Keywords: <https://runbooks.example.com/p|runbook>");
    expect(mrkdwn).not.toContain("<!channel>");
  });

  it("translates shortcodes and Slack links for Chime, but keeps free text literal", () => {
    const chime = renderNotification(
      customWith({
        title: ":warning: Latency",
        description: "See <https://runbooks.example.com/p|the runbook>",
        nextSteps: ["Open <https://example.com/dash|the dashboard>"],
      }),
    ).webhook.Content;
    expect(chime).toContain("⚠️ Latency");
    expect(chime).not.toContain(":warning:");
    expect(chime).toContain("See [the runbook](https://runbooks.example.com/p)");
    expect(chime).toContain("- Open [the dashboard](https://example.com/dash)");
    const plain = renderNotification(fixture("mention-injection-plain-text").envelope).webhook.Content;
    expect(plain).toContain("<https://evil.example|bank>");
  });

  it("turns related-resource URLs into buttons only when they pass the URL check", () => {
    const envelope = customWith(
      { description: "d" },
      {
        relatedResources: [
          "arn:aws:lambda:us-east-1:123456789012:function:payments",
          "https://grafana.example.com/d/payments",
          "http://insecure.example.com/",
          "https://bad.example.com/a b",
        ],
      },
    );
    const n = formatNotification(envelope);
    expect(n.resources).toEqual(["arn:aws:lambda:us-east-1:123456789012:function:payments"]);
    const actions = renderNotification(envelope).slack.blocks.find((b) => b.type === "actions");
    expect(actions).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open grafana.example.com", emoji: true },
          url: "https://grafana.example.com/d/payments",
          action_id: `${LINK_ACTION_ID_PREFIX}0`,
        },
      ],
    });
    expect(renderWebhookMessage(n).Content).toContain(
      "Open grafana.example.com: https://grafana.example.com/d/payments",
    );
    expect(renderWebhookMessage(n, "teams").attachments[0].content.actions).toEqual([
      {
        type: "Action.OpenUrl",
        title: "Open grafana.example.com",
        url: "https://grafana.example.com/d/payments",
      },
    ]);
  });

  it("refuses a carried link that is not plain https", () => {
    const n: Notification = {
      ...formatNotification(fixture("plain-text-human-deploy").envelope),
      links: [
        { label: "x", url: "javascript:alert(1)" },
        { label: "y", url: "https://ok.example.com/<!channel>" },
      ],
    };
    expect(renderSlackMessage(n).blocks.some((b) => b.type === "actions")).toBe(false);
  });

  it("links an Inspector image finding to that image's findings", () => {
    expect(formatNotification(fixture("inspector2-finding-high").envelope).consoleUrl).toBe(
      "https://console.aws.amazon.com/inspector/v2/home?region=eu-central-1#/findings/container-image/payments%2Fapi%2Fsha256%3A1217904e5603b18d7fbd159520072a092903660efc564918e6e539044c985700",
    );
  });
});

describe("CodePipeline summaries", () => {
  it("shows a source action's JSON summary as words", () => {
    expect(
      summaryText('{"ProviderType":"GitHub","CommitMessage":"Fix the retry loop\\n\\nCloses #12"}'),
    ).toBe("GitHub commit: Fix the retry loop\n\nCloses #12");
    expect(summaryText("Deployment d-1 failed")).toBe("Deployment d-1 failed");
    expect(summaryText('{"not json')).toBe('{"not json');
  });
});

describe("times in unknown shapes", () => {
  it("shows ISO and epoch times as Slack dates", () => {
    const envelope = withMessage("json-unknown-shape", {
      orderId: "o-1",
      occurredAt: "2026-04-10T10:10:09.877Z",
      createdAt: 1775815809,
      count: 1775815809,
    });
    const n = formatNotification(envelope);
    expect(n.fields).toEqual([
      { label: "Order id", value: "o-1" },
      { label: "Occurred at", value: "2026-04-10 10:10:09 UTC", time: "2026-04-10T10:10:09.877Z" },
      { label: "Created at", value: "2026-04-10 10:10:09 UTC", time: "2026-04-10T10:10:09.000Z" },
      { label: "Count", value: "1775815809" },
    ]);
    expect(JSON.stringify(renderNotification(envelope).slack)).toContain("<!date^1775815809^");
  });
});

describe("Resources", () => {
  it("leaves out the ARN of the resource the title or a field already names", () => {
    const text = visibleSlackText(
      renderNotification(fixture("cloudformation-stack-update-rollback").envelope).slack,
    );
    expect(text).not.toContain("arn:aws:cloudformation:");
    // A related resource named nowhere but in a next step is still listed.
    const custom = visibleSlackText(renderNotification(fixture("custom-notification-full").envelope).slack);
    expect(custom).toContain("arn:aws:ecs:eu-west-1:123456789012:service/prod-apps/payments-gateway");
  });
});

describe("reasons", () => {
  it("are shown in full when the header had to cut them", () => {
    const n = formatNotification(fixture("rds-sns-event-notification").envelope);
    const text = visibleSlackText(renderSlackMessage(n));
    expect(text).toContain(
      "*Reason*\nAllocated storage has been exhausted. Allocate additional storage to resolve.",
    );
  });
});

describe("custom notifications without a title", () => {
  it("lead with the description's first line as plain text, the whole description still below", () => {
    const envelope = customWith({
      description:
        "Refresh of *OrderProcessorServiceASG* failed, see <https://runbooks.example.com/asg|the runbook>\ncc: @SRE-Team",
    });
    expect(header(envelope)).toBe("Refresh of OrderProcessorServiceASG failed, see the runbook");
    const text = visibleSlackText(renderNotification(envelope).slack);
    expect(text).toContain("cc: @SRE-Team");
    expect(mrkdwnTexts(renderNotification(envelope).slack.blocks).join("\n")).toContain(
      "<https://runbooks.example.com/asg|the runbook>",
    );
  });

  it("say a one-line plain description once: in the header, not again below it", () => {
    const envelope = customWith({ description: "Cache warm-up for catalog completed in 4m 12s." });
    expect(header(envelope)).toBe("Cache warm-up for catalog completed in 4m 12s.");
    expect(visibleSlackText(renderNotification(envelope).slack).split("completed in 4m 12s").length - 1).toBe(
      2, // the header and the push text
    );
    expect(renderNotification(envelope).webhook.Content.split("completed in 4m 12s").length - 1).toBe(1);
  });

  it("keep the body when the header changed or cut the line", () => {
    // Marks dropped from the header: the body keeps the text as written.
    const marked = customWith({ description: "Cache warm-up for *catalog* completed." });
    expect(header(marked)).toBe("Cache warm-up for catalog completed.");
    expect(formatNotification(marked).description?.text).toBe("Cache warm-up for *catalog* completed.");
    // Marks that are no pair stay in the header as written.
    expect(header(customWith({ description: "__init__.py failed, ~5 min left" }))).toBe(
      "__init__.py failed, ~5 min left",
    );
    // A line the header must cut (after a severity emoji) is still said whole below it.
    const long = `${"word ".repeat(18)}lastword`; // 98 characters: cut only because of the emoji
    const cut = customWith({ description: long }, { additionalContext: { priority: "critical" } });
    expect(header(cut).endsWith("…")).toBe(true);
    expect(formatNotification(cut).description?.text).toBe(long);
  });

  it("read at most 300 characters of a hostile first line, so a header costs the same whatever it holds", () => {
    for (const description of [
      `x${"*".repeat(250_000)}a`,
      "<https://".repeat(28_000),
      "*a ".repeat(80_000),
    ]) {
      const notification = formatNotification(customWith({ description }));
      expect(notification.title.length).toBeLessThanOrEqual(300);
      expect(notification.description?.text).toBe(description);
    }
  });

  it("keep a title, a Subject or a summary first when the message has one", () => {
    expect(header(customWith({ title: "Deploy done", description: "All green" }))).toBe("Deploy done");
    expect(header(customWith({ description: "All green" }, { summary: "Deploy summary" }))).toContain(
      "Deploy summary",
    );
    expect(header(customWith({}))).toBe("Custom notification");
  });
});

describe("GuardDuty announcements", () => {
  const announcement = (message: Record<string, unknown>) =>
    withMessage("guardduty-announcement-new-findings", { version: "1", ...message });

  it("name what changed in words, list several entries, and carry only AWS documentation links", () => {
    const envelope = announcement({
      type: "NEW_FINDINGS",
      findingDetails: [
        {
          findingType: "Execution:Runtime/NewBinaryExecuted",
          findingDescription: "A newly created binary was executed.",
          link: "https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html",
        },
        {
          findingType: "Impact:S3/MaliciousIPCaller",
          findingDescription: "An API was invoked from a known malicious IP address.",
          link: "https://evil.example.com/guardduty",
        },
      ],
    });
    const notification = formatNotification(envelope);
    expect(notification).toMatchObject({ service: "guardduty", kind: "guardduty-announcement" });
    expect(notification.severity).toBeUndefined();
    expect(notification.account).toBeUndefined();
    expect(header(envelope)).toBe("GuardDuty announcement: 2 new finding types");
    const text = visibleSlackText(renderNotification(envelope).slack);
    expect(text).toContain("Execution:Runtime/NewBinaryExecuted: A newly created binary was executed.");
    expect(text).toContain(
      "Impact:S3/MaliciousIPCaller: An API was invoked from a known malicious IP address.",
    );
    expect(text).not.toContain("NEW_FINDINGS");
    expect(notification.links).toEqual([
      {
        label: "Read about Execution:Runtime/NewBinaryExecuted",
        url: "https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html",
      },
    ]);
  });

  it("read a type they do not know as words", () => {
    const envelope = announcement({
      type: "DEPRECATED_FINDINGS",
      findingDetails: [{ findingType: "Old:Type/Gone", description: "Retired." }],
    });
    expect(header(envelope)).toBe("GuardDuty announcement: deprecated findings");
    expect(visibleSlackText(renderNotification(envelope).slack)).toContain("Retired.");
  });

  it("leave a JSON message that only looks alike to the generic view", () => {
    const entry = { findingType: "A:B/C", findingDescription: "d" };
    for (const findingDetails of ["not a list", [], ["not an object"]]) {
      expect(formatNotification(announcement({ type: "NEW_FINDINGS", findingDetails })).kind).toBe(
        "unknown-json",
      );
    }
    // The same shape on a topic that is not GuardDuty's own is somebody else's JSON.
    const elsewhere = {
      ...announcement({ type: "NEW_FINDINGS", findingDetails: [entry] }),
      TopicArn: "arn:aws:sns:us-west-2:123456789012:my-topic",
    };
    expect(formatNotification(elsewhere)).toMatchObject({ service: "unknown", kind: "unknown-json" });
  });
});
