import { formatClassification, formatNotification } from "../../src/notifications";
import { guardDutySeverity } from "../../src/notifications/severity";
import { fixture, withMessage } from "./sns-fixtures";

function format(file: string) {
  return formatNotification(fixture(file).envelope);
}

describe("CloudWatch alarms", () => {
  it("builds a chart spec for a metric alarm, with the region code and CloudWatch stat spelling", () => {
    const n = format("cw-alarm-ec2-cpu-alarm");
    expect(n.region).toBe("us-east-1");
    expect(n.threadKey).toBe(
      "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
    );
    expect(n.timestamp).toBe("2026-03-04T17:43:27.123Z");
    expect(n.chart).toEqual({
      alarmName: "web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
      alarmArn: "arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
      region: "us-east-1",
      partition: "aws",
      accountId: "123456789012",
      metrics: [
        {
          namespace: "AWS/EC2",
          metricName: "CPUUtilization",
          dimensions: [{ name: "InstanceId", value: "i-0c4f2a9e81b3d5f60" }],
          stat: "Average",
          period: 300,
          unit: undefined,
          returnData: true,
        },
      ],
      threshold: 90,
      comparisonOperator: "GreaterThanThreshold",
      thresholdMetricId: undefined,
      period: 300,
      stat: "Average",
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      stateChangeTime: "2026-03-04T17:43:27.123Z",
      newState: "ALARM",
    });
    expect(n.consoleUrl).toBe(
      "https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
    );
  });

  it("keeps extended statistics (p99) as they are", () => {
    expect(format("cw-alarm-name-needs-escaping").chart?.stat).toBe("p99");
  });

  it("charts every metric of a metric-math alarm, inputs included", () => {
    const chart = format("cw-alarm-metric-math").chart;
    expect(chart?.metrics.map((m) => [m.id, m.expression ?? m.metricName, m.returnData])).toEqual([
      ["e1", "100*(m2/m1)", true],
      ["m1", "RequestCount", false],
      ["m2", "HTTPCode_Target_5XX_Count", false],
    ]);
    expect(chart?.period).toBe(60);
    expect(chart?.threshold).toBe(5);
  });

  it("charts an anomaly-detection alarm with its band as the threshold metric", () => {
    const chart = format("cw-alarm-anomaly-detection").chart;
    expect(chart?.threshold).toBeUndefined();
    expect(chart?.thresholdMetricId).toBe("ad1");
    expect(chart?.metrics.find((m) => m.id === "ad1")?.expression).toBe("ANOMALY_DETECTION_BAND(m1, 2)");
    expect(chart?.region).toBe("eu-central-1");
  });

  it("shows at most three triggering children of a composite alarm and has no chart", () => {
    const { envelope } = fixture("cw-composite-alarm");
    const alarm = JSON.parse(envelope.Message);
    alarm.TriggeringChildren = ["a", "b", "c", "d", "e"].map((name) => ({
      Arn: `arn:aws:cloudwatch:us-east-2:123456789012:alarm:${name}`,
      State: { Value: "ALARM", Timestamp: "2026-03-09T18:02:11.592+0000" },
    }));
    const n = formatNotification({ ...envelope, Message: JSON.stringify(alarm) });
    expect(n.kind).toBe("composite-alarm-state-change");
    expect(n.chart).toBeUndefined();
    expect(n.lists[0]).toMatchObject({ title: "Triggering alarms", more: 2 });
    expect(n.lists[0].items).toHaveLength(3);
  });

  it("uses partition-aware console hosts", () => {
    expect(format("cw-alarm-aws-cn-partition.json").consoleUrl).toMatch(
      /^https:\/\/console\.amazonaws\.cn\//,
    );
    expect(format("cw-alarm-govcloud-partition.json").consoleUrl).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\//,
    );
  });

  it("tolerates fields of unexpected types", () => {
    const n = formatNotification(
      withMessage("cw-alarm-ec2-cpu-alarm", {
        AlarmName: "odd",
        NewStateValue: "ALARM",
        Trigger: { Metrics: "not-a-list", Dimensions: 5 },
        TriggeringChildren: { nope: true },
      }),
    );
    expect(n.service).toBe("cloudwatch");
    expect(n.title).toBe("odd");
  });
});

