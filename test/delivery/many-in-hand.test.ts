/**
 * A big backlog in hand: 5,000 deliveries claimed by one worker at once (a storm waiting for its
 * rate limit) are loaded, kept (leases renewed, all of them, with no failed renewal) and handed
 * back on stop — every statement stays under SQLite's parameter limit, whatever the number in hand.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import type { Database } from "../../src/db/database";
import type { Outcome } from "../../src/delivery/delivery-types";
import { DeliveryWorker } from "../../src/delivery/worker";
import type { LoadedDelivery } from "../../src/outbox/leases";
import { describeEachDatabase, openMigratedTestDatabase } from "../support/databases";
import { capturingLogger } from "../support/log-capture";
import { eventually } from "./world";

const IN_HAND = 5_000;
const LEASE_MS = 6_000;

describeEachDatabase("5,000 deliveries in hand", (kind) => {
  let db: Database;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ db, dispose } = await openMigratedTestDatabase(kind));
  });
  afterEach(() => dispose());

  it("claims, renews and hands back all of them without a failed statement", async () => {
    const configuration = await createSlackConfiguration(db.prisma, {
      teamId: "T0MANY",
      channelId: "C0MANY",
      name: "storm",
    });
    const created = Date.now() - 60_000;
    const messages = Array.from({ length: IN_HAND }, (_, i) => ({
      id: randomUUID(),
      snsMessageId: randomUUID(),
      topicArn: "t",
      body: `m${i}`,
      snsTimestamp: new Date(created + i).toISOString(),
    }));
    await db.prisma.message.createMany({ data: messages });
    await db.prisma.delivery.createMany({
      data: messages.map((message, i) => ({
        id: randomUUID(),
        messageId: message.id,
        configurationId: configuration.id,
        createdAt: new Date(created + i),
        nextAttemptAt: new Date(created),
      })),
    });

    // The channel's first post never ends (Slack holding it) until the worker stops: everything
    // else of the channel waits in hand behind it.
    const processor = {
      process(_delivery: LoadedDelivery, signal: AbortSignal): Promise<Outcome> {
        return new Promise((resolve) => signal.addEventListener("abort", () => resolve("released")));
      },
    };
    const { logger, lines } = capturingLogger("warn");
    const worker = new DeliveryWorker({
      db,
      processor,
      logger,
      leaseMs: LEASE_MS,
      pollMs: 200,
      batchSize: 1_000,
      maxInFlight: IN_HAND + 1_000,
      perChannelQueue: IN_HAND + 1_000,
    });
    worker.start();
    try {
      await eventually("all claimed", () => worker.inFlight === IN_HAND, 60_000);
      const firstLeaseEnd = new Date(Date.now() + LEASE_MS);
      // Every lease renewed past what the claims gave (a renewal happens every LEASE_MS / 3).
      await eventually(
        "every lease renewed",
        async () =>
          (await db.prisma.delivery.count({
            where: { leaseOwner: worker.owner, leaseUntil: { gt: firstLeaseEnd } },
          })) === IN_HAND,
        60_000,
      );
    } finally {
      // A claim in progress as stop begins (the poll's, often under load): stop still waits for
      // the whole hand-back, not only for the channel's runner.
      worker.wake();
      await worker.stop();
    }
    // Handed back, all of them, for another replica (or the next start) to take at once.
    // The warnings first: a failed renewal or hand-back says why the count below would be wrong.
    expect(lines()).toEqual([]);
    expect(await db.prisma.delivery.count({ where: { leaseOwner: null, status: "pending" } })).toBe(IN_HAND);
  }, 120_000);
});
