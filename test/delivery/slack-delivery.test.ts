/**
 * The duplicate window after a post: Slack accepted it, then recording its ts failed (the database
 * away). The delivery comes back to this process after its lease; it is recorded with the ts it
 * got, not posted a second time.
 */
import type { Database } from "../../src/db/database";
import { openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { DeliveryMetrics } from "../../src/delivery/delivery-metrics";
import { FailureRecorder } from "../../src/delivery/failure-recorder";
import { notificationOf } from "../../src/delivery/message-render";
import { DEFAULT_DELIVERY_SETTINGS } from "../../src/delivery/settings";
import { SlackDelivery } from "../../src/delivery/slack-delivery";
import type { SlackPost } from "../../src/delivery/targets/slack";
import { WorkspaceStatus } from "../../src/delivery/workspace-status";
import { Metrics } from "../../src/http/metrics";
import { createLogger } from "../../src/logger";
import type { Completion } from "../../src/outbox/completions";
import type { LoadedDelivery } from "../../src/outbox/leases";
import { createTestDatabase, type TestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";

const silent = createLogger({ level: "silent" });

const delivery: LoadedDelivery = {
  id: "delivery-1",
  attempts: 0,
  configurationId: "configuration-1",
  postedTs: null,
  digestId: null,
  createdAt: new Date(),
  message: {
    snsMessageId: "sns-message-1",
    topicArn: "arn:aws:sns:us-east-1:123456789012:ops",
    subject: "Deploy finished",
    body: "deploy 42 finished",
    snsTimestamp: new Date().toISOString(),
  },
  configuration: {
    id: "configuration-1",
    kind: "slack",
    name: "ops",
    teamId: "T0DUP",
    enterpriseId: null,
    channelId: "C0DUP",
    state: "active",
  },
};

describe("SlackDelivery when recording a post fails", () => {
  let testDb: TestDatabase;
  let db: Database;

  beforeEach(async () => {
    testDb = await createTestDatabase("sqlite");
    await migrateDatabase(testDb.database, silent);
    db = await openDatabase(testDb.database);
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  it("records the ts it got on the next attempt instead of posting again", async () => {
    const posts: SlackPost[] = [];
    const written: Completion[] = [];
    let databaseAway = true;
    const metrics = new DeliveryMetrics(new Metrics({ processMetrics: false }));
    const slack = new SlackDelivery({
      db,
      completions: {
        async write(completion) {
          if (databaseAway) throw new Error("connection refused");
          written.push(completion);
        },
      },
      target: {
        async post(post) {
          posts.push(post);
          return { ts: "1700000000.000100" };
        },
      },
      parents: { schedule: () => undefined },
      failures: new FailureRecorder({
        prisma: db.prisma,
        workspaces: new WorkspaceStatus(db.prisma, "single"),
        settings: DEFAULT_DELIVERY_SETTINGS,
        metrics,
      }),
      settings: DEFAULT_DELIVERY_SETTINGS,
      metrics,
      logger: silent,
    });
    const notification = notificationOf(delivery.message);
    const { logger, lines } = capturingLogger("info");

    await expect(
      slack.deliver(delivery, "C0DUP", notification, new AbortController().signal, logger),
    ).rejects.toThrow("connection refused");
    expect(posts).toHaveLength(1);

    databaseAway = false;
    const outcome = await slack.deliver(
      delivery,
      "C0DUP",
      notification,
      new AbortController().signal,
      logger,
    );
    expect(outcome).toBe("posted");
    expect(posts).toHaveLength(1);
    expect(written).toEqual([{ posted: { id: "delivery-1", postedTs: "1700000000.000100", attempts: 1 } }]);
    expect(lines().join("\n")).toContain("recorded now instead of posting again");
  });
});
