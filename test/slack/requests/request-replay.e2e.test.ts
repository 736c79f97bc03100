/**
 * Slack requests over HTTP against the real server: the 5-minute window in both directions, replays
 * refused, Slack's retries of a request already taken answered 200 without running it twice, and a
 * database that does not answer turned into a prompt 503 with a log line (PostgreSQL: a lock held
 * by another connection), on SQLite and PostgreSQL.
 */
import { Client } from "pg";
import { describeEachDatabase } from "../../support/databases";
import { TEST_SIGNING_SECRET } from "../../support/server";
import { appHomeOpenedEvent, eventCallback } from "../../support/slack-payloads";
import { postEvent, postSignedSlackRequest, postSlashCommand } from "../../support/slack-signing";
import { slackHarnessForEachTest, waitUntil } from "../slack-harness";

describeEachDatabase("Slack request window and replays", (kind) => {
  const h = slackHarnessForEachTest(kind);

  const homeOpened = () => JSON.stringify(eventCallback(appHomeOpenedEvent()));
  const post = (body: string, timestampSeconds: number, retryNum?: number) =>
    postSignedSlackRequest(h.app.url, TEST_SIGNING_SECRET, body, "application/json", {
      timestampSeconds,
      retryNum,
    });
  const publishes = () => h.slack.calls("views.publish").length;

  it("refuses a slash command signed a day in the future, and one signed 6 minutes ahead", async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [24 * 3600, 6 * 60]) {
      const responseUrl = h.slack.responseUrl();
      const answer = await postSlashCommand(
        h.app.url,
        TEST_SIGNING_SECRET,
        { text: "help", response_url: responseUrl },
        { timestampSeconds: now + ahead },
      );
      expect(answer.status).toBe(401);
    }
    expect(h.app.logs()).toContain("ahead of our clock");
    // A correct request still works, and the refused ones left no reply behind.
    expect(JSON.stringify(await h.command("help"))).toContain("subscribe");
    expect(h.slack.responses()).toHaveLength(1);
  });

  it("runs a request once: its replay gets 401, Slack's retry of it gets 200 and X-Slack-No-Retry", async () => {
    const body = homeOpened();
    const now = Math.floor(Date.now() / 1000);
    expect((await post(body, now)).status).toBe(200);
    await waitUntil(() => publishes() === 1);

    expect((await post(body, now)).status).toBe(401);
    const retry = await post(body, now, 1);
    expect(retry.status).toBe(200);
    expect(retry.headers["x-slack-no-retry"]).toBe("1");
    expect(h.app.logs()).toContain("a replay of a request already taken");

    // A later event is processed; the replay and the retry ran nothing.
    expect((await h.event(appHomeOpenedEvent())).status).toBe(200);
    await waitUntil(() => publishes() === 2);
    expect(publishes()).toBe(2);
    expect(await h.app.server.db.prisma.slackRequestReplay.count()).toBe(2);
  });

  it("takes two different requests signed in the same second", async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await post(homeOpened(), now)).status).toBe(200);
    expect((await post(homeOpened(), now)).status).toBe(200);
    await waitUntil(() => publishes() === 2);
  });

  it("refuses a request whose headers are signed for another body (401), and malformed bodies", async () => {
    const answer = await postEvent(h.app.url, TEST_SIGNING_SECRET, appHomeOpenedEvent(), {
      signature: "bad",
    });
    expect(answer.status).toBe(401);
    const huge = await post("x".repeat(5 * 1024 * 1024), Math.floor(Date.now() / 1000));
    expect(huge.status).toBe(413);
    expect(await h.app.server.db.prisma.slackRequestReplay.count()).toBe(0);
  });

  if (kind === "postgres") {
    it("answers 503 within the store's timeout while the table is locked, then takes Slack's retry", async () => {
      const locker = new Client({ connectionString: h.app.testDb.url });
      await locker.connect();
      try {
        await locker.query("BEGIN");
        await locker.query('LOCK TABLE "SlackRequestReplay" IN ACCESS EXCLUSIVE MODE');
        const body = homeOpened();
        const now = Math.floor(Date.now() / 1000);
        const started = Date.now();
        const answer = await post(body, now);
        expect(answer.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(2_900);
        expect(h.app.logs()).toContain("the replay check could not reach the database");
        await locker.query("ROLLBACK");
        // The late write is undone, so Slack's retry is processed rather than taken for a replay.
        await waitUntil(() => h.app.logs().includes("its retry will run"));
        expect(await h.app.server.db.prisma.slackRequestReplay.count()).toBe(0);
        const retry = await post(body, now, 1);
        expect(retry.status).toBe(200);
        await waitUntil(() => publishes() === 1);
      } finally {
        await locker.end();
      }
    });
  }
});
