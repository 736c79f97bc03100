/**
 * A Chime room end to end on the real server: what arrives is `/md` markdown within 4 KB even for
 * a huge message, a burst is paced at 1 request/s per webhook, and a 413 is answered by a shorter
 * repost.
 */
import { addChimeRoom, type Harness, startHarness } from "../delivery/harness";
import { eventually, topicArn } from "../delivery/world";
import { describeEachDatabase } from "../support/databases";
import { type FakeWebhooks, startFakeWebhooks } from "../support/fake-webhooks";

const CHIME_LIMIT_BYTES = 4096;

describeEachDatabase("Chime room delivery", (kind) => {
  let h: Harness;
  let rooms: FakeWebhooks;

  beforeEach(async () => {
    rooms = await startFakeWebhooks();
    h = await startHarness(kind);
  });
  afterEach(async () => {
    await h.stop();
    await rooms.close();
  });

  const chimeRoom = (topic: string, path: string) => addChimeRoom(h, rooms.urlFor(path), topic);

  const contentOf = (body: string) => (JSON.parse(body) as { Content: string }).Content;

  it("posts /md content within 4 KB, even for a 200 KB message", async () => {
    const topic = topicArn("huge-room");
    await chimeRoom(topic, "/huge");
    const huge = `Nightly report\n${"line of the report that goes on and on\n".repeat(5_000)}`;
    expect(await h.publish(topic, huge, { subject: "Nightly report" })).toBe(200);
    await eventually("the room got it", () => rooms.postsTo("/huge").length === 1);
    const content = contentOf(rooms.postsTo("/huge")[0].body);
    expect(content.startsWith("/md ")).toBe(true);
    expect(Buffer.byteLength(content, "utf8")).toBeLessThanOrEqual(CHIME_LIMIT_BYTES);
    expect(content).toContain("Nightly report");
    expect(content).toContain("(truncated)");
  });

  it("paces a burst at 1 request/s per webhook, in order", async () => {
    const topic = topicArn("burst-room");
    await chimeRoom(topic, "/burst");
    for (const n of [1, 2, 3]) expect(await h.publish(topic, `burst message ${n}`)).toBe(200);
    await eventually("all three arrived", () => rooms.postsTo("/burst").length === 3, 10_000);
    const posts = rooms.postsTo("/burst");
    expect(posts.map((post) => /burst message (\d)/.exec(contentOf(post.body))?.[1])).toEqual([
      "1",
      "2",
      "3",
    ]);
    // 1 request/s: tolerant of timer jitter, but a burst without pacing arrives within milliseconds.
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(900);
    expect(posts[2].at - posts[1].at).toBeGreaterThanOrEqual(900);
  });

  it("answers a 413 with a shorter repost", async () => {
    const topic = topicArn("small-room");
    await chimeRoom(topic, "/small");
    rooms.answerNext("/small", { status: 413 });
    const long = `Report\n${"a sentence of some length for the report\n".repeat(200)}`;
    expect(await h.publish(topic, long)).toBe(200);
    await eventually("reposted", () => rooms.postsTo("/small").length === 2, 10_000);
    const [first, second] = rooms.postsTo("/small");
    expect(Buffer.byteLength(second.body)).toBeLessThan(Buffer.byteLength(first.body));
    await eventually("posted", async () => (await h.prisma.delivery.findFirstOrThrow()).status === "posted");
  });
});
