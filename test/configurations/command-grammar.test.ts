import {
  MAX_TOPICS_PER_COMMAND,
  type ParsedCommand,
  parseAwsCommand,
  tokenize,
  USAGE,
} from "../../src/configurations/command-grammar";
import { FIFO_TOPIC_REASON } from "../../src/sns/topic-arn";

const ARN = "arn:aws:sns:us-east-2:123456789012:alarms";
const ARN_EU = "arn:aws:sns:eu-west-1:123456789012:security";

function failure(parsed: ParsedCommand) {
  if (parsed.ok) throw new Error(`expected a problem, got ${JSON.stringify(parsed.command)}`);
  return parsed;
}

describe("parseAwsCommand", () => {
  it.each(["", "   ", "help", "HELP", " help "])("%j is help", (text) => {
    expect(parseAwsCommand(text)).toEqual({ ok: true, command: { kind: "help" } });
  });

  it.each(["list", "status", "test", "delete"] as const)("%s takes no arguments", (word) => {
    expect(parseAwsCommand(word)).toEqual({ ok: true, command: { kind: word } });
    const extra = failure(parseAwsCommand(`${word} now`));
    expect(extra.problem).toBe(`\`${word}\` takes no arguments.`);
    expect(extra.usage).toBe(USAGE[word]);
  });

  it("subscribes topics of several regions, separated by spaces, commas or new lines", () => {
    const parsed = parseAwsCommand(`subscribe ${ARN},${ARN_EU}\n${ARN}`);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.command.kind !== "subscribe") throw new Error("not subscribe");
    expect(parsed.command.topics.map((t) => [t.arn, t.region])).toEqual([
      [ARN, "us-east-2"],
      [ARN_EU, "eu-west-1"],
    ]);
  });

  it("accepts ARNs pasted inside backticks, quotes or angle brackets", () => {
    expect(tokenize('subscribe `arn:a` "arn:b" <arn:c> “arn:d”')).toEqual([
      "subscribe",
      "arn:a",
      "arn:b",
      "arn:c",
      "arn:d",
    ]);
  });

  it("refuses subscribe without an ARN and says what to type", () => {
    const parsed = failure(parseAwsCommand("subscribe"));
    expect(parsed.problem).toContain("needs at least one SNS topic ARN");
    expect(parsed.usage).toBe(USAGE.subscribe);
  });

  it.each([
    ["arn:aws:sns:us-east-2:12345:alarms", "must be exactly 12 digits"],
    ["arn:aws:sns:mars-1:123456789012:alarms", 'the region "mars-1"'],
    ["arn:aws:sqs:us-east-2:123456789012:alarms", 'the service is "sqs"'],
    ["arn:azure:sns:us-east-2:123456789012:alarms", 'the partition "azure"'],
    ["arn:aws:sns:us-east-2:123456789012:bad!name", "letters, digits, hyphens and underscores"],
    ["alarms", "colon-separated part"],
  ])("refuses the malformed ARN %s, naming the problem", (arn, problem) => {
    const parsed = failure(parseAwsCommand(`subscribe ${ARN} ${arn}`));
    expect(parsed.problem).toContain(problem);
    expect(parsed.problem).toContain("A topic ARN looks like");
    expect(parsed.problem).toContain("Nothing was subscribed.");
  });

  it("refuses FIFO topics with the reason", () => {
    const parsed = failure(parseAwsCommand("subscribe arn:aws:sns:us-east-1:123456789012:orders.fifo"));
    expect(parsed.problem).toContain(FIFO_TOPIC_REASON);
  });

  it("lets a FIFO topic be unsubscribed (it could only be there from before)", () => {
    const parsed = parseAwsCommand("unsubscribe arn:aws:sns:us-east-1:123456789012:orders.fifo");
    expect(parsed.ok && parsed.command.kind).toBe("unsubscribe");
  });

  it(`takes at most ${MAX_TOPICS_PER_COMMAND} topics at once`, () => {
    const many = Array.from({ length: MAX_TOPICS_PER_COMMAND + 1 }, (_, i) => `${ARN}${i}`).join(" ");
    expect(failure(parseAwsCommand(`subscribe ${many}`)).problem).toContain(
      `at most ${MAX_TOPICS_PER_COMMAND}`,
    );
  });

  it("names an unknown subcommand and asks for help", () => {
    const parsed = failure(parseAwsCommand("subscrbe arn:aws:sns:us-east-1:123456789012:x"));
    expect(parsed).toMatchObject({ problem: "`subscrbe` is not a command I know.", unknown: true });
  });

  describe("role", () => {
    it("sets a role ARN, with or without a path", () => {
      for (const arn of [
        "arn:aws:iam::123456789012:role/ChatbotRole",
        "arn:aws:iam::123456789012:role/service-role/chatbot/Chatbot+Role=1,.@-_",
        "arn:aws-cn:iam::123456789012:role/cn",
      ]) {
        expect(parseAwsCommand(`role ${arn}`)).toEqual({
          ok: true,
          command: { kind: "role-set", roleArn: arn },
        });
      }
    });

    it("clears the role with none", () => {
      expect(parseAwsCommand("role none")).toEqual({ ok: true, command: { kind: "role-none" } });
      expect(parseAwsCommand("role NONE")).toEqual({ ok: true, command: { kind: "role-none" } });
    });

    it("asks for a template by role name", () => {
      expect(parseAwsCommand("role template AWSChatbot-Notifications")).toEqual({
        ok: true,
        command: { kind: "role-template", roleName: "AWSChatbot-Notifications" },
      });
    });

    it.each([
      ["role", "needs an IAM role ARN"],
      ["role template", "needs the name of the role"],
      ["role template my role", "cannot contain spaces"],
      ["role template bad/name", "characters a role name cannot have"],
      ["role template bad#name", "characters a role name cannot have"],
      [`role template ${"a".repeat(65)}`, "at most 64"],
      ["role arn:aws:iam::12345:role/x", "must be exactly 12 digits"],
      ["role arn:aws:iam:us-east-1:123456789012:role/x", "IAM ARNs have no region"],
      ["role arn:aws:iam::123456789012:user/x", "the resource must be role/NAME"],
      ["role arn:aws:iam::123456789012:role/bad name", "takes one role ARN"],
      ["role arn:aws:iam::123456789012:role/bad!name", "characters a role name cannot have"],
      ["role none please", "takes nothing after"],
    ])("%j is refused: %s", (text, problem) => {
      const parsed = failure(parseAwsCommand(text));
      expect(parsed.problem).toContain(problem);
      expect(parsed.usage).toBe(USAGE.role);
    });
  });
});
