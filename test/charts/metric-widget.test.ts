import { buildMetricWidget, chartWindow } from "../../src/charts/metric-widget";
import { type AlarmChartSpec, formatNotification } from "../../src/notifications";
import { fixture } from "../notifications/sns-fixtures";

/** The AlarmChartSpec the formatter makes of a shared fixture, as the delivery worker gets it. */
function specOf(file: string): AlarmChartSpec {
  const chart = formatNotification(fixture(file).envelope).chart;
  if (chart === undefined) throw new Error(`${file} has no chart spec`);
  return chart;
}

const LATER = Date.parse("2026-06-01T00:00:00Z");

describe("buildMetricWidget", () => {
  it("single metric (cw-alarm-ec2-cpu-alarm): namespace, name, dimensions, stat, period, threshold, window", () => {
    const widget = buildMetricWidget(specOf("cw-alarm-ec2-cpu-alarm"), LATER);
    expect(widget).toEqual({
      metrics: [
        ["AWS/EC2", "CPUUtilization", "InstanceId", "i-0c4f2a9e81b3d5f60", { stat: "Average", period: 300 }],
      ],
      view: "timeSeries",
      stacked: false,
      title: "web-fleet-cpu-high-i-0c4f2a9e81b3d5f60",
      region: "us-east-1",
      width: 600,
      height: 400,
      start: "2026-03-04T14:43:27Z",
      end: "2026-03-04T18:13:27Z",
      period: 300,
      stat: "Average",
      annotations: {
        horizontal: [{ value: 90, label: "> 90", color: "#d62728", fill: "above" }],
        vertical: [{ value: "2026-03-04T17:43:27Z", label: "ALARM" }],
      },
      legend: { position: "bottom" },
      timezone: "+0000",
    });
  });

  it("extended statistic (cw-alarm-name-needs-escaping): p99, two dimensions, the raw alarm name as title", () => {
    const widget = buildMetricWidget(specOf("cw-alarm-name-needs-escaping"), LATER);
    expect(widget?.metrics).toEqual([
      [
        "AWS/ApplicationELB",
        "TargetResponseTime",
        "LoadBalancer",
        "app/orders-prod-alb/0a9b8c7d6e5f4a3b",
        "TargetGroup",
        "targetgroup/orders-api-tg/1c2d3e4f5a6b7c8d",
        { stat: "p99", period: 60 },
      ],
    ]);
    expect(widget?.stat).toBe("p99");
    expect(widget?.title).toBe("orders-api p99 > 2500ms & 5xx < 1% <prod>");
    expect(widget?.annotations?.horizontal).toEqual([
      { value: 2.5, label: "> 2.5", color: "#d62728", fill: "above" },
    ]);
  });

  it("metric math (cw-alarm-metric-math): the expression drawn, its inputs fetched but hidden, the threshold", () => {
    const widget = buildMetricWidget(specOf("cw-alarm-metric-math"), LATER);
    expect(widget?.metrics).toEqual([
      [{ id: "e1", expression: "100*(m2/m1)", label: "5xx error rate (%)" }],
      [
        "AWS/ApplicationELB",
        "RequestCount",
        "LoadBalancer",
        "app/storefront-prod-alb/5f1c2a3b4d6e7f80",
        { id: "m1", stat: "Sum", period: 60, visible: false },
      ],
      [
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        "LoadBalancer",
        "app/storefront-prod-alb/5f1c2a3b4d6e7f80",
        { id: "m2", stat: "Sum", period: 60, visible: false },
      ],
    ]);
    expect(widget?.stat).toBeUndefined();
    expect(widget?.region).toBe("us-west-2");
    expect(widget?.period).toBe(60);
    expect(widget?.annotations?.horizontal).toEqual([
      { value: 5, label: "> 5", color: "#d62728", fill: "above" },
    ]);
  });

  it("anomaly detection (cw-alarm-anomaly-detection): the metric and its band, no threshold line", () => {
    const widget = buildMetricWidget(specOf("cw-alarm-anomaly-detection"), LATER);
    expect(widget?.metrics).toEqual([
      [
        "AWS/RDS",
        "ReadLatency",
        "DBInstanceIdentifier",
        "ledger-db-prod-1",
        { id: "m1", stat: "Average", period: 300 },
      ],
      [{ id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", label: "ReadLatency (expected)" }],
    ]);
    expect(widget?.annotations?.horizontal).toBeUndefined();
    expect(widget?.annotations?.vertical).toEqual([{ value: "2026-03-08T02:18:33Z", label: "ALARM" }]);
    expect(widget?.region).toBe("eu-central-1");
  });

  it("an OK recovery and an INSUFFICIENT_DATA alarm are charted too", () => {
    expect(
      buildMetricWidget(specOf("cw-alarm-ok-recovery-null-description"), LATER)?.annotations?.vertical?.[0]
        .label,
    ).toBe("OK");
    expect(
      buildMetricWidget(specOf("cw-alarm-insufficient-data"), LATER)?.annotations?.vertical?.[0].label,
    ).toBe("INSUFFICIENT_DATA");
  });

  it("a composite alarm has no chart spec at all", () => {
    expect(formatNotification(fixture("cw-composite-alarm").envelope).chart).toBeUndefined();
  });

  it("a threshold below the line shades below", () => {
    const spec = {
      ...specOf("cw-alarm-ec2-cpu-alarm"),
      comparisonOperator: "LessThanOrEqualToThreshold",
      threshold: 10,
    };
    expect(buildMetricWidget(spec, LATER)?.annotations?.horizontal).toEqual([
      { value: 10, label: "<= 10", color: "#d62728", fill: "below" },
    ]);
  });

  it("refuses a spec with nothing drawable", () => {
    const spec = { ...specOf("cw-alarm-ec2-cpu-alarm"), metrics: [{ dimensions: [], returnData: true }] };
    expect(buildMetricWidget(spec, LATER)).toBeUndefined();
  });
});

describe("chartWindow", () => {
  const changed = "2026-03-04T17:43:27.123Z";

  it("runs from 3 hours before the state change to 30 minutes after", () => {
    expect(chartWindow({ stateChangeTime: changed, period: 60 }, LATER)).toEqual({
      start: "2026-03-04T14:43:27Z",
      end: "2026-03-04T18:13:27Z",
    });
  });

  it("never ends past now", () => {
    const now = Date.parse("2026-03-04T17:50:00Z");
    expect(chartWindow({ stateChangeTime: changed, period: 60 }, now).end).toBe("2026-03-04T17:50:00Z");
  });

  it("shows at least 20 periods of a long-period alarm", () => {
    expect(chartWindow({ stateChangeTime: changed, period: 3600 }, LATER).start).toBe("2026-03-03T21:43:27Z");
  });

  it("without a state change time ends now", () => {
    const now = Date.parse("2026-03-04T12:00:00Z");
    expect(chartWindow({ period: 300 }, now)).toEqual({
      start: "2026-03-04T09:00:00Z",
      end: "2026-03-04T12:00:00Z",
    });
  });

  it("a state change in the future (clock skew) is treated as now", () => {
    const now = Date.parse("2026-03-04T17:00:00Z");
    expect(chartWindow({ stateChangeTime: changed, period: 60 }, now)).toEqual({
      start: "2026-03-04T14:00:00Z",
      end: "2026-03-04T17:00:00Z",
    });
  });
});
