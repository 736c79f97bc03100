import {
  parseWebhookDescription,
  parseWebhookRoleArn,
  webhookRoleNameProblem,
} from "../../src/webhooks/webhook-fields";

describe("parseWebhookDescription", () => {
  it("takes Chat_room_name/Webhook_name, trimming each part", () => {
    expect(parseWebhookDescription(" Ops room / Alarms ")).toEqual({
      description: "Ops room/Alarms",
      room: "Ops room",
      webhook: "Alarms",
    });
  });

  it.each([
    ["", /is empty/],
    ["OpsRoom", /no `\/` between/],
    ["Ops/Room/Alarms", /2 `\/` characters; it needs exactly one/],
    ["/Alarms", /no chat room name/],
    ["Ops/ ", /no webhook name/],
    ["Ops\n/Alarms", /control characters/],
    [`${"r".repeat(200)}/${"w".repeat(60)}`, /at most 255/],
  ])("refuses %j, saying how to write it", (input, problem) => {
    expect(() => parseWebhookDescription(input)).toThrow(problem);
    expect(() => parseWebhookDescription(input)).toThrow(
      /Chat_room_name\/Webhook_name, e\.g\. "Ops-room\/Alarms"/,
    );
  });
});

describe("webhook role validation (role names of letters and digits only)", () => {
  it("accepts an ARN whose name has only letters and digits, path included", () => {
    expect(parseWebhookRoleArn("arn:aws:iam::123456789012:role/service/ChimeCharts2")).toMatchObject({
      accountId: "123456789012",
      path: "/service/",
      name: "ChimeCharts2",
    });
    expect(parseWebhookRoleArn(" arn:aws-cn:iam::123456789012:role/Charts ").partition).toBe("aws-cn");
  });

  it("refuses names a Slack channel's role may have but a webhook's may not", () => {
    expect(webhookRoleNameProblem("chime-charts")).toMatch(/only letters and digits/);
    expect(() => parseWebhookRoleArn("arn:aws:iam::123456789012:role/chime_charts")).toThrow(
      /only letters and digits/,
    );
    expect(() => parseWebhookRoleArn("arn:aws:iam::123456789012:role/chime_charts")).toThrow(
      /looks like arn:aws:iam::123456789012:role\/AWSChatbotChimeNotifications/,
    );
    expect(() => parseWebhookRoleArn(`arn:aws:iam::123456789012:role/${"a".repeat(65)}`)).toThrow(
      /at most 64/,
    );
  });

  it("asks for the ARN when given a bare role name, and says what is wrong with other ARNs", () => {
    expect(() => parseWebhookRoleArn("ChimeCharts")).toThrow(/is a role name; give the role's full ARN/);
    expect(() => parseWebhookRoleArn("arn:aws:iam::12345:role/Charts")).toThrow(/exactly 12 digits/);
    expect(() => parseWebhookRoleArn("arn:aws:s3:::bucket")).toThrow(/not "iam"/);
  });
});
