/**
 * A webhook whose error page repeats the URL it was posted to (path, token, whole URL, encoded):
 * nothing of the URL's path or query reaches a log line, a delivery's recorded error (dead letters)
 * or what `/aws status` shows (DeliveryControl.statusOf), on SQLite and PostgreSQL.
 */
import { randomUUID } from "node:crypto";
import { addChimeRoom, type Harness, startHarness } from "../delivery/harness";
import { eventually, topicArn } from "../delivery/world";
import { describeEachDatabase } from "../support/databases";
import { type FakeWebhooks, startFakeWebhooks } from "../support/fake-webhooks";

const TOKEN = "SeCrEtToKeN0123456789abcdef";

describeEachDatabase("webhook secrets in error answers", (kind) => {
  let h: Harness;
  let webhooks: FakeWebhooks;

  beforeEach(async () => {
    webhooks = await startFakeWebhooks();
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.stop();
    await webhooks.close();
  });

  it("redacts the URL's path and token from logs, dead-letter reasons and the status", async () => {
    const roomPath = `/incomingwebhooks/${randomUUID()}`;
    const url = webhooks.urlFor(`${roomPath}?token=${TOKEN}`);
    const echo = (status: number) => ({
      status,
      body: `bad request token=${roomPath}?token=${TOKEN} for ${url} (${encodeURIComponent(`${roomPath}?token=${TOKEN}`)}) path ${roomPath} token ${TOKEN}`,
    });
    // A 500 (retried, logged) and then a 400 (dead letter at once).
    webhooks.answerNext(roomPath, echo(500));
    webhooks.answerNext(roomPath, echo(400));
    const topic = topicArn("echoing-room");
    const roomId = await addChimeRoom(h, url, topic);

    expect(await h.publish(topic, "the room will refuse this")).toBe(200);
    await eventually(
      "dead-lettered",
      async () =>
        (await h.prisma.delivery.findFirst({ where: { configurationId: roomId } }))?.status === "dead",
      10_000,
    );
    expect(webhooks.postsTo(roomPath).map((post) => post.status)).toEqual([500, 400]);

    const delivery = await h.prisma.delivery.findFirstOrThrow({ where: { configurationId: roomId } });
    const status = await h.app.server.delivery.statusOf(roomId);
    const logs = h.app.logs();
    // The answer was quoted (so the test would see a leak), but only with the secrets redacted.
    expect(delivery.lastError).toMatch(/^webhook_400: the webhook refused the message \(400\): bad request/);
    expect(logs).toContain("webhook post failed");
    for (const [where, text] of [
      ["dead-letter reason", delivery.lastError ?? ""],
      ["status", JSON.stringify(status)],
      ["logs", logs],
    ]) {
      expect({ where, leaks: text.includes(TOKEN) || text.includes(roomPath) }).toEqual({
        where,
        leaks: false,
      });
    }
  });
});
