/**
 * Rotating ENCRYPTION_KEY: secrets sealed with the old key open through ENCRYPTION_KEY_PREVIOUS, and
 * `chatbot reencrypt` (in-process, against a migrated SQLite file and PostgreSQL database) re-seals
 * them under the new key, so the old key can be dropped. A secret no given key opens is reported by
 * row id and left untouched.
 */
import { randomBytes } from "node:crypto";
import type { Installation } from "@slack/oauth";
import { type Database, openDatabase } from "../../src/db/database";
import { migrateDatabase } from "../../src/db/migrate";
import { SecretBox } from "../../src/db/secret-box";
import { createLogger } from "../../src/logger";
import { PrismaInstallationStore } from "../../src/slack/installation-store";
import { webhookUrlContext } from "../../src/webhooks/webhook-queries";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../support/databases";
import { runChatbot } from "./cli-runner";

const BOT_TOKEN = "xoxb-1111-2222-reencrypt-test-token";
const HOOK = "https://hooks.chime.aws/incomingwebhooks/9a8b7c6d?token=rotation-secret-token";

function installation(teamId: string): Installation<"v2", false> {
  return {
    team: { id: teamId, name: "Acme" },
    enterprise: undefined,
    user: { id: "U0INSTALLER", token: undefined, scopes: undefined },
    bot: { id: "B01", userId: "U0BOT", token: BOT_TOKEN, scopes: ["chat:write"] },
    isEnterpriseInstall: false,
    authVersion: "v2",
  };
}

describeEachDatabase("chatbot reencrypt", (kind) => {
  let testDb: TestDatabase;
  let db: Database;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const b64 = (key: Buffer) => key.toString("base64");

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await migrateDatabase(testDb.database, createLogger({ level: "silent" }));
    db = await openDatabase(testDb.database);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });
  beforeEach(async () => {
    await db.prisma.installation.deleteMany();
    await db.prisma.channelConfiguration.deleteMany();
  });

  async function sealUnder(key: Buffer, teamId: string, webhookId: string): Promise<void> {
    const secrets = new SecretBox(key);
    await new PrismaInstallationStore(db.prisma, secrets).storeInstallation(installation(teamId));
    await db.prisma.channelConfiguration.create({
      data: {
        id: webhookId,
        kind: "webhook",
        name: `room-${webhookId.slice(0, 8)}`,
        teamId: "webhooks",
        webhookProvider: "chime",
        webhookUrlEnc: secrets.encrypt(HOOK, webhookUrlContext(webhookId)),
      },
    });
  }

  const run = (env: Record<string, string>, ...args: string[]) =>
    runChatbot(["reencrypt", ...args], { DATABASE_URL: testDb.url, LOG_LEVEL: "error", ...env });

  it("re-seals old secrets under the new key; then the old key is no longer needed", async () => {
    await sealUnder(oldKey, "T0OLD", "7d1f3a52-0000-4000-8000-000000000001");
    const rotating = { ENCRYPTION_KEY: b64(newKey), ENCRYPTION_KEY_PREVIOUS: b64(oldKey) };

    const dry = await run(rotating, "--dry-run");
    expect(dry).toMatchObject({ code: 0, stderr: "" });
    expect(dry.stdout).toBe(
      "Slack installations: 1 to re-seal, 0 already under ENCRYPTION_KEY\n" +
        "webhook URLs: 1 to re-seal, 0 already under ENCRYPTION_KEY\n",
    );
    // Without ENCRYPTION_KEY_PREVIOUS the new key alone opens nothing yet.
    const [row] = await db.prisma.installation.findMany();
    expect(() => new SecretBox(newKey).decrypt(row.dataEnc, row.installKey)).toThrow(/differs from the key/);

    const done = await run(rotating);
    expect(done).toMatchObject({ code: 0, stderr: "" });
    expect(done.stdout).toContain("Slack installations: 1 re-sealed, 0 already under ENCRYPTION_KEY");
    expect(done.stdout).toContain("webhook URLs: 1 re-sealed, 0 already under ENCRYPTION_KEY");

    // The new key alone now opens everything; the old one opens nothing.
    const onlyNew = new PrismaInstallationStore(db.prisma, new SecretBox(newKey));
    const fetched = await onlyNew.fetchInstallation({
      teamId: "T0OLD",
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    expect(fetched.bot?.token).toBe(BOT_TOKEN);
    const [hook] = await db.prisma.channelConfiguration.findMany();
    expect(new SecretBox(newKey).decrypt(hook.webhookUrlEnc ?? "", webhookUrlContext(hook.id))).toBe(HOOK);
    expect(() =>
      new SecretBox(oldKey).decrypt(hook.webhookUrlEnc ?? "", webhookUrlContext(hook.id)),
    ).toThrow();

    const again = await run({ ENCRYPTION_KEY: b64(newKey) });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Slack installations: 0 re-sealed, 1 already under ENCRYPTION_KEY");
    // Nothing the command printed names a secret.
    for (const output of [dry, done, again]) {
      expect(output.stdout + output.stderr).not.toMatch(/xoxb-|rotation-secret-token/);
    }
  });

  it("reports secrets that no given key opens by id, changes nothing of them and exits 1", async () => {
    const stranger = randomBytes(32);
    await sealUnder(stranger, "T0LOST", "7d1f3a52-0000-4000-8000-000000000002");
    const before = await db.prisma.installation.findMany();

    const result = await run({ ENCRYPTION_KEY: b64(newKey), ENCRYPTION_KEY_PREVIOUS: b64(oldKey) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`1 open with no key given (ids: ${before[0].id})`);
    expect(result.stdout).toContain("(ids: 7d1f3a52-0000-4000-8000-000000000002)");
    expect(result.stderr).toContain("add the key they were sealed with to ENCRYPTION_KEY_PREVIOUS");
    expect(await db.prisma.installation.findMany()).toEqual(before);
  });

  it("refuses a malformed ENCRYPTION_KEY_PREVIOUS and unknown arguments", async () => {
    const bad = await run({ ENCRYPTION_KEY: b64(newKey), ENCRYPTION_KEY_PREVIOUS: "not-a-key" });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("ENCRYPTION_KEY_PREVIOUS");
    const usage = await run({ ENCRYPTION_KEY: b64(newKey) }, "--everything");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: chatbot reencrypt [--dry-run]");
  });
});
