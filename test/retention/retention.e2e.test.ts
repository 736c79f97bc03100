/**
 * The server runs retention: the job is wired with RETENTION from the environment, its series is on
 * /metrics from the start, and what it prunes moves it.
 */
import { randomUUID } from "node:crypto";
import { createSlackConfiguration } from "../../src/configurations/configuration-store";
import { describeEachDatabase } from "../support/databases";
import { startTestServer, type TestServer } from "../support/server";

const metricsOf = async (app: TestServer) => (await fetch(`${app.url}/metrics`)).text();

describeEachDatabase("retention in the server", (kind) => {
  let app: TestServer;

  beforeEach(async () => {
    app = await startTestServer({
      kind,
      env: {
        SLACK_CLIENT_ID: "1.2",
        SLACK_CLIENT_SECRET: "client-secret-value",
        SLACK_STATE_SECRET: "state-secret-value",
        RETENTION: "1m",
      },
    });
  });
  afterEach(async () => {
    await app.stop();
  });

  it("prunes posted notifications older than RETENTION and counts them on /metrics", async () => {
    const prisma = app.server.db.prisma;
    const configuration = await createSlackConfiguration(prisma, {
      teamId: "T0E2E",
      channelId: "C0E2E",
      name: "e2e",
    });
    const old = new Date(Date.now() - 5 * 60_000);
    const recent = new Date();
    for (const at of [old, old, recent]) {
      const messageId = randomUUID();
      await prisma.message.create({
        data: {
          id: messageId,
          snsMessageId: randomUUID(),
          topicArn: "t",
          body: "{}",
          snsTimestamp: "",
          receivedAt: at,
        },
      });
      await prisma.delivery.create({
        data: {
          id: randomUUID(),
          messageId,
          configurationId: configuration.id,
          status: "posted",
          postedTs: "1700000000.000100",
          createdAt: at,
          updatedAt: at,
        },
      });
    }
    expect(await metricsOf(app)).toContain('chatbot_retention_pruned_total{table="message"} 0');

    expect(await app.server.retention.runOnce()).toMatchObject({ pruned: { message: 2, delivery: 2 } });

    expect(await prisma.message.count()).toBe(1);
    const text = await metricsOf(app);
    expect(text).toContain('chatbot_retention_pruned_total{table="message"} 2');
    expect(text).toContain('chatbot_retention_pruned_total{table="delivery"} 2');
    expect(app.logs()).toContain('"msg":"retention deleted 4 rows"');
  });
});
