import {
  assertChimeRoleName,
  assertSlackRoleName,
  chimeRoleNameProblem,
  parseIamRoleArn,
  roleArnFor,
  slackRoleNameProblem,
} from "../../src/configurations/iam-role";
import { ChatbotError, ErrorCode } from "../../src/errors";

describe("role names", () => {
  it.each(["a", "AWSChatbot", "chatbot+role=1,x.y@z-w_v", "x".repeat(64)])(
    "%s is a valid Slack role name",
    (name) => {
      expect(slackRoleNameProblem(name)).toBeUndefined();
      expect(assertSlackRoleName(name)).toBe(name);
    },
  );

  it.each([
    ["", "empty"],
    ["x".repeat(65), "at most 64"],
    ["has space", "cannot have"],
    ["slash/name", "cannot have"],
    ["colon:name", "cannot have"],
    ["émoji", "cannot have"],
  ])("%j is not a valid Slack role name (%s)", (name, problem) => {
    expect(slackRoleNameProblem(name)).toContain(problem);
    expect(() => assertSlackRoleName(name)).toThrow(ChatbotError);
  });

  it("Chime role names take letters and digits only", () => {
    expect(chimeRoleNameProblem("ChimeRole1")).toBeUndefined();
    expect(assertChimeRoleName("ChimeRole1")).toBe("ChimeRole1");
    for (const name of ["chime-role", "chime_role", "a.b", "a@b", "a+b"]) {
      expect(chimeRoleNameProblem(name)).toContain("only letters and digits");
      expect(slackRoleNameProblem(name)).toBeUndefined();
    }
    expect(chimeRoleNameProblem("x".repeat(65))).toContain("at most 64");
  });
});

describe("parseIamRoleArn", () => {
  it("splits account, path and name", () => {
    expect(parseIamRoleArn(" arn:aws-us-gov:iam::123456789012:role/a/b/Chatbot ")).toEqual({
      arn: "arn:aws-us-gov:iam::123456789012:role/a/b/Chatbot",
      partition: "aws-us-gov",
      accountId: "123456789012",
      path: "/a/b/",
      name: "Chatbot",
    });
  });

  it.each([
    "role/Chatbot",
    "arn:aws:iam::123456789012:role/",
    "arn:aws:iam::123456789012:role//x",
    "arn:aws:s3::123456789012:role/x",
    "arn:aws:iam::1234567890123:role/x",
    `arn:aws:iam::123456789012:role/${"x".repeat(65)}`,
  ])("refuses %s with an InvalidArgument that shows a valid ARN", (arn) => {
    try {
      parseIamRoleArn(arn);
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(ChatbotError);
      expect((error as ChatbotError).code).toBe(ErrorCode.InvalidArgument);
      expect((error as ChatbotError).message).toContain(
        "arn:aws:iam::123456789012:role/AWSChatbotNotifications",
      );
    }
  });

  it("builds the ARN of a template role", () => {
    expect(roleArnFor("aws", "123456789012", "Chatbot")).toBe("arn:aws:iam::123456789012:role/Chatbot");
  });
});
