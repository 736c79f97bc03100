/**
 * What a flood of forged posts costs the real server: a topic nobody configured is refused before any
 * certificate download; for a topic we do want, 400 posts naming 400 different certificate URLs open
 * at most 4 downloads at once (counted at the fake certificate server) and the rest are answered 503
 * (SNS retries 503; a forger gets nothing); a URL that failed is not fetched again at once. Genuine
 * notifications are still stored afterwards.
 */
import { randomBytes } from "node:crypto";
import { describeEachDatabase } from "../support/databases";
import { formatLikeSns, makeNotification } from "../support/sns-signing";
import { type SnsHarness, startSnsHarness } from "./e2e-harness";

describeEachDatabase("POST /sns/events under forged posts (end to end)", (kind) => {
  let harness: SnsHarness;
  let wanted: string;

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    wanted = await harness.wantedTopic("hygiene-alarms");
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => {
    harness.sns.certificateRequests.length = 0;
    harness.sns.maxConcurrentCertificateRequests = 0;
    harness.sns.certificateBehaviour = undefined;
  });

  /** A certificate URL the server's pattern admits, different each time. */
  const freshCertUrl = () =>
    `${harness.sns.url}/SimpleNotificationService-${randomBytes(16).toString("hex")}.pem`;
  /** An envelope of the right shape with a made-up signature. */
  const unsigned = (topicArn: string, certUrl = freshCertUrl()) =>
    formatLikeSns({
      ...makeNotification({ topicArn }),
      SignatureVersion: "1",
      Signature: randomBytes(256).toString("base64"),
      SigningCertURL: certUrl,
    });

  it("refuses posts for a topic nobody configured (403) without downloading anything", async () => {
    const unknown = "arn:aws:sns:us-east-1:999999999999:not-ours";
    const answers = await Promise.all(Array.from({ length: 50 }, () => harness.post(unsigned(unknown))));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([403]));
    expect(answers[0].body.error).toBe("sns_topic_not_wanted");
    expect(harness.sns.certificateRequests).toEqual([]);
  });

  it("400 unsigned posts with distinct certificate URLs: at most 4 downloads at once, the rest 503", async () => {
    // Each download takes a moment, as a slow or hostile host would.
    harness.sns.certificateBehaviour = { delayMs: 200, status: 404, body: "" };
    // Connections left open by earlier requests (keep-alive) are not the burst's.
    const openBefore = harness.sns.openConnections;
    harness.sns.maxOpenConnections = openBefore;
    const answers = await Promise.all(Array.from({ length: 400 }, () => harness.post(unsigned(wanted))));

    expect(harness.sns.maxConcurrentCertificateRequests).toBeGreaterThan(0);
    expect(harness.sns.maxConcurrentCertificateRequests).toBeLessThanOrEqual(4);
    expect(harness.sns.maxOpenConnections - openBefore).toBeLessThanOrEqual(4);
    expect(answers.every((a) => a.status === 503 && a.body.error === "sns_certificate_fetch_failed")).toBe(
      true,
    );
    expect(await harness.app.server.db.prisma.message.count({ where: { topicArn: wanted } })).toBe(0);
  });

  it("does not fetch a failing certificate URL again at once", async () => {
    harness.sns.certificateBehaviour = { status: 500, body: "" };
    const certUrl = freshCertUrl();
    for (let i = 0; i < 5; i++) expect((await harness.post(unsigned(wanted, certUrl))).status).toBe(503);
    expect(harness.sns.certificateRequests).toHaveLength(1);
  });

  it("still stores genuine notifications, with one download of SNS's certificate", async () => {
    const answer = await harness.post(harness.sign(makeNotification({ topicArn: wanted }), "2"));
    expect(answer).toEqual({ status: 200, body: { ok: true, reason: "stored" } });
    expect(harness.sns.certificateRequests).toEqual([new URL(harness.sns.certUrl).pathname]);
  });
});