describe("GuardDuty", () => {
  it.each([
    [1, "low", "Low"],
    [3.9, "low", "Low"],
    [4, "medium", "Medium"],
    [6.9, "medium", "Medium"],
    [7, "high", "High"],
    [8.9, "high", "High"],
    [9, "critical", "Critical"],
    [10, "critical", "Critical"],
  ])("severity %p is %s (%s)", (score, severity, _label) => {
    expect(guardDutySeverity(score)).toBe(severity);
  });

  it("shows the label with the score", () => {
    expect(format("guardduty-finding-high").fields).toContainEqual({ label: "Severity", value: "High (8)" });
  });
});

describe("custom notifications", () => {
  it("carries thread id, summary, keywords and next steps", () => {
    const n = format("custom-notification-full");
    expect(n.threadKey).toBe("payments-gateway-errors-2026-04-09");
    expect(n.summary).toBe("Payments gateway 5xx spike (SEV2)");
    expect(n.keywords).toEqual(["payments", "SEV2", "eu-west-1"]);
    expect(n.lists[0].title).toBe("Next steps");
    expect(n.description?.format).toBe("markdown");
  });

  it("names the missing content.description of an invalid one and still shows it", () => {
    const n = format("custom-notification-invalid-missing-description");
    expect(n.kind).toBe("invalid-custom");
    expect(n.notes).toHaveLength(1);
    expect(n.notes[0]).toContain("`content.description` is missing");
    expect(n.title).toBe("Nightly data quality check failed");
  });

  it("explains other invalid shapes too", () => {
    const n = formatNotification(
      withMessage("custom-notification-minimal", {
        version: "2.0",
        source: "custom",
        content: { description: 7 },
      }),
    );
    expect(n.kind).toBe("invalid-custom");
    expect(n.notes[0]).toContain('`version` must be "1.0"');
    expect(n.notes[0]).toContain("`content.description` must be a string");
  });
});

describe("thread keys and deep links", () => {
  it.each([
    ["codepipeline-execution-failed", "b8441621-791d-40da-871c-ac87fe75c79f"],
    ["codepipeline-action-failed", "b8441621-791d-40da-871c-ac87fe75c79f"],
    ["codestar-notification-pipeline-failed", "b8441621-791d-40da-871c-ac87fe75c79f"],
    [
      "stepfunctions-execution-failed",
      "arn:aws:states:eu-west-1:123456789012:execution:order-fulfilment:ord-2026-03-23-000913",
    ],
    ["backup-job-failed", "6e28c7c5-98e3-4dec-8155-3f054a6d5331"],
    ["ssm-command-failed", "c01cc7d0-b81e-42e0-b6de-22cede92a864"],
    ["codedeploy-deployment-failure", "d-7QX3P0V1Z"],
  ])("%s threads on %s", (file, key) => {
    expect(format(file).threadKey).toBe(key);
  });

  it("builds links from message parts only, never copying a URL from the message", () => {
    const rds = format("rds-sns-event-notification");
    expect(rds.consoleUrl).toBe(
      "https://console.aws.amazon.com/rds/home?region=us-east-1#database:id=analytics-db-prod;is-cluster=false",
    );
    const pipeline = format("codepipeline-execution-failed");
    expect(pipeline.consoleUrl).toBe(
      "https://console.aws.amazon.com/codesuite/codepipeline/pipelines/orders-service-release/executions/b8441621-791d-40da-871c-ac87fe75c79f/timeline?region=us-west-2",
    );
  });

  it("has no console link where none makes sense", () => {
    expect(format("plain-text-human-deploy").consoleUrl).toBeUndefined();
    expect(format("json-unknown-shape").consoleUrl).toBeUndefined();
    expect(format("custom-notification-full").consoleUrl).toBeUndefined();
  });
});

