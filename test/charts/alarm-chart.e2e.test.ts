/**
 * CloudWatch charts on the real server: an alarm posted to a channel whose configuration has an IAM
 * role gets its chart (STS AssumeRole with the ExternalId → GetMetricWidgetImage → files upload into
 * the alarm's thread); without a role, or when AWS refuses, the message goes out without it.
 */
import { type Harness, startHarness } from "../delivery/harness";
import { alarmMessage, eventually, topicArn } from "../delivery/world";
import { describeEachDatabase } from "../support/databases";
import { type FakeAwsCharts, startFakeAwsCharts } from "../support/fake-aws-charts";

const ROLE = "arn:aws:iam::123456789012:role/AwsChatbotCharts";
const EXTERNAL_ID = "awschatbot-0123456789abcdef0123456789abcdef";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describeEachDatabase("alarm charts", (kind) => {
  let aws: FakeAwsCharts;
  let h: Harness;

  beforeEach(async () => {
    aws = await startFakeAwsCharts();
    h = await startHarness(kind, {
      env: { AWS_ENDPOINT_URL_STS: aws.sts.url, AWS_ENDPOINT_URL_CLOUDWATCH: aws.cloudwatch.url },
    });
  });
  afterEach(async () => {
    await h.stop();
    await aws.close();
  });

  async function channelWithRole(topic: string, role: string | null) {
    const channel = await h.channel({ topicArns: [topic] });
    await h.prisma.channelConfiguration.update({
      where: { id: channel.configurationId },
      data: { iamRoleArn: role, externalId: EXTERNAL_ID },
    });
    return channel;
  }

  it("an alarm in a channel with a role gets its chart uploaded into the alarm's thread", async () => {
    aws.sts.requireExternalId(ROLE, EXTERNAL_ID);
    const topic = topicArn("charted-alarms");
    const channel = await channelWithRole(topic, ROLE);

    expect(await h.publish(topic, alarmMessage({ name: "web-cpu-high", state: "ALARM" }))).toBe(200);
    const [post] = await h.slack.waitForCalls("chat.postMessage", 1);
    await h.slack.waitForCalls("files.completeUploadExternal", 1);

    const [file] = h.slack.files();
    expect(file).toMatchObject({
      completed: true,
      channelId: channel.channelId,
      threadTs: post.response?.ts,
    });
    expect(file.bytes?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const [assume] = aws.sts.assumeRoleCalls();
    expect(assume.params).toMatchObject({ RoleArn: ROLE, ExternalId: EXTERNAL_ID });
    const [widget] = aws.cloudwatch.widgets();
    expect(JSON.stringify(widget)).toContain("CPUUtilization");
    expect(JSON.stringify(widget)).toContain("i-0123456789abcdef0");
  });

  it("a channel without a role gets the message and no chart, and AWS is not called", async () => {
    const topic = topicArn("plain-alarms");
    await channelWithRole(topic, null);
    expect(await h.publish(topic, alarmMessage({ name: "disk-full", state: "ALARM" }))).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 1);
    await eventually(
      "delivery recorded",
      async () => (await h.prisma.delivery.findFirstOrThrow()).status === "posted",
    );
    // The chart is attached after the post is recorded: wait until it has been given up on.
    await eventually("the chart skipped", () => h.app.logs().includes("alarm posted without a chart"));
    expect(h.slack.calls("files.getUploadURLExternal")).toHaveLength(0);
    expect(aws.sts.calls).toHaveLength(0);
    expect(h.app.logs()).toContain("no_role");
  });

  it("AccessDenied from STS falls back: the message is posted, no chart, the reason is logged", async () => {
    aws.sts.denyRole(ROLE);
    const topic = topicArn("denied-alarms");
    await channelWithRole(topic, ROLE);
    expect(await h.publish(topic, alarmMessage({ name: "queue-age", state: "ALARM" }))).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 1);
    await eventually("STS asked", () => aws.sts.assumeRoleCalls().length === 1);
    await eventually("fallback logged", () => h.app.logs().includes("assume_role_denied"));
    expect(h.slack.calls("files.getUploadURLExternal")).toHaveLength(0);
    expect(aws.cloudwatch.calls).toHaveLength(0);
  });

  it("AccessDenied from CloudWatch falls back the same way", async () => {
    aws.cloudwatch.failNext({
      code: "AccessDenied",
      message: "not authorized to perform cloudwatch:GetMetricWidgetImage",
    });
    const topic = topicArn("cw-denied-alarms");
    await channelWithRole(topic, ROLE);
    expect(await h.publish(topic, alarmMessage({ name: "latency", state: "ALARM" }))).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 1);
    await eventually("fallback logged", () => h.app.logs().includes("access_denied"));
    expect(h.slack.calls("files.getUploadURLExternal")).toHaveLength(0);
  });
});
