/**
 * Channel filters end to end: signed SNS notifications in, the fake Slack out. Each criterion posts
 * what matches and neither posts nor stores a delivery for what does not (it is counted); criteria
 * combine; an alarm's OK follows its ALARM into the thread even when OK is filtered; a change written
 * by another process arrives within a second; a malformed stored filter delivers everything.
 */
import { type ChannelFilter, serializeFilter } from "../../src/configurations/filters";
import { runChatbot } from "../cli/cli-runner";
import { fixture } from "../notifications/sns-fixtures";
import { describeEachDatabase } from "../support/databases";
import { type EndpointReceiver, startEndpointReceiver } from "../support/fake-sns";
import { addChimeRoom, type Harness, startHarness } from "./harness";
import { alarmMessage, eventually, topicArn, type WorldChannel } from "./world";

type Publication = string | { alarm: string; state?: "ALARM" | "OK" | "INSUFFICIENT_DATA"; account?: string };

interface Case {
  name: string;
  filter: ChannelFilter;
  pass: Publication[];
  fail: Publication[];
}

const CASES: Case[] = [
  {
    name: "severity",
    filter: { severity: "high" },
    pass: ["guardduty-finding-high.json", "plain-text-human-deploy.json"],
    fail: ["guardduty-finding-low.json"],
  },
  {
    name: "severity-strict",
    filter: { severity: "high", strict: true },
    pass: ["guardduty-finding-high.json"],
    fail: ["plain-text-human-deploy.json", "health-event-scheduled-retirement.json"],
  },
  {
    name: "services",
    filter: { services: ["guardduty"] },
    pass: ["guardduty-finding-low.json"],
    fail: ["securityhub-finding-critical.json"],
  },
  {
    name: "exclude-services",
    filter: { excludeServices: ["health"] },
    pass: ["guardduty-finding-high.json"],
    fail: ["health-event-open-issue.json"],
  },
  {
    name: "states",
    filter: { states: ["ALARM"] },
    pass: ["cw-alarm-ec2-cpu-alarm.json"],
    fail: ["cw-alarm-insufficient-data.json"],
  },
  {
    name: "exclude-states",
    filter: { excludeStates: ["INSUFFICIENT_DATA", "finding"] },
    pass: ["cw-alarm-ec2-cpu-alarm.json"],
    fail: ["cw-alarm-insufficient-data.json", "guardduty-finding-high.json"],
  },
  {
    name: "accounts",
    filter: { accounts: ["111122223333"] },
    pass: [{ alarm: "acct-a", account: "111122223333" }],
    fail: [{ alarm: "acct-b", account: "444455556666" }],
  },
  {
    name: "regions",
    filter: { regions: ["eu-west-1"] },
    pass: ["guardduty-finding-low.json"],
    fail: ["guardduty-finding-high.json"],
  },
  {
    name: "match",
    filter: { match: "DISK" },
    pass: [{ alarm: "db-disk-full" }],
    fail: [{ alarm: "api-cpu" }],
  },
  {
    name: "exclude",
    filter: { exclude: "/staging-\\w+/" },
    pass: [{ alarm: "prod-cpu" }],
    fail: [{ alarm: "staging-cpu" }],
  },
  {
    name: "combination",
    filter: { severity: "high", services: ["cloudwatch"], exclude: "fleet" },
    pass: [{ alarm: "orders-latency" }],
    fail: ["cw-alarm-ec2-cpu-alarm.json", "guardduty-finding-high.json", "cw-alarm-insufficient-data.json"],
  },
];

