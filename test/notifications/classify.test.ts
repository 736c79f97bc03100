import { classify, type SnsNotificationEnvelope } from "../../src/notifications";
import { fixture } from "./sns-fixtures";

function envelope(
  message: string,
  subject?: string,
  extra: Partial<SnsNotificationEnvelope> = {},
): SnsNotificationEnvelope {
  return {
    Type: "Notification",
    MessageId: "00000000-0000-4000-8000-000000000000",
    TopicArn: "arn:aws:sns:us-east-1:123456789012:topic",
    ...(subject === undefined ? {} : { Subject: subject }),
    Message: message,
    Timestamp: "2026-04-01T00:00:00.000Z",
    ...extra,
  };
}

describe("classify", () => {
  it.each([
    ["cw-alarm-ec2-cpu-alarm", "metric"],
    ["cw-alarm-metric-math", "metric-math"],
    ["cw-alarm-anomaly-detection", "anomaly-detection"],
    ["cw-composite-alarm", "composite"],
  ])("tells CloudWatch alarm kinds apart: %s is %s", (file, alarmKind) => {
    expect(classify(fixture(file).envelope)).toMatchObject({ category: "cloudwatch-alarm", alarmKind });
  });

  it("reads EventBridge events by source and detail-type", () => {
    expect(classify(fixture("guardduty-finding-high").envelope)).toMatchObject({
      category: "eventbridge-event",
      via: "eventbridge",
      event: { source: "aws.guardduty", detailType: "GuardDuty Finding", account: "123456789012" },
    });
  });

  it("maps CodeStar Notifications' processed format onto an EventBridge event", () => {
    const result = classify(fixture("codestar-notification-pipeline-failed").envelope);
    expect(result).toMatchObject({ category: "eventbridge-event", via: "codestar-notifications" });
    if (result.category === "eventbridge-event") {
      expect(result.event.detailType).toBe("CodePipeline Pipeline Execution State Change");
      expect(result.event.additionalAttributes).toMatchObject({ failedStage: "Deploy" });
    }
  });

  it.each([
    ["budgets-actual-threshold-exceeded", "budgets-text"],
    ["cloudformation-stack-update-rollback", "cloudformation-text"],
    ["elasticbeanstalk-health-severe", "elasticbeanstalk-text"],
    ["backup-vault-notification-completed", "backup-text"],
    ["autoscaling-sns-instance-launch", "autoscaling-sns"],
    ["rds-sns-event-notification", "rds-sns"],
    ["cost-anomaly-detected", "cost-anomaly-sns"],
  ])("recognises the known format of %s", (file, format) => {
    expect(classify(fixture(file).envelope)).toMatchObject({ category: "known-format", format });
  });

  it("recognises custom notifications, valid or not", () => {
    expect(classify(fixture("custom-notification-minimal").envelope).category).toBe("custom-notification");
    expect(classify(fixture("custom-notification-invalid-missing-description").envelope).category).toBe(
      "custom-notification",
    );
  });

  it("unwraps a MessageStructure map sent as the message", () => {
    expect(classify(fixture("messagestructure-whole-map").envelope).category).toBe("custom-notification");
    const textOnly = envelope(JSON.stringify({ default: "hello there", email: "mail" }));
    expect(classify(textOnly)).toEqual({ category: "plain-text", text: "hello there" });
  });

  it("never fails: unknown input is a category", () => {
    expect(classify(envelope(""))).toEqual({ category: "empty-message" });
    expect(classify(envelope("   \n"))).toEqual({ category: "empty-message" });
    expect(classify(envelope("just text"))).toEqual({ category: "plain-text", text: "just text" });
    expect(classify(envelope("{not json"))).toEqual({ category: "plain-text", text: "{not json" });
    expect(classify(envelope("42"))).toEqual({ category: "plain-text", text: "42" });
    expect(classify(envelope("[1,2]"))).toEqual({ category: "unknown-json", value: [1, 2] });
    expect(classify(envelope('{"a":1}'))).toEqual({ category: "unknown-json", value: { a: 1 } });
    // A message that only resembles an alarm is not one.
    expect(classify(envelope('{"AlarmName":"x"}')).category).toBe("unknown-json");
  });
});
