import { formatNotification } from "../../src/notifications";
import { WebhookRateLimiter } from "../../src/webhooks/webhook-rate-limiter";
import { WebhookSender } from "../../src/webhooks/webhook-sender";
import { fixture } from "../notifications/sns-fixtures";
import { startFakeWebhooks } from "../support/fake-webhooks";
import { capturingLogger } from "../support/log-capture";
import { sharedAcrossTests } from "../support/shared-fake";

const alarm = formatNotification(fixture("unicode-emoji-20kb-detail").envelope);

describe("WebhookSender", () => {
  const hooks = sharedAcrossTests(startFakeWebhooks, (fake) => fake.reset());

  it("renders for the provider and posts once", async () => {
    const { logger, text } = capturingLogger();
    const sender = new WebhookSender({ logger });
    const target = {
      configurationId: "cfg-teams",
      url: hooks().urlFor("/workflows/x/triggers/manual/paths/invoke?sig=SECRETSIG"),
      provider: "teams" as const,
    };
    const delivery = await sender.send(target, alarm);
    expect(delivery).toEqual({ kind: "ok", status: 200, attempts: 1, shortened: false });
    const [post] = hooks().posts;
    expect(post.json).toMatchObject({
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive" }],
    });
    expect(text()).toContain('"configurationId":"cfg-teams"');
    expect(text()).not.toContain("SECRETSIG");
    expect(text()).not.toContain(hooks().url);
  });

  it("on 413 renders under half the budget and posts once more", async () => {
    const sender = new WebhookSender({
      logger: capturingLogger().logger,
      limiter: new WebhookRateLimiter(1000),
    });
    hooks().answerNext("/incomingwebhooks/room", { status: 413 });
    const target = {
      configurationId: "cfg-chime",
      url: hooks().urlFor("/incomingwebhooks/room?token=t"),
      provider: "chime" as const,
    };
    const delivery = await sender.send(target, alarm);
    expect(delivery).toEqual({ kind: "ok", status: 200, attempts: 2, shortened: true });
    const [first, second] = hooks().postsTo("/incomingwebhooks/room");
    const content = (post: typeof first) => (post.json as { Content: string }).Content;
    expect(Buffer.byteLength(content(first))).toBeGreaterThan(2048);
    expect(Buffer.byteLength(content(second))).toBeLessThanOrEqual(2048);
    expect(content(second)).toContain("… (truncated)");
  });

  it("reports a second 413 instead of trying forever", async () => {
    const sender = new WebhookSender({
      logger: capturingLogger().logger,
      limiter: new WebhookRateLimiter(1000),
    });
    hooks().answerAlways("/hooks/mm", { status: 413 });
    const delivery = await sender.send(
      { configurationId: "cfg-mm", url: hooks().urlFor("/hooks/mm"), provider: "mattermost" },
      alarm,
    );
    expect(delivery).toMatchObject({ kind: "too_large", attempts: 2, shortened: true });
    expect(hooks().postsTo("/hooks/mm")).toHaveLength(2);
  });

  it("waits for the webhook's turn and pauses it after a 429", async () => {
    const limiter = new WebhookRateLimiter(1);
    const sender = new WebhookSender({ logger: capturingLogger().logger, limiter });
    hooks().answerNext("/services/T1/B2/x", { status: 429, retryAfter: "2" });
    const target = {
      configurationId: "cfg-slack",
      url: hooks().urlFor("/services/T1/B2/x"),
      provider: "slack-incoming" as const,
    };
    const delivery = await sender.send(target, alarm);
    expect(delivery).toMatchObject({ kind: "rate_limited", retryAfterMs: 2000, attempts: 1 });
    expect(limiter.waitMs("cfg-slack")).toBeGreaterThan(1800);
    expect(hooks().posts[0].json).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
  });

  it("passes a gone webhook back for the caller to disable", async () => {
    const sender = new WebhookSender({ logger: capturingLogger().logger });
    hooks().answerNext("/incomingwebhooks/old", { status: 404 });
    const delivery = await sender.send(
      { configurationId: "cfg-old", url: hooks().urlFor("/incomingwebhooks/old?token=t"), provider: "chime" },
      alarm,
    );
    expect(delivery).toMatchObject({ kind: "gone", status: 404, attempts: 1 });
  });
});
