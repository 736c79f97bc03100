/**
 * What an operator sees, scraped from the real server over HTTP: the series exist before anything
 * happens and move with a refusal, a failed post, a delivery; one log line per delivered
 * notification and per refused SNS request, with no token in any line.
 */
import { describeEachDatabase } from "../support/databases";
import { type Harness, startHarness } from "./harness";
import { eventually, topicArn } from "./world";

async function scrape(h: Harness): Promise<string> {
  const response = await fetch(`${h.app.url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The value of one series (name with its labels exactly as exposed), or undefined. */
function value(metrics: string, series: string): number | undefined {
  const line = metrics.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function logLines(h: Harness): Array<Record<string, unknown>> {
  return h.app
    .logs()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describeEachDatabase("metrics and logs", (kind) => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness(kind, {
      env: { DELIVERY_BACKOFF_BASE_MS: "60000", DELIVERY_BACKOFF_MAX_MS: "60000" },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  it("exposes every series at once, and they move with refusals, failures and deliveries", async () => {
    const before = await scrape(h);
    expect(value(before, 'chatbot_delivery_queue_depth{status="pending"}')).toBe(0);
    expect(value(before, 'chatbot_delivery_oldest_age_seconds{status="pending"}')).toBe(0);
    expect(value(before, 'chatbot_delivery_latency_seconds_count{target="slack"}')).toBeUndefined();
    for (const name of [
      "chatbot_sns_received_total",
      "chatbot_deliveries_total",
      "chatbot_delivery_latency_seconds",
      "chatbot_slack_calls_total",
      "chatbot_delivery_rate_limited_total",
      "process_resident_memory_bytes",
      "nodejs_eventloop_lag_seconds",
    ]) {
      expect(before).toContain(`# TYPE ${name} `);
    }

    // Refused: nobody wants the topic.
    expect(await h.publish(topicArn("nobody-wants-this"), "lost?")).toBe(403);

    // A post Slack fails (500): a retry, waiting, with its age.
    const first = await h.channel({ topicArns: [topicArn("observed-1")] });
    const second = await h.channel({ topicArns: [topicArn("observed-2")] });
    h.slack.setBehavior("chat.postMessage", { status: 500 });
    expect(await h.publish(topicArn("observed-1"), "first, during the outage")).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 1, { filter: (call) => call.status === 500 });
    let during = "";
    await eventually("the failure counted", async () => {
      during = await scrape(h);
      return value(during, 'chatbot_deliveries_total{target="slack",outcome="retry"}') === 1;
    });
    expect(value(during, 'chatbot_sns_received_total{result="stored"}')).toBe(1);
    expect(value(during, 'chatbot_sns_received_total{result="refused",reason="sns_topic_not_wanted"}')).toBe(
      1,
    );
    expect(value(during, 'chatbot_slack_calls_total{method="chat.postMessage",status="http_500"}')).toBe(1);
    expect(value(during, 'chatbot_delivery_queue_depth{status="pending"}')).toBe(1);
    expect(value(during, 'chatbot_delivery_oldest_age_seconds{status="pending"}')).toBeGreaterThan(0);

    // Slack is back: the second posts, and its success brings the first back at once.
    h.slack.clearBehavior("chat.postMessage");
    expect(await h.publish(topicArn("observed-2"), "second, after")).toBe(200);
    await h.slack.waitForCalls("chat.postMessage", 2, { filter: (call) => call.outcome === "ok" });
    let after = "";
    await eventually("both deliveries counted", async () => {
      after = await scrape(h);
      return value(after, 'chatbot_deliveries_total{target="slack",outcome="posted"}') === 2;
    });
    expect(value(after, 'chatbot_delivery_latency_seconds_count{target="slack"}')).toBe(2);
    expect(value(after, 'chatbot_slack_calls_total{method="chat.postMessage",status="ok"}')).toBe(2);
    expect(value(after, 'chatbot_delivery_queue_depth{status="pending"}')).toBe(0);
    expect(value(after, 'chatbot_delivery_oldest_age_seconds{status="pending"}')).toBe(0);

    // One info line per delivered notification, saying where it went; one per refused request.
    const logs = logLines(h);
    const delivered = logs.filter((line) => line.msg === "notification delivered");
    expect(delivered).toHaveLength(2);
    const posted = await h.prisma.delivery.findMany({ include: { message: true } });
    for (const line of delivered) {
      const row = posted.find((d) => d.postedTs === line.ts);
      expect(row).toBeDefined();
      expect(line).toMatchObject({
        level: 30,
        messageId: row?.message.snsMessageId,
        configurationId: row?.configurationId,
        channelId: row?.configurationId === first.configurationId ? first.channelId : second.channelId,
      });
      expect(typeof line.latencyMs).toBe("number");
    }
    const refused = logs.filter((line) => line.msg === "refused an SNS request");
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ level: 30, status: 403, error: "sns_topic_not_wanted" });
    expect(h.app.logs()).not.toContain(h.workspace.botToken);
  }, 60_000);
});
