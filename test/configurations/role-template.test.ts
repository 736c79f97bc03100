import { randomBytes } from "node:crypto";
import { EXTERNAL_ID_PREFIX, ExternalIds } from "../../src/configurations/external-id";
import {
  NOTIFICATIONS_POLICY_NAME,
  PRINCIPAL_PLACEHOLDER,
  roleTemplate,
} from "../../src/configurations/role-template";

describe("roleTemplate", () => {
  const template = roleTemplate({ roleName: "AWSChatbot-Notify", externalId: "awschatbot-0123456789abcdef" });

  const notifications = {
    Sid: "AWSChatbotNotificationsOnly",
    Effect: "Allow",
    Action: ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"],
    Resource: "*",
  };

  it("grants the Notification permissions (cloudwatch Describe/Get/List on *) and the role proof's topic read", () => {
    const policy = JSON.parse(template.permissionsPolicy);
    expect(policy).toEqual({
      Version: "2012-10-17",
      Statement: [
        notifications,
        // No topics known: any topic (the role reads only its own account's unless a topic allows more).
        {
          Sid: "AWSChatbotReadTopics",
          Effect: "Allow",
          Action: "sns:GetTopicAttributes",
          Resource: "arn:aws:sns:*:*:*",
        },
      ],
    });
  });

  it("lets the role read exactly the workspace's topics it proves access to (sns:GetTopicAttributes)", () => {
    const topics = [
      "arn:aws:sns:us-east-2:111122223333:alarms",
      "arn:aws:sns:eu-west-1:111122223333:findings",
      "arn:aws:sns:us-east-2:111122223333:alarms",
    ];
    const withTopics = roleTemplate({ roleName: "r", externalId: "e", topicArns: topics });
    expect(JSON.parse(withTopics.permissionsPolicy).Statement).toEqual([
      notifications,
      {
        Sid: "AWSChatbotReadTopics",
        Effect: "Allow",
        Action: "sns:GetTopicAttributes",
        Resource: [topics[1], topics[0]],
      },
    ]);
    const yaml = withTopics.cloudFormation;
    expect(yaml).toContain(
      `                Action: sns:GetTopicAttributes\n                Resource:\n                  - "${topics[1]}"\n                  - "${topics[0]}"`,
    );
    // Without topics, CloudFormation narrows it to the account the stack runs in.
    expect(template.cloudFormation).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's !Sub syntax.
      '                Resource: !Sub "arn:${AWS::Partition}:sns:*:${AWS::AccountId}:*"',
    );
  });

  it("trusts the deployment's principal (a placeholder offline) only with the workspace's ExternalId", () => {
    expect(template.principalKnown).toBe(false);
    expect(JSON.parse(template.trustPolicy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: PRINCIPAL_PLACEHOLDER },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "awschatbot-0123456789abcdef" } },
        },
      ],
    });
    const known = roleTemplate({
      roleName: "r",
      externalId: "e",
      principalArn: "arn:aws:iam::111122223333:role/bot",
    });
    expect(known.principalKnown).toBe(true);
    expect(JSON.parse(known.trustPolicy).Statement[0].Principal.AWS).toBe(
      "arn:aws:iam::111122223333:role/bot",
    );
  });

  it("has a CloudFormation template creating the named role with the policy inline", () => {
    const yaml = template.cloudFormation;
    expect(yaml).toContain('RoleName: "AWSChatbot-Notify"');
    expect(yaml).toContain(`PolicyName: ${NOTIFICATIONS_POLICY_NAME}`);
    expect(yaml).toContain('sts:ExternalId: "awschatbot-0123456789abcdef"');
    expect(yaml).toContain("AWS: !Ref ChatbotPrincipalArn");
    expect(yaml).toContain(`Default: "${PRINCIPAL_PLACEHOLDER}"`);
    for (const action of ["cloudwatch:Describe*", "cloudwatch:Get*", "cloudwatch:List*"]) {
      expect(yaml).toContain(`- "${action}"`);
    }
    // Block YAML: two-space indentation, no tabs.
    for (const line of yaml.split("\n")) {
      expect(line).not.toContain("\t");
      expect((line.length - line.trimStart().length) % 2).toBe(0);
    }
  });
});

describe("ExternalIds", () => {
  it("derives one stable, unguessable id per workspace from the key", () => {
    const key = randomBytes(32);
    const ids = new ExternalIds(key);
    const id = ids.derive("T0001");
    expect(id).toMatch(new RegExp(`^${EXTERNAL_ID_PREFIX}[0-9a-f]{32}$`));
    expect(new ExternalIds(Buffer.from(key)).derive("T0001")).toBe(id);
    expect(ids.derive("T0002")).not.toBe(id);
    expect(new ExternalIds(randomBytes(32)).derive("T0001")).not.toBe(id);
    // AWS: 2–1224 characters of [\w+=,.@:/-].
    expect(id).toMatch(/^[\w+=,.@:/-]{2,1224}$/);
  });
});
