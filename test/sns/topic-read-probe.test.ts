/**
 * Role proof's AWS half against the loopback fakes: sts:AssumeRole with the ExternalId (fake STS),
 * then sns:GetTopicAttributes signed with the role's credentials (fake SNS with a topic read policy).
 * Each failure names the call that failed and AWS's reason; nothing throws.
 */
import { RoleCredentialsCache } from "../../src/charts/role-credentials";
import { parseTopicArn } from "../../src/sns/topic-arn";
import { RoleTopicProbe } from "../../src/sns/topic-read-probe";
import { type FakeSts, startFakeSts } from "../support/fake-aws-charts";
import { type FakeSns, startFakeSns } from "../support/fake-sns";

const ROLE = "arn:aws:iam::111122223333:role/Proof";
const EXTERNAL_ID = "awschatbot-0123456789abcdef0123456789abcdef";
const TOPIC = parseTopicArn("arn:aws:sns:eu-west-1:111122223333:alarms");

describe("RoleTopicProbe", () => {
  let sts: FakeSts;
  let sns: FakeSns;
  let credentials: RoleCredentialsCache;
  let probe: RoleTopicProbe;

  beforeEach(async () => {
    sts = await startFakeSts();
    sns = await startFakeSns();
    sns.createTopic(TOPIC.arn);
    sts.requireExternalId(ROLE, EXTERNAL_ID);
    credentials = new RoleCredentialsCache({ endpoint: sts.url });
    probe = new RoleTopicProbe({ credentials, snsEndpoint: sns.url });
  });
  afterEach(async () => {
    credentials.destroy();
    await sns.close();
    await sts.close();
  });

  const role = { roleArn: ROLE, externalId: EXTERNAL_ID };

  it("reads the topic with the role's own credentials, in the topic's region", async () => {
    sns.restrictTopicReaders(TOPIC.arn, (key) => sts.issued.get(key ?? "")?.roleArn === ROLE);
    expect(await probe.canRead(role, TOPIC, "proof-T1")).toEqual({ ok: true });
    const [assume] = sts.assumeRoleCalls();
    expect(assume.params).toMatchObject({
      RoleArn: ROLE,
      ExternalId: EXTERNAL_ID,
      RoleSessionName: "aws-chatbot-proof-T1",
    });
    const [read] = sns.callsOf("GetTopicAttributes");
    expect(read).toMatchObject({ signingRegion: "eu-west-1", params: { TopicArn: TOPIC.arn } });
    expect(read.accessKeyId).toMatch(/^ASIA/);
  });

  it("a role that does not trust this ExternalId: sts:AssumeRole failed, SNS never called", async () => {
    const outcome = await probe.canRead({ ...role, externalId: "awschatbot-other" }, TOPIC, "proof-T2");
    expect(outcome).toMatchObject({ ok: false, failedCall: "sts:AssumeRole" });
    expect(outcome.ok ? "" : outcome.reason).toContain("AccessDenied");
    expect(sns.callsOf("GetTopicAttributes")).toHaveLength(0);
  });

  it("a topic policy that denies the role: sns:GetTopicAttributes failed with AWS's reason", async () => {
    sns.restrictTopicReaders(TOPIC.arn, () => false);
    const outcome = await probe.canRead(role, TOPIC, "proof-T1");
    expect(outcome).toMatchObject({ ok: false, failedCall: "sns:GetTopicAttributes" });
    expect(outcome.ok ? "" : outcome.reason).toContain("AuthorizationError");
  });

  it("a topic that does not exist, and an STS that cannot be reached, are failures, not exceptions", async () => {
    const missing = parseTopicArn("arn:aws:sns:eu-west-1:111122223333:gone");
    expect(await probe.canRead(role, missing, "proof-T1")).toMatchObject({
      ok: false,
      failedCall: "sns:GetTopicAttributes",
      reason: expect.stringContaining("NotFound"),
    });
    await sts.close();
    const fresh = new RoleCredentialsCache({ endpoint: sts.url });
    const unreachable = new RoleTopicProbe({ credentials: fresh, snsEndpoint: sns.url });
    expect(await unreachable.canRead(role, TOPIC, "proof-T3")).toMatchObject({
      ok: false,
      failedCall: "sts:AssumeRole",
    });
    fresh.destroy();
  });
});
