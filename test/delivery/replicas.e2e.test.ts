/**
 * Two replicas (two real servers) on one PostgreSQL database, both claiming: no delivery is posted
 * twice, and each channel still gets its notifications one at a time and in order, whichever
 * replica SNS happened to reach.
 */
import { postgresAvailable } from "../support/databases";
import type { TestServer } from "../support/server";
import { type Replicas, startReplicas } from "./harness";
import { eventually } from "./world";

const CHANNELS = 12;
const PER_CHANNEL = 8;

const describePostgres = postgresAvailable() ? describe : describe.skip;

describePostgres("two replicas on one database [postgres]", () => {
  let replicas: Replicas;

  beforeEach(async () => {
    replicas = await startReplicas({
      count: 2,
      env: {
        DELIVERY_CHANNEL_PER_SECOND: "50",
        DELIVERY_CHANNEL_BURST: "5",
        DELIVERY_WORKSPACE_PER_SECOND: "1000",
        DELIVERY_WORKSPACE_BURST: "1000",
      },
      postMessageDelayMs: 100,
    });
  });
  afterEach(() => replicas.stop());

  it("never posts a delivery twice and keeps every channel in order", async () => {
    const {
      slack,
      sns,
      servers: [first, second],
    } = replicas;
    const prisma = first.server.db.prisma;
    const channels = await replicas.addChannels(CHANNELS, "replica");
    for (let i = 0; i < PER_CHANNEL; i++) {
      await Promise.all(
        channels.map(async ({ topic }, c) => {
          // Alternate replicas, as a load balancer would.
          const server = (c + i) % 2 === 0 ? first : second;
          expect(await sns.publish(server.url, topic, `replica ${c}.${String(i).padStart(2, "0")}`)).toBe(
            200,
          );
        }),
      );
    }
    const total = CHANNELS * PER_CHANNEL;
    await eventually("all posted", () => slack.messages().length >= total, 30_000);
    await eventually(
      "all recorded",
      async () => (await prisma.delivery.count({ where: { status: "posted" } })) === total,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(slack.messages()).toHaveLength(total);
    for (const [c, channel] of channels.entries()) {
      const texts = slack.messages(channel.channelId).map((m) => m.text);
      expect(texts).toEqual(
        Array.from({ length: PER_CHANNEL }, (_, i) => `replica ${c}.${String(i).padStart(2, "0")}`),
      );
    }
    const posted = async (server: TestServer) => {
      const match = /chatbot_delivery_posts_total\{[^}]*\} (\d+)/.exec(await server.server.metrics.render());
      return Number(match?.[1] ?? 0);
    };
    // Every post is counted by exactly one of the two (which one depends on who woke first: a channel
    // stays with the replica that holds a lease in it).
    expect((await posted(first)) + (await posted(second))).toBe(total);
  });
});
