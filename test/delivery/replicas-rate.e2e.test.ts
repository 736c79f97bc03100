/**
 * Three replicas (three real servers) on one PostgreSQL database share one workspace's budget: the
 * fake Slack never sees more than limit + burst posts in any second, never answers 429 to a
 * channel, and every channel's posts arrive in the order they were stored. A 429 seen by one replica
 * pauses the workspace for all three for Retry-After and halves the shared rate.
 */
import { maxInAnyWindow, orderViolations } from "../support/call-rates";
import { postgresAvailable } from "../support/databases";
import { type Replicas, startReplicas } from "./harness";
import { eventually } from "./world";

const CHANNELS = 12;
const PER_CHANNEL = 6;
const WORKSPACE_PER_SECOND = 5;
const WORKSPACE_BURST = 2;
/**
 * Tokens are taken at most limit + burst in any second; Slack sees them after an HTTP hop and, here,
 * one event loop shared by three servers, which can move one post (200 ms apart at 5/s) into the
 * next second. Per-process buckets would allow three times the budget.
 */
const ARRIVAL_JITTER_POSTS = 1;

const describePostgres = postgresAvailable() ? describe : describe.skip;

describePostgres("three replicas share one workspace budget [postgres]", () => {
  let replicas: Replicas;

  beforeEach(async () => {
    replicas = await startReplicas({
      count: 3,
      // The fake refuses a channel's 4th post within a second (3/s, burst 3): our 2/s, burst 2 per
      // channel must hold across replicas, including when a channel moves from one to another.
      fakeSlack: { postMessageLimit: { perSecond: 3, burst: 3 } },
      env: {
        DELIVERY_CHANNEL_PER_SECOND: "2",
        DELIVERY_CHANNEL_BURST: "2",
        DELIVERY_WORKSPACE_PER_SECOND: String(WORKSPACE_PER_SECOND),
        DELIVERY_WORKSPACE_BURST: String(WORKSPACE_BURST),
        // Deliveries wait in hand for the shared budget for seconds; with FAST_DELIVERY_ENV's 3 s
        // lease a renewal delayed on a busy machine let another replica take a channel over mid-queue
        // and post out of order (a fresh-clone CI run: 4 overtakes). Takeover after an expired lease
        // is the at-least-once path, not what this test is about; a long lease keeps it out.
        DELIVERY_LEASE_MS: "30000",
      },
      postMessageDelayMs: 20,
    });
  });
  afterEach(() => replicas.stop());

  const channels = () => replicas.addChannels(CHANNELS, "rate");

  /** Round i reaches every channel, each through a different replica than the round before. */
  async function publishRounds(list: Array<{ topic: string }>, rounds: number, label: string) {
    for (let i = 0; i < rounds; i++) {
      await Promise.all(
        list.map(async ({ topic }, c) => {
          const replica = replicas.servers[(c + i) % replicas.servers.length];
          expect(
            await replicas.sns.publish(replica.url, topic, `${label} ${c}.${String(i).padStart(2, "0")}`),
          ).toBe(200);
        }),
      );
    }
  }

  const posts = () => replicas.slack.calls("chat.postMessage").filter((call) => !call.injected);

  it("stays within limit + burst in any second, without 429s, every channel in order", async () => {
    const { slack, servers } = replicas;
    const list = await channels();
    await publishRounds(list, PER_CHANNEL, "rate");
    const total = CHANNELS * PER_CHANNEL;
    await eventually("all posted", () => slack.messages().length >= total, 60_000);

    expect(slack.messages()).toHaveLength(total);
    expect(posts().filter((call) => call.outcome === "rate_limited")).toEqual([]);
    const most = maxInAnyWindow(posts().map((call) => call.at));
    expect(most).toBeLessThanOrEqual(WORKSPACE_PER_SECOND + WORKSPACE_BURST + ARRIVAL_JITTER_POSTS);
    const busiest = maxInAnyWindow(
      posts().map((call) => call.at),
      5_000,
    );
    expect(busiest).toBeLessThanOrEqual(5 * WORKSPACE_PER_SECOND + WORKSPACE_BURST + ARRIVAL_JITTER_POSTS);
    for (const replica of servers) expect(replica.logs()).not.toContain("shared rate limit unavailable");
    const posted = new Map(
      list.map((channel) => [channel.channelId, slack.messages(channel.channelId).map((m) => m.text ?? "")]),
    );
    expect(orderViolations(posted, (text) => Number(text.split(".")[1]))).toBe(0);
    for (const [c, channel] of list.entries()) {
      expect(posted.get(channel.channelId)).toEqual(
        Array.from({ length: PER_CHANNEL }, (_, i) => `rate ${c}.${String(i).padStart(2, "0")}`),
      );
    }
  });

  it("a 429 pauses the workspace on every replica for Retry-After and halves the shared rate", async () => {
    const { slack, servers } = replicas;
    const list = await channels();
    slack.failNext("chat.postMessage", { status: 429, retryAfterSeconds: 2 });
    await publishRounds(list, 3, "pause");
    const total = CHANNELS * 3;
    await eventually("all posted", () => slack.messages().length >= total, 60_000);

    const limited = slack.calls("chat.postMessage").find((call) => call.injected);
    if (limited === undefined) throw new Error("no 429 was injected");
    // Posts already on their way when the 429 came back may arrive just after it; then nothing
    // until Retry-After has passed, from any replica.
    const during = posts().filter((call) => call.at > limited.at + 300 && call.at < limited.at + 1_950);
    expect(during.map((call) => call.at - limited.at)).toEqual([]);
    const rows = await servers[0].server.db.prisma.workspaceRate.findMany({
      where: { key: { startsWith: "post:" } },
    });
    const workspaceRow = rows.find((row) => row.key.split(":").length === 2);
    expect(workspaceRow?.backoffRate).toBe(WORKSPACE_PER_SECOND / 2);
  });
});
