import { ChatbotError, ErrorCode } from "../../src/errors";
import {
  assertDeliverableTopic,
  FIFO_TOPIC_REASON,
  isTopicArn,
  parseSubscriptionArn,
  parseTopicArn,
} from "../../src/sns/topic-arn";

function invalidReason(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ChatbotError);
    expect((error as ChatbotError).code).toBe(ErrorCode.InvalidArgument);
    return (error as ChatbotError).message;
  }
  throw new Error("expected InvalidArgument");
}

describe("parseTopicArn", () => {
  it.each([
    ["arn:aws:sns:us-east-2:123456789012:alarms", "aws", "us-east-2", "alarms"],
    ["arn:aws:sns:eu-central-1:123456789012:My_Topic-1", "aws", "eu-central-1", "My_Topic-1"],
    ["arn:aws:sns:ap-southeast-5:123456789012:t", "aws", "ap-southeast-5", "t"],
    ["arn:aws:sns:il-central-1:123456789012:t", "aws", "il-central-1", "t"],
    ["arn:aws-cn:sns:cn-north-1:123456789012:alerts", "aws-cn", "cn-north-1", "alerts"],
    ["arn:aws-cn:sns:cn-northwest-1:123456789012:alerts", "aws-cn", "cn-northwest-1", "alerts"],
    ["arn:aws-us-gov:sns:us-gov-west-1:123456789012:gov", "aws-us-gov", "us-gov-west-1", "gov"],
    ["arn:aws-us-gov:sns:us-gov-east-1:123456789012:gov", "aws-us-gov", "us-gov-east-1", "gov"],
  ])("parses %s", (arn, partition, region, name) => {
    expect(parseTopicArn(arn)).toEqual({
      arn,
      partition,
      region,
      accountId: "123456789012",
      name,
      isFifo: false,
    });
    expect(isTopicArn(arn)).toBe(true);
  });

  it("trims surrounding whitespace", () => {
    expect(parseTopicArn("  arn:aws:sns:us-east-1:123456789012:t \n").arn).toBe(
      "arn:aws:sns:us-east-1:123456789012:t",
    );
  });

  it("recognises FIFO topics", () => {
    expect(parseTopicArn("arn:aws:sns:us-east-1:123456789012:orders.fifo")).toMatchObject({
      name: "orders.fifo",
      isFifo: true,
    });
  });

  it("accepts a 256-character name and refuses 257", () => {
    const prefix = "arn:aws:sns:us-east-1:123456789012:";
    expect(parseTopicArn(`${prefix}${"a".repeat(256)}`).name).toHaveLength(256);
    expect(parseTopicArn(`${prefix}${"a".repeat(251)}.fifo`).isFifo).toBe(true);
    expect(invalidReason(() => parseTopicArn(`${prefix}${"a".repeat(257)}`))).toContain("longer than 256");
    expect(invalidReason(() => parseTopicArn(`${prefix}${"a".repeat(252)}.fifo`))).toContain(
      "longer than 256",
    );
  });

  it.each([
    ["", "it has 1 colon-separated part, a topic ARN has 6"],
    ["my-topic", "it has 1 colon-separated part, a topic ARN has 6"],
    ["arn:aws:sns:us-east-1:123456789012", "it has 5 colon-separated parts"],
    [
      "arn:aws:sns:us-east-1:123456789012:t:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      "looks like a subscription ARN",
    ],
    ["urn:aws:sns:us-east-1:123456789012:t", 'it must start with "arn:"'],
    [
      "arn:aws-iso:sns:us-iso-east-1:123456789012:t",
      'the partition "aws-iso" is not one of aws, aws-cn, aws-us-gov',
    ],
    ["arn:aws:sqs:us-east-1:123456789012:t", 'the service is "sqs", not "sns"'],
    ["arn:aws:sns::123456789012:t", "the region is missing"],
    [
      "arn:aws:sns:useast1:123456789012:t",
      'the region "useast1" is not a region of the aws partition (e.g. us-east-2)',
    ],
    ["arn:aws:sns:US-EAST-1:123456789012:t", 'the region "US-EAST-1" is not a region of the aws partition'],
    ["arn:aws:sns:cn-north-1:123456789012:t", 'the region "cn-north-1" is not a region of the aws partition'],
    [
      "arn:aws:sns:us-gov-west-1:123456789012:t",
      'the region "us-gov-west-1" is not a region of the aws partition',
    ],
    ["arn:aws-cn:sns:us-east-1:123456789012:t", "is not a region of the aws-cn partition (e.g. cn-north-1)"],
    [
      "arn:aws-us-gov:sns:us-east-1:123456789012:t",
      "is not a region of the aws-us-gov partition (e.g. us-gov-west-1)",
    ],
    ["arn:aws:sns:us-east-1:12345678901:t", 'the account id "12345678901" must be exactly 12 digits'],
    ["arn:aws:sns:us-east-1:1234567890123:t", "must be exactly 12 digits"],
    ["arn:aws:sns:us-east-1:12345678901a:t", "must be exactly 12 digits"],
    ["arn:aws:sns:us-east-1::t", 'the account id "" must be exactly 12 digits'],
    ["arn:aws:sns:us-east-1:123456789012:", "the topic name is missing"],
    ["arn:aws:sns:us-east-1:123456789012:bad name", "only letters, digits, hyphens and underscores"],
    ["arn:aws:sns:us-east-1:123456789012:dots.are.bad", "only letters, digits, hyphens and underscores"],
    ["arn:aws:sns:us-east-1:123456789012:.fifo", "only letters, digits, hyphens and underscores"],
    ["arn:aws:sns:us-east-1:123456789012:émoji", "only letters, digits, hyphens and underscores"],
  ])("refuses %j: %s", (arn, problem) => {
    const message = invalidReason(() => parseTopicArn(arn));
    expect(message).toContain(problem);
    expect(message).toContain("A topic ARN looks like arn:aws:sns:us-east-2:123456789012:my-topic");
    expect(isTopicArn(arn)).toBe(false);
  });

  it("keeps the error short for absurd input", () => {
    expect(invalidReason(() => parseTopicArn(`arn:${"x".repeat(10_000)}`)).length).toBeLessThan(500);
  });
});

