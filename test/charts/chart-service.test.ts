import { type ChartRole, ChartService } from "../../src/charts/chart-service";
import { roleSessionName } from "../../src/charts/role-credentials";
import { loadConfig } from "../../src/config";
import { type AlarmChartSpec, formatNotification } from "../../src/notifications";
import { fixture } from "../notifications/sns-fixtures";
import { type FakeAwsCharts, startFakeAwsCharts } from "../support/fake-aws-charts";
import { PNG_SIGNATURE, readPng } from "../support/png";

const ROLE_ARN = "arn:aws:iam::123456789012:role/ChimeCharts";
const EXTERNAL_ID = "awschatbot-0123456789abcdef0123456789abcdef";
const role: ChartRole = { roleArn: ROLE_ARN, externalId: EXTERNAL_ID, configurationId: "cfg-1" };
const NOW = Date.parse("2026-03-04T18:00:00Z");

function specOf(file: string): AlarmChartSpec {
  const chart = formatNotification(fixture(file).envelope).chart;
  if (chart === undefined) throw new Error(`${file} has no chart spec`);
  return chart;
}

describe("ChartService against loopback STS and CloudWatch", () => {
  let aws: FakeAwsCharts;
  let service: ChartService;

  beforeAll(async () => {
    aws = await startFakeAwsCharts();
  });
  afterAll(async () => {
    await aws.close();
  });
  beforeEach(() => {
    aws.sts.reset();
    aws.cloudwatch.reset();
    aws.sts.requireExternalId(ROLE_ARN, EXTERNAL_ID);
    service = new ChartService({
      endpoints: { sts: aws.sts.url, cloudwatch: aws.cloudwatch.url },
      now: () => NOW,
    });
  });
  afterEach(() => service.destroy());

  it("an alarm with a role gets a PNG drawn with the role's credentials", async () => {
    const result = await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role);
    if (!result.ok) throw new Error(result.message);
    expect(result.png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readPng(result.png)).toMatchObject({ width: 600, height: 400 });
    expect(result.png.equals(aws.cloudwatch.image)).toBe(true);

    const [assume] = aws.sts.assumeRoleCalls();
    expect(assume.params).toMatchObject({
      Action: "AssumeRole",
      RoleArn: ROLE_ARN,
      ExternalId: EXTERNAL_ID,
      RoleSessionName: "aws-chatbot-cfg-1",
    });
    expect(assume.signingRegion).toBe("us-east-1");
    expect(assume.accessKeyId).toBe(process.env.AWS_ACCESS_KEY_ID);

    const [call] = aws.cloudwatch.calls;
    const issued = aws.sts.issued.get(call.accessKeyId ?? "");
    expect(issued?.roleArn).toBe(ROLE_ARN);
    expect(call.sessionToken).toBe(issued?.sessionToken);
    expect(call.signingRegion).toBe("us-east-1");
    expect(call.params.OutputFormat).toBe("png");

    const [widget] = aws.cloudwatch.widgets();
    expect(widget.metrics).toEqual([
      ["AWS/EC2", "CPUUtilization", "InstanceId", "i-0c4f2a9e81b3d5f60", { stat: "Average", period: 300 }],
    ]);
    expect(widget.annotations).toMatchObject({ horizontal: [{ value: 90, label: "> 90" }] });
    expect(widget).toMatchObject({
      start: "2026-03-04T14:43:27Z",
      end: "2026-03-04T18:00:00Z",
      width: 600,
      height: 400,
    });
  });

  it("calls STS and CloudWatch in the alarm's region", async () => {
    const result = await service.chartForAlarm(specOf("cw-alarm-anomaly-detection"), role);
    expect(result.ok).toBe(true);
    expect(aws.sts.calls[0].signingRegion).toBe("eu-central-1");
    expect(aws.cloudwatch.calls[0].signingRegion).toBe("eu-central-1");
    expect(aws.cloudwatch.widgets()[0].metrics).toContainEqual([
      { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", label: "ReadLatency (expected)" },
    ]);
  });

  it("caches the role's credentials: one AssumeRole for two charts", async () => {
    expect((await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).ok).toBe(true);
    expect((await service.chartForAlarm(specOf("cw-alarm-metric-math"), role)).ok).toBe(true);
    expect(aws.sts.assumeRoleCalls()).toHaveLength(1);
    expect(aws.cloudwatch.calls).toHaveLength(2);
    expect(aws.cloudwatch.calls[0].accessKeyId).toBe(aws.cloudwatch.calls[1].accessKeyId);
    // A changed role setting forgets what was cached for the role.
    service.credentials.forget(ROLE_ARN);
    expect((await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).ok).toBe(true);
    expect(aws.sts.assumeRoleCalls()).toHaveLength(2);
  });

  it("shares one AssumeRole between concurrent charts", async () => {
    const results = await Promise.all([
      service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role),
      service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role),
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(aws.sts.assumeRoleCalls()).toHaveLength(1);
  });

  it("assumes the role again shortly before its credentials expire", async () => {
    let now = NOW;
    const clocked = new ChartService({
      endpoints: { sts: aws.sts.url, cloudwatch: aws.cloudwatch.url },
      now: () => now,
    });
    aws.sts.credentialLifetimeSeconds = 900;
    try {
      now = Date.now();
      await clocked.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role);
      now += 9 * 60 * 1000;
      await clocked.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role);
      expect(aws.sts.assumeRoleCalls()).toHaveLength(1);
      now += 2 * 60 * 1000; // 11 minutes: within 5 minutes of the 15-minute expiry
      await clocked.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role);
      expect(aws.sts.assumeRoleCalls()).toHaveLength(2);
    } finally {
      aws.sts.credentialLifetimeSeconds = undefined;
      clocked.destroy();
    }
  });

  it("without a role: no chart, nothing called", async () => {
    expect(await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), undefined)).toEqual({
      ok: false,
      reason: "no_role",
      message: expect.stringMatching(/no IAM role/),
    });
    expect(aws.sts.calls).toHaveLength(0);
  });

  it("a composite alarm or another notification: no chart", async () => {
    const composite = formatNotification(fixture("cw-composite-alarm").envelope);
    expect(await service.chartForNotification(composite, role)).toMatchObject({
      ok: false,
      reason: "composite_alarm",
    });
    const guardduty = formatNotification(fixture("guardduty-finding-high").envelope);
    expect(await service.chartForNotification(guardduty, role)).toMatchObject({
      ok: false,
      reason: "no_chart_spec",
    });
    expect(aws.sts.calls).toHaveLength(0);
  });

  it("AccessDenied on AssumeRole (wrong ExternalId) falls back with the reason", async () => {
    const result = await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), {
      ...role,
      externalId: "wrong",
    });
    expect(result).toMatchObject({
      ok: false,
      reason: "assume_role_denied",
      message: expect.stringMatching(
        /sts:AssumeRole of arn:aws:iam::123456789012:role\/ChimeCharts was denied \(AccessDenied\): User: .* is not authorized/,
      ),
    });
    expect(aws.cloudwatch.calls).toHaveLength(0);
  });

  it("AccessDenied on GetMetricWidgetImage falls back with the reason", async () => {
    aws.cloudwatch.failAlways({
      code: "AccessDeniedException",
      message: "not authorized to perform: cloudwatch:GetMetricWidgetImage",
    });
    expect(await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).toMatchObject({
      ok: false,
      reason: "access_denied",
      message: expect.stringMatching(/cloudwatch:GetMetricWidgetImage was denied to .*ChimeCharts/),
    });
  });

  it("a CloudWatch that keeps failing falls back; a single 500 is retried", async () => {
    aws.cloudwatch.failNext({ status: 500, code: "InternalFailure" });
    expect((await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).ok).toBe(true);
    aws.cloudwatch.failAlways({ status: 500, code: "InternalFailure", message: "boom" });
    expect(await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).toMatchObject({
      ok: false,
      reason: "cloudwatch_failed",
    });
  });

  it("an answer that is not a PNG is no chart", async () => {
    const real = aws.cloudwatch.image;
    aws.cloudwatch.image = Buffer.from("<html>not an image</html>");
    try {
      expect(await service.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role)).toMatchObject({
        ok: false,
        reason: "cloudwatch_failed",
        message: expect.stringMatching(/not a PNG/),
      });
    } finally {
      aws.cloudwatch.image = real;
    }
  });

  it.each([
    ["STS", (fakes: FakeAwsCharts) => fakes.sts.failNext({ delayMs: 3000 })],
    ["CloudWatch", (fakes: FakeAwsCharts) => fakes.cloudwatch.failNext({ delayMs: 3000 })],
  ])("a slow %s falls back within the bound", async (_label, slow) => {
    slow(aws);
    const bounded = new ChartService({
      endpoints: { sts: aws.sts.url, cloudwatch: aws.cloudwatch.url },
      timeoutMs: 400,
    });
    try {
      const started = Date.now();
      const result = await bounded.chartForAlarm(specOf("cw-alarm-ec2-cpu-alarm"), role);
      expect(result).toMatchObject({ ok: false, reason: "timeout" });
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      bounded.destroy();
    }
  });
});

