/**
 * What POST /sns/events stores, on the real server and a real database: each MessageId once, text
 * the database could refuse made storable, and one message the database refuses never failing the
 * others committed in the same group.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { describeEachDatabase } from "../support/databases";
import { makeNotification } from "../support/sns-signing";
import { type SnsHarness, startSnsHarness } from "./e2e-harness";

describeEachDatabase("POST /sns/events storage (end to end)", (kind) => {
  let harness: SnsHarness;
  let wanted: string;

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    wanted = await harness.wantedTopic("storage");
    // Two channels want the topic: each stored message gets two deliveries.
    await harness.addConfiguration(wanted);
  });
  afterAll(async () => {
    await harness.stop();
  });

  function rowsFor(snsMessageId: string) {
    return harness.app.server.db.prisma.message.findMany({
      where: { snsMessageId },
      include: { deliveries: true },
    });
  }

  it("stores one message and one delivery per channel for a MessageId posted twice, answering 200 both times", async () => {
    const envelope = makeNotification({ topicArn: wanted, message: "said twice" });
    const body = harness.sign(envelope, "1");
    expect(await harness.post(body)).toEqual({ status: 200, body: { ok: true, reason: "stored" } });
    expect(await harness.post(body)).toEqual({ status: 200, body: { ok: true, reason: "duplicate" } });
    // SNS retrying while the first attempt is still in flight: all at once.
    const concurrent = makeNotification({ topicArn: wanted, message: "said five times at once" });
    const concurrentBody = harness.sign(concurrent, "2");
    const answers = await Promise.all(Array.from({ length: 5 }, () => harness.post(concurrentBody)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.body.reason === "stored")).toHaveLength(1);

    for (const messageId of [envelope.MessageId, concurrent.MessageId]) {
      const rows = await rowsFor(messageId as string);
      expect(rows).toHaveLength(1);
      expect(rows[0].deliveries).toHaveLength(2);
    }
  });

  it("stores text PostgreSQL or Prisma would refuse (NUL, lone surrogates) with U+FFFD in their place", async () => {
    const envelope = makeNotification({
      topicArn: wanted,
      subject: "disk \ud800 full",
      message: '{"AlarmName":"nul\u0000inside"}',
    });
    const answer = await harness.post(harness.sign(envelope, "2"));
    expect(answer).toEqual({ status: 200, body: { ok: true, reason: "stored" } });
    const [row] = await rowsFor(envelope.MessageId as string);
    expect(row).toMatchObject({ subject: "disk \ufffd full", body: '{"AlarmName":"nul\ufffdinside"}' });
    expect(row.deliveries).toHaveLength(2);
    // Well-formed text, astral characters included, is stored exactly as sent.
    const exact = makeNotification({
      topicArn: wanted,
      subject: "Ünïcödé 😀",
      message: "line 1\nline 2\u2028",
    });
    expect((await harness.post(harness.sign(exact, "1"))).status).toBe(200);
    expect((await rowsFor(exact.MessageId as string))[0]).toMatchObject({
      subject: "Ünïcödé 😀",
      body: "line 1\nline 2\u2028",
    });
  });

  it("a message the database refuses fails alone, not the group it was committed with", async () => {
    // An incompressible 12 000-character MessageId exceeds PostgreSQL's btree entry limit (SQLSTATE
    // 54000) on the unique index; SQLite has no such limit. SNS's own ids are UUIDs.
    const oversized = randomBytes(9_000).toString("base64");
    const good = Array.from({ length: 5 }, () => randomUUID());
    const notification = (snsMessageId: string) => ({
      snsMessageId,
      topicArn: wanted,
      message: "grouped",
      snsTimestamp: new Date().toISOString(),
    });
    // Queued in one tick, so the ingest commits them as one group.
    const outcomes = await Promise.allSettled(
      [good[0], good[1], oversized, good[2], good[3], good[4]].map((id) =>
        harness.app.server.ingest.ingest(notification(id)),
      ),
    );
    const byId = (id: string) =>
      outcomes[[good[0], good[1], oversized, good[2], good[3], good[4]].indexOf(id)];
    for (const id of good) {
      expect(byId(id)).toEqual({ status: "fulfilled", value: { outcome: "stored", deliveries: 2 } });
      expect(await rowsFor(id)).toHaveLength(1);
    }
    if (kind === "postgres") {
      expect(byId(oversized).status).toBe("rejected");
      expect(await rowsFor(oversized)).toEqual([]);
      expect(harness.app.logs()).toContain("a notification's data was refused: storing one by one");
    } else {
      expect(byId(oversized)).toEqual({ status: "fulfilled", value: { outcome: "stored", deliveries: 2 } });
    }
  });
});