describe("assertDeliverableTopic", () => {
  it("passes a standard topic through", () => {
    expect(assertDeliverableTopic("arn:aws:sns:us-east-1:123456789012:std").name).toBe("std");
    const parsed = parseTopicArn("arn:aws:sns:us-east-1:123456789012:std");
    expect(assertDeliverableTopic(parsed)).toBe(parsed);
  });

  it("refuses a FIFO topic with the reason", () => {
    const message = invalidReason(() =>
      assertDeliverableTopic("arn:aws:sns:us-east-1:123456789012:orders.fifo"),
    );
    expect(message).toContain(FIFO_TOPIC_REASON);
    expect(FIFO_TOPIC_REASON).toBe("SNS cannot deliver FIFO topics to HTTPS endpoints; use a standard topic");
  });

  it("still refuses malformed ARNs", () => {
    expect(invalidReason(() => assertDeliverableTopic("nope"))).toContain("not a valid SNS topic ARN");
  });
});

describe("parseSubscriptionArn", () => {
  it("splits a subscription ARN into its topic and id", () => {
    const arn = "arn:aws-cn:sns:cn-north-1:123456789012:alerts:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    expect(parseSubscriptionArn(arn)).toEqual({
      arn,
      subscriptionId: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      topic: {
        arn: "arn:aws-cn:sns:cn-north-1:123456789012:alerts",
        partition: "aws-cn",
        region: "cn-north-1",
        accountId: "123456789012",
        name: "alerts",
        isFifo: false,
      },
    });
  });

  it.each([
    ["pending confirmation", "a subscription ARN has 7"],
    ["arn:aws:sns:us-east-1:123456789012:t", "a subscription ARN has 7"],
    ["arn:aws:sns:us-east-1:123456789012:t:", "the subscription id is missing or malformed"],
    ["arn:aws:sns:us-east-1:123456789012:t:a b", "the subscription id is missing or malformed"],
    ["arn:aws:sns:us-east-1:1234:t:0f1e2d3c", "must be exactly 12 digits"],
  ])("refuses %j", (arn, problem) => {
    const message = invalidReason(() => parseSubscriptionArn(arn));
    expect(message).toContain(problem);
    expect(message).toContain("A subscription ARN looks like");
  });
});