describeEachDatabase("channel filters", (kind) => {
  let h: Harness;

  afterEach(async () => {
    await h.stop();
  });

  async function setFilter(channel: WorldChannel, filter: ChannelFilter | string): Promise<void> {
    const filters = typeof filter === "string" ? filter : serializeFilter(filter);
    await h.prisma.channelConfiguration.update({ where: { id: channel.configurationId }, data: { filters } });
    await h.app.server.filterSnapshot.refresh();
  }

  async function publish(topic: string, publication: Publication): Promise<void> {
    const status =
      typeof publication === "string"
        ? await h.publish(topic, fixture(publication).envelope.Message, {
            subject: fixture(publication).envelope.Subject,
          })
        : await h.publish(
            topic,
            alarmMessage({
              name: publication.alarm,
              state: publication.state ?? "ALARM",
              account: publication.account,
            }),
          );
    expect(status).toBe(200);
  }

  const filteredCount = async (configurationId: string) =>
    (await h.prisma.filteredCount.aggregate({ where: { configurationId }, _sum: { count: true } }))._sum
      .count ?? 0;

  it("each criterion and their combination: matching posted, the rest neither delivered nor posted, and counted", async () => {
    h = await startHarness(kind);
    const channels = new Map<string, { channel: WorldChannel; topic: string }>();
    for (const c of CASES) {
      const topic = topicArn(`filter-${c.name}`);
      const channel = await h.channel({ topicArns: [topic] });
      await setFilter(channel, c.filter);
      channels.set(c.name, { channel, topic });
    }
    for (const c of CASES) {
      const { topic } = channels.get(c.name) ?? { topic: "" };
      for (const publication of [...c.fail, ...c.pass]) await publish(topic, publication);
    }
    const passing = CASES.reduce((sum, c) => sum + c.pass.length, 0);
    await h.slack.waitForCalls("chat.postMessage", passing, { timeoutMs: 20_000 });
    for (const c of CASES) {
      const { channel } = channels.get(c.name) ?? { channel: undefined };
      if (channel === undefined) throw new Error(c.name);
      const where = `${c.name}: ${JSON.stringify(c.filter)}`;
      expect([where, h.slack.messages(channel.channelId).length]).toEqual([where, c.pass.length]);
      expect([
        where,
        await h.prisma.delivery.count({ where: { configurationId: channel.configurationId } }),
      ]).toEqual([where, c.pass.length]);
      await eventually(
        `${where} counted`,
        async () => (await filteredCount(channel.configurationId)) === c.fail.length,
      );
    }
    const metrics = await (await fetch(`${h.app.url}/metrics`)).text();
    const failing = CASES.reduce((sum, c) => sum + c.fail.length, 0);
    expect(metrics).toContain(`chatbot_notifications_filtered_total ${failing}`);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(passing);
  });

  it("an ALARM let through brings its OK into the thread even though OK is filtered out; other OKs stay out", async () => {
    h = await startHarness(kind);
    const topic = topicArn("filter-thread");
    const channel = await h.channel({ topicArns: [topic] });
    // Before the filter: an alarm already red in the channel (its thread is in AlarmThread only).
    await publish(topic, { alarm: "before-filter" });
    await h.slack.waitForCalls("chat.postMessage", 1);
    await eventually("thread recorded", async () => (await h.prisma.alarmThread.count()) === 1);
    await setFilter(channel, { severity: "high", excludeStates: ["OK"] });

    // Back to back: the OK arrives before the ALARM is posted (the ingest's memory of passes).
    await publish(topic, { alarm: "api-5xx" });
    await publish(topic, { alarm: "api-5xx", state: "OK" });
    await publish(topic, { alarm: "never-alarmed", state: "OK" });
    await publish(topic, { alarm: "before-filter", state: "OK" });
    await h.slack.waitForCalls("chat.postMessage", 4, { timeoutMs: 15_000 });
    await eventually("counted", async () => (await filteredCount(channel.configurationId)) === 1);

    const messages = h.slack.messages(channel.channelId);
    expect(messages).toHaveLength(4);
    const parentOf = (name: string) =>
      messages.find((m) => m.threadTs === undefined && (m.text ?? "").includes(name));
    for (const name of ["api-5xx", "before-filter"]) {
      const parent = parentOf(name);
      expect(parent).toBeDefined();
      const replies = messages.filter((m) => m.threadTs === parent?.ts);
      expect(replies.map((m) => m.text)).toEqual([expect.stringContaining("OK")]);
    }
    expect(messages.some((m) => (m.text ?? "").includes("never-alarmed"))).toBe(false);
  });

  it("a filter written by another process applies within a second; a malformed one delivers everything", async () => {
    h = await startHarness(kind);
    const topic = topicArn("filter-poll");
    const channel = await h.channel({ topicArns: [topic] });
    // As the CLI or another replica would write it: no refresh in this process.
    await h.prisma.channelConfiguration.update({
      where: { id: channel.configurationId },
      data: { filters: serializeFilter({ services: ["guardduty"] }) },
    });
    await eventually(
      "the poll saw it",
      () => h.app.server.filterSnapshot.filterFor(channel.configurationId) !== undefined,
      5_000,
    );
    await publish(topic, { alarm: "kept-out" });
    await publish(topic, "guardduty-finding-low.json");
    await h.slack.waitForCalls("chat.postMessage", 1);

    await setFilter(channel, '{"severity":"urgent"}');
    expect(h.app.server.filterSnapshot.filterFor(channel.configurationId)).toBeUndefined();
    await publish(topic, { alarm: "through-malformed" });
    await h.slack.waitForCalls("chat.postMessage", 2);
    const texts = h.slack.messages(channel.channelId).map((m) => m.text ?? "");
    expect(texts.some((t) => t.includes("kept-out"))).toBe(false);
    expect(texts.some((t) => t.includes("through-malformed"))).toBe(true);
  });
});

describeEachDatabase("webhook room filters", (kind) => {
  let h: Harness;
  let room: EndpointReceiver;

  afterEach(async () => {
    await h.stop();
    await room.close();
  });

  it("a room filtered with `chatbot webhooks update ID --filter` receives only what passes", async () => {
    room = await startEndpointReceiver(() => ({ status: 200 }));
    h = await startHarness(kind);
    const topic = topicArn("filtered-room");
    const roomId = await addChimeRoom(h, room.url, topic);
    const updated = await runChatbot(["webhooks", "update", roomId, "--filter", "states=ALARM"], {
      ...h.databaseEnv,
      LOG_LEVEL: "warn",
    });
    expect(updated.code).toBe(0);
    await eventually(
      "the server saw the filter",
      () => h.app.server.filterSnapshot.filterFor(roomId) !== undefined,
    );
    expect(
      await h.publish(topic, alarmMessage({ name: "room-insufficient", state: "INSUFFICIENT_DATA" })),
    ).toBe(200);
    expect(await h.publish(topic, alarmMessage({ name: "room-alarm", state: "ALARM" }))).toBe(200);
    await eventually("the room got the ALARM", () => room.received.length === 1);
    await eventually("one counted", async () => {
      const sum = await h.prisma.filteredCount.aggregate({
        where: { configurationId: roomId },
        _sum: { count: true },
      });
      return sum._sum.count === 1;
    });
    expect(room.received[0].body).toContain("room-alarm");
    expect(await h.prisma.delivery.count({ where: { configurationId: roomId } })).toBe(1);
  });
});
