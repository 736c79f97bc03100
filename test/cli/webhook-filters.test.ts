/**
 * `chatbot webhooks add … --filter` and `webhooks update ID --filter …`: the slash grammar's criteria
 * as KEY=VALUE options, stored on the room, listed, replaced, removed; a bad option changes nothing.
 */
import { randomBytes } from "node:crypto";
import { type Database, openDatabase } from "../../src/db/database";
import { type SnsHarness, startSnsHarness } from "../sns/e2e-harness";
import { describeEachDatabase } from "../support/databases";
import { runChatbot } from "./cli-runner";

const CHIME =
  "https://hooks.chime.aws/incomingwebhooks/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d?token=Q2hpbWVUb2tlbg";

describeEachDatabase("chatbot webhooks --filter", (kind) => {
  let harness: SnsHarness;
  let env: Record<string, string>;
  let db: Database;

  beforeAll(async () => {
    harness = await startSnsHarness(kind);
    env = {
      DATABASE_URL: harness.app.testDb.url,
      ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      PUBLIC_URL: harness.app.url,
      AWS_ENDPOINT_URL_SNS: harness.sns.url,
      LOG_LEVEL: "warn",
    };
    db = await openDatabase(harness.app.testDb.database);
  });
  afterAll(async () => {
    await db.close();
    await harness.stop();
  });

  const chatbot = (...argv: string[]) => runChatbot(argv, env);
  const filtersOf = async (id: string) =>
    (await db.prisma.channelConfiguration.findUniqueOrThrow({ where: { id } })).filters;

  it("add with --filter, list shows it, update replaces it, none removes it; each change audited", async () => {
    const topic = harness.sns.createTopic("filtered-room");
    const base = ["webhooks", "add", "--url", CHIME, "--description", "Ops/Alarms", "--topic", topic];
    const refused = await chatbot(...base, "--filter", "severity=urgent");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--filter severity=urgent: `filter severity` needs a level");
    expect(await db.prisma.channelConfiguration.count({ where: { kind: "webhook" } })).toBe(0);

    const added = await chatbot(
      ...base,
      "--filter",
      "severity=high,strict",
      "--filter",
      "services=cloudwatch,guardduty",
    );
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("filters: severity ≥ high (strict) · services cloudwatch, guardduty");
    const id = /created webhook configuration ([0-9a-f-]{36})/.exec(added.stdout)?.[1] ?? "";
    expect(JSON.parse((await filtersOf(id)) ?? "null")).toEqual({
      severity: "high",
      strict: true,
      services: ["cloudwatch", "guardduty"],
    });
    expect((await chatbot("webhooks", "list")).stdout).toContain(
      "filters: severity ≥ high (strict) · services cloudwatch, guardduty",
    );

    const updated = await chatbot(
      "webhooks",
      "update",
      id,
      "--filter",
      "match=/disk|volume/",
      "--filter",
      "regions=eu-west-1",
    );
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('filters: regions eu-west-1 · match "/disk|volume/"');
    const bad = await chatbot("webhooks", "update", id, "--filter", "accounts=12");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("12 digits");
    expect(JSON.parse((await filtersOf(id)) ?? "null")).toEqual({
      regions: ["eu-west-1"],
      match: "/disk|volume/",
    });
    expect((await chatbot("webhooks", "update", "no-such-id", "--filter", "none")).code).toBe(1);

    expect((await chatbot("webhooks", "update", id, "--filter", "none")).stdout).toContain(
      "filters: none (every notification)",
    );
    expect(await filtersOf(id)).toBeNull();
    const audit = await db.prisma.auditEvent.findMany({ where: { action: "filters.changed" } });
    expect(audit).toHaveLength(3);
    expect(audit.every((entry) => entry.userId === null && entry.teamId === "cli")).toBe(true);
    await chatbot("webhooks", "remove", id);
  });
});
