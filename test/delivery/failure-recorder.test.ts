/**
 * What a failed post leaves behind, with a test clock: transient failures (5xx, timeouts) and 429s
 * never make a dead letter before DELIVERY_MAX_AGE, however many attempts; a permanent error does
 * at once.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { DeliveryMetrics } from "../../src/delivery/delivery-metrics";
import { FailureRecorder } from "../../src/delivery/failure-recorder";
import { DEFAULT_DELIVERY_SETTINGS } from "../../src/delivery/settings";
import { WorkspaceStatus } from "../../src/delivery/workspace-status";
import { Metrics } from "../../src/http/metrics";
import { createLogger } from "../../src/logger";
import { type LoadedDelivery, loadClaimed } from "../../src/outbox/leases";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";

const logger = createLogger({ level: "silent" });
const HOUR = 3_600_000;
const STORED_AT = Date.UTC(2026, 5, 1, 12);

describeEachDatabase("FailureRecorder", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  let clock: number;
  let recorder: FailureRecorder;
  const failedTeams: string[] = [];

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, logger);
    db = await openDatabase(testDb.database);
    clock = STORED_AT;
    failedTeams.length = 0;
    recorder = new FailureRecorder({
      prisma: db.prisma,
      workspaces: new WorkspaceStatus(db.prisma, "single"),
      settings: DEFAULT_DELIVERY_SETTINGS,
      metrics: new DeliveryMetrics(new Metrics({ processMetrics: false })),
      recovery: { failed: (teamId) => failedTeams.push(teamId) },
      now: () => clock,
    });
  });
  afterEach(async () => {
    await db.close();
    await testDb.drop();
  });

  async function storedDelivery(): Promise<LoadedDelivery> {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0CLOCK",
      channelId: "C0CLOCK",
      name: randomUUID(),
    });
    const message = await db.prisma.message.create({
      data: { id: randomUUID(), snsMessageId: randomUUID(), topicArn: "t", body: "b", snsTimestamp: "x" },
    });
    const id = randomUUID();
    await db.prisma.delivery.create({
      data: { id, messageId: message.id, configurationId: configuration.id, createdAt: new Date(STORED_AT) },
    });
    const [loaded] = await loadClaimed(db.prisma, [id]);
    return loaded;
  }

  const status = async (id: string) => (await db.prisma.delivery.findUniqueOrThrow({ where: { id } })).status;

  it("retries a 5xx for 24 hours, however many attempts, and gives up after", async () => {
    const delivery = await storedDelivery();
    const outage = { kind: "transient", error: "http_503" } as const;
    clock = STORED_AT + 24 * HOUR - 1_000;
    expect(await recorder.record(delivery, 290, outage, "slack", logger)).toBe("retry");
    const waiting = await db.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(waiting).toMatchObject({ status: "pending", attempts: 290, lastError: "http_503" });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(clock);
    expect(failedTeams).toEqual(["T0CLOCK"]);

    clock = STORED_AT + 24 * HOUR;
    expect(await recorder.record(delivery, 291, outage, "slack", logger)).toBe("dead");
    expect(await status(delivery.id)).toBe("dead");
  });

  it("never makes a dead letter of a 429, even days old", async () => {
    const delivery = await storedDelivery();
    clock = STORED_AT + 72 * HOUR;
    const limited = { kind: "rate_limited", error: "ratelimited", retryAfterMs: 30_000 } as const;
    expect(await recorder.record(delivery, 500, limited, "slack", logger)).toBe("retry");
    const waiting = await db.prisma.delivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(waiting.status).toBe("pending");
    expect(waiting.nextAttemptAt.getTime()).toBe(clock + 30_000);
  });

  it("makes a dead letter of a permanent error at once", async () => {
    const delivery = await storedDelivery();
    clock = STORED_AT + 1_000;
    const refused = { kind: "message", error: "invalid_blocks" } as const;
    expect(await recorder.record(delivery, 1, refused, "slack", logger)).toBe("dead");
    expect(await status(delivery.id)).toBe("dead");
    expect(failedTeams).toEqual([]);
  });
});