describe("AWS endpoints from the environment", () => {
  let aws: FakeAwsCharts;

  beforeAll(async () => {
    aws = await startFakeAwsCharts();
  });
  afterAll(async () => {
    await aws.close();
  });

  it("AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_CLOUDWATCH reach the fakes with no explicit endpoint", async () => {
    process.env.AWS_ENDPOINT_URL_STS = aws.sts.url;
    process.env.AWS_ENDPOINT_URL_CLOUDWATCH = aws.cloudwatch.url;
    const service = new ChartService();
    try {
      const result = await service.chartForAlarm(specOf("cw-alarm-metric-math"), role);
      expect(result.ok).toBe(true);
      expect(aws.sts.assumeRoleCalls()).toHaveLength(1);
      expect(aws.cloudwatch.widgets()).toHaveLength(1);
    } finally {
      service.destroy();
      delete process.env.AWS_ENDPOINT_URL_STS;
      delete process.env.AWS_ENDPOINT_URL_CLOUDWATCH;
    }
  });

  it("config.awsEndpoints carries the same variables for explicit use", () => {
    const config = loadConfig({
      AWS_ENDPOINT_URL_STS: aws.sts.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: aws.cloudwatch.url,
    });
    expect(config.awsEndpoints).toMatchObject({ sts: aws.sts.url, cloudwatch: aws.cloudwatch.url });
  });
});

describe("roleSessionName", () => {
  it("is aws-chatbot-<id>, within STS's characters and 64 characters", () => {
    expect(roleSessionName("3f2a0c1e-9b8d-4c7a-a6b5-0e1d2c3b4a59")).toBe(
      "aws-chatbot-3f2a0c1e-9b8d-4c7a-a6b5-0e1d2c3b4a59",
    );
    expect(roleSessionName("a b/c")).toBe("aws-chatbot-a-b-c");
    expect(roleSessionName("x".repeat(100))).toHaveLength(64);
  });
});