describe("generic renderings", () => {
  it("shows detail-type, source, account, region and readable detail fields of an unknown event", () => {
    const n = format("eventbridge-unknown-widget-rotated");
    // Named by the first …Name, else …Id, of its detail.
    expect(n.title).toBe("Widget Rotated · wdg-7f3a91");
    expect(n.sourceLabel).toBe("EventBridge · aws.imaginary");
    expect(n.fields.slice(0, 2)).toEqual([
      { label: "Widget id", value: "wdg-7f3a91" },
      { label: "Rotation degrees", value: "270" },
    ]);
    // Readable fields or a JSON block, never both.
    expect(n.details).toBeUndefined();
    expect(n.account).toBe("123456789012");
    expect(n.region).toBe("us-east-1");
    expect(n.resources).toEqual(["arn:aws:imaginary:us-east-1:123456789012:widget/wdg-7f3a91"]);
  });

  it("names unknown JSON by what it is about, never as 'JSON message'", () => {
    expect(format("json-unknown-shape").title).toBe("Order ORD-2026-000481 on order-events");
    const named = formatNotification(withMessage("json-unknown-shape", { queueName: "jobs", depth: 12 }));
    expect(named.title).toBe("jobs on order-events");
    const bare = formatNotification(withMessage("json-unknown-shape", { depth: 12, ok: true }));
    expect(bare.title).toBe("Message on order-events");
    // A key that only ends in the letters "id" names nothing.
    const paid = formatNotification(withMessage("json-unknown-shape", { paid: "yes", depth: 1 }));
    expect(paid.title).toBe("Message on order-events");
    // Keys in capitals and values that are no strings name nothing either.
    const codes = formatNotification(withMessage("json-unknown-shape", { UUID: "abc", hasId: true }));
    expect(codes.title).toBe("Message on order-events");
  });

  it("uses the Subject as the title of plain text, and the first line without one", () => {
    expect(format("plain-text-human-deploy").title).toBe("deploy");
    expect(format("no-subject-plain-text").title).toBe(
      "Nightly ETL job etl-orders finished in 42m 10s (status=SUCCESS, rows=1,204,553)",
    );
  });

  it("reads a FAILED/ERROR status of unknown shapes as high, and guesses nothing from free text", () => {
    const n = formatNotification(withMessage("json-unknown-shape", { job: "sync", status: "FAILED" }));
    expect(n.severity).toBe("high");
    expect(n.state).toBe("FAILED");
    const text = formatNotification(
      withMessage("plain-text-human-deploy", "Backup of db-1 failed: disk full"),
    );
    expect(text.severity).toBeUndefined();
  });
});

describe("fallbacks", () => {
  it("degrades to the generic event rendering when a formatter throws", () => {
    const detail = { widgetCount: 3 };
    // A non-enumerable throwing getter: the GuardDuty formatter reads `type`, the generic one does not.
    Object.defineProperty(detail, "type", {
      enumerable: false,
      get() {
        throw new Error("boom");
      },
    });
    const { envelope } = fixture("guardduty-finding-high");
    const n = formatClassification(
      {
        category: "eventbridge-event",
        via: "eventbridge",
        event: { detailType: "GuardDuty Finding", source: "aws.guardduty", resources: [], detail },
      },
      envelope,
    );
    expect(n.service).toBe("eventbridge");
    expect(n.kind).toBe("unknown-event");
    expect(n.fields).toContainEqual({ label: "Widget count", value: "3" });
  });

  it("still returns something when even the generic rendering fails", () => {
    const detail = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        ownKeys() {
          throw new Error("boom");
        },
      },
    );
    const { envelope } = fixture("guardduty-finding-high");
    const n = formatClassification(
      {
        category: "eventbridge-event",
        via: "eventbridge",
        event: { detailType: "x", source: "y", resources: [], detail },
      },
      envelope,
    );
    expect(n.title.length).toBeGreaterThan(0);
    expect(n.description?.text).toBe(envelope.Message);
  });
});
