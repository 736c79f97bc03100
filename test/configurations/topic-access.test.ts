/**
 * The TOPIC_ACCESS decisions as pure functions: who may subscribe which accounts' topics, who may
 * receive them at ingest, and what a refused or proved subscribe tells the person.
 */
import {
  decideTopicAccess,
  mayReceive,
  OPERATOR_TEAM_ID,
  type RoleProofOutcome,
  TopicAccess,
} from "../../src/configurations/topic-access";
import type { PrismaClient } from "../../src/db/database";
import { createLogger } from "../../src/logger";
import { parseTopicArn } from "../../src/sns/topic-arn";
import { CLI_TEAM_ID } from "../../src/webhooks";

const A = parseTopicArn("arn:aws:sns:us-east-1:111122223333:alarms");
const A2 = parseTopicArn("arn:aws:sns:eu-west-1:111122223333:security");
const B = parseTopicArn("arn:aws:sns:us-east-1:444455556666:billing");

describe("decideTopicAccess", () => {
  it("linked: allowed only when every topic's account is linked; names each missing account once, sorted", () => {
    const decide = (linked: string[], topics = [B, A, A2]) =>
      decideTopicAccess({ policy: "linked", teamId: "T1", topics, linked: new Set(linked) });
    expect(decide([])).toEqual({ allowed: false, unlinkedAccounts: ["111122223333", "444455556666"] });
    expect(decide(["444455556666"])).toEqual({ allowed: false, unlinkedAccounts: ["111122223333"] });
    expect(decide(["111122223333", "444455556666"])).toEqual({ allowed: true });
    expect(decide([], [])).toEqual({ allowed: true });
  });

  it("any: every workspace may subscribe every topic", () => {
    expect(decideTopicAccess({ policy: "any", teamId: "T1", topics: [A, B], linked: new Set() })).toEqual({
      allowed: true,
    });
  });

  it("the operator CLI's configurations are trusted, and no Slack team id can pose as it", () => {
    expect(OPERATOR_TEAM_ID).toBe(CLI_TEAM_ID);
    expect(
      decideTopicAccess({ policy: "linked", teamId: CLI_TEAM_ID, topics: [A], linked: new Set() }),
    ).toEqual({
      allowed: true,
    });
    expect(
      decideTopicAccess({ policy: "linked", teamId: "Tcli", topics: [A], linked: new Set() }).allowed,
    ).toBe(false);
  });
});

describe("mayReceive (ingest fan-out)", () => {
  const links = new Set(["T1:111122223333"]);
  const linked = (teamId: string, accountId: string) => links.has(`${teamId}:${accountId}`);
  it.each([
    ["linked", "T1", "111122223333", true],
    ["linked", "T2", "111122223333", false],
    ["linked", "T1", "444455556666", false],
    ["linked", CLI_TEAM_ID, "444455556666", true],
    ["any", "T2", "444455556666", true],
  ] as const)("%s: team %s, account %s → %s", (policy, teamId, accountId, expected) => {
    expect(mayReceive(policy, teamId, accountId, linked)).toBe(expected);
  });
});

describe("what people are told", () => {
  // The texts need no storage: a Prisma client is never touched by refusal / proofNote.
  const access = new TopicAccess({
    prisma: {} as PrismaClient,
    policy: "linked",
    logger: createLogger({ level: "silent" }),
    command: "/chatbot",
  });

  it("a refusal names the accounts, changes nothing, and gives both ways with this workspace's id", () => {
    const text = access.refusal("T0TEAMB", ["111122223333", "444455556666"]);
    expect(text).toContain("Nothing was changed: AWS accounts 111122223333, 444455556666 are not linked");
    expect(text).toContain("npx chatbot accounts link --team T0TEAMB --account 111122223333");
    expect(text).toContain("/chatbot role arn:aws:iam::111122223333:role/NAME");
    expect(text).toContain("sns:GetTopicAttributes");
  });

  it("a failed AssumeRole shows the trust policy with the workspace's ExternalId", () => {
    const failed: RoleProofOutcome = {
      kind: "failed",
      accountId: "111122223333",
      topicArn: A.arn,
      failedCall: "sts:AssumeRole",
      reason: "AccessDenied: not authorized",
    };
    const text = access.refusal("T0TEAMB", ["111122223333"], failed, "awschatbot-abc");
    expect(text).toContain("sts:AssumeRole failed: AccessDenied: not authorized");
    expect(text).toContain('"sts:ExternalId":"awschatbot-abc"');
    expect(text).toContain('"Action":"sts:AssumeRole"');
  });

  it("a failed GetTopicAttributes says which topic and what to allow", () => {
    const note = access.proofNote(
      {
        kind: "failed",
        accountId: "111122223333",
        topicArn: A.arn,
        failedCall: "sns:GetTopicAttributes",
        reason: "AuthorizationError: denied",
      },
      "awschatbot-abc",
    );
    expect(note).toContain(`sns:GetTopicAttributes on ${A.arn} failed: AuthorizationError: denied`);
    expect(note).toContain(
      `{"Sid":"AWSChatbotReadTopics","Effect":"Allow","Action":"sns:GetTopicAttributes","Resource":"${A.arn}"}`,
    );
    expect(note).not.toContain("sts:AssumeRole failed");
  });

  it("after setting a role: linked, nothing to prove with yet, or nothing to say", () => {
    expect(access.proofNote({ kind: "linked", accountId: "111122223333", topicArn: A.arn }, null)).toContain(
      "AWS account 111122223333 is now linked to this workspace",
    );
    expect(access.proofNote({ kind: "no_topic", accountId: "111122223333" }, null)).toContain(
      "`/chatbot subscribe` a topic of it",
    );
    expect(access.proofNote({ kind: "already_linked", accountId: "111122223333" }, null)).toBeUndefined();
    expect(access.proofNote({ kind: "not_needed" }, null)).toBeUndefined();
  });
});
