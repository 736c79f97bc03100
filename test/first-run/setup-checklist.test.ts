import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config";
import { AwsCredentialsProbe } from "../../src/first-run/aws-credentials";
import { setupChecklist } from "../../src/first-run/setup-checklist";

const item = (items: ReturnType<typeof setupChecklist>, id: string) => {
  const found = items.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return found;
};

describe("setupChecklist", () => {
  it("marks an http PUBLIC_URL as missing https, with what to do", () => {
    const items = setupChecklist({
      config: loadConfig({ PUBLIC_URL: "http://chatbot.test" }),
      aws: { found: true },
    });
    expect(item(items, "public-url")).toMatchObject({
      ok: false,
      status: expect.stringContaining("not https"),
    });
    expect(item(items, "public-url").todo).toMatch(/https/);
  });

  it("shows a database that does not answer, and missing AWS credentials, each with the fix", () => {
    const items = setupChecklist({
      config: loadConfig({}),
      databaseProblem: "connect ECONNREFUSED",
      aws: { found: false, reason: "Could not load credentials from any providers" },
    });
    expect(item(items, "database")).toMatchObject({
      ok: false,
      todo: expect.stringContaining("DATABASE_URL"),
    });
    expect(item(items, "database").status).toContain("ECONNREFUSED");
    expect(item(items, "aws")).toMatchObject({ ok: false, todo: expect.stringContaining("sns:Subscribe") });
    expect(item(items, "slack")).toMatchObject({ ok: false, todo: expect.stringContaining("never typed") });
    expect(items.filter((candidate) => !candidate.ok).every((candidate) => candidate.todo)).toBe(true);
  });
});

describe("AwsCredentialsProbe", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("finds the keys of the default chain (the test environment's fake ones)", async () => {
    expect(await new AwsCredentialsProbe("us-east-1").check()).toEqual({ found: true });
  });

  it("says none were found when the chain has nothing (metadata service off, empty profile files)", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-aws-"));
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(empty, "credentials");
    process.env.AWS_CONFIG_FILE = path.join(empty, "config");
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    const state = await new AwsCredentialsProbe("us-east-1").check();
    expect(state.found).toBe(false);
    expect(state.found === false && state.reason.length).toBeGreaterThan(0);
  });
});
