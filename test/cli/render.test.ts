import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { runRender } from "../../src/cli/render";
import { renderNotification } from "../../src/notifications";
import { allFixtures, fixture } from "../notifications/sns-fixtures";
import { SHARED_SNS_FIXTURES_DIR } from "../support/sns-signing";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], stdinText?: string): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on("data", (chunk: Buffer) => out.push(chunk));
  stderr.on("data", (chunk: Buffer) => err.push(chunk));
  stdin.end(stdinText ?? "");
  const code = await runRender(args, { stdin, stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}

const dir = mkdtempSync(path.join(tmpdir(), "chatbot-render-"));
function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

describe("chatbot render", () => {
  it.each(allFixtures().map((f) => [f.file, f] as const))(
    "renders %s from a file: exit 0, one JSON object",
    async (name, fx) => {
      const result = await run([file(name, JSON.stringify(fx.envelope))]);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      expect(result.stdout.endsWith("\n")).toBe(true);
      expect(result.stdout.trimEnd().includes("\n")).toBe(false);
      const printed = JSON.parse(result.stdout);
      expect(Object.keys(printed)).toEqual(["slack", "webhook"]);
      expect(Object.keys(printed.slack)).toEqual(["text", "blocks"]);
      expect(Object.keys(printed.webhook)).toEqual(["Content"]);
      expect(printed).toEqual(JSON.parse(JSON.stringify(renderNotification(fx.envelope))));
    },
  );

  it("reads standard input with -", async () => {
    const fx = fixture("cw-alarm-ec2-cpu-alarm");
    const result = await run(["-"], JSON.stringify(fx.envelope));
    expect(result.code).toBe(0);
    // The push text is the header: severity emoji, state first, then the alarm.
    expect(JSON.parse(result.stdout).slack.text).toBe("🔴 ALARM · web-fleet-cpu-high-i-0c4f2a9e81b3d5f60");
  });

  it("renders any Notification SNS could deliver: no Subject, empty Message, unknown event, BOM", async () => {
    const base = fixture("no-subject-plain-text").envelope;
    for (const envelope of [
      { ...base, Message: "" },
      { ...base, Subject: null },
      { ...base, Message: '{"detail-type":"Made Up","source":"x.y","detail":{}}' },
      { ...base, MessageAttributes: { A: { Type: "Binary", Value: "AAEC" } } },
    ]) {
      const result = await run(["-"], `\uFEFF${JSON.stringify(envelope)}`);
      expect(result).toMatchObject({ code: 0, stderr: "" });
    }
  });

  it("renders a shared fixture's raw SNS body as SNS posts it (text/plain JSON)", async () => {
    const body = JSON.stringify(
      JSON.parse(readFileSync(path.join(SHARED_SNS_FIXTURES_DIR, "cw-composite-alarm.json"), "utf8"))
        .envelope,
    );
    expect((await run([file("body.txt", body)])).code).toBe(0);
  });

  it.each([
    ["not JSON", "this is not json", /not an SNS message: the input is not JSON/],
    ["a JSON array", "[1,2,3]", /expected a JSON object/],
    ["JSON without the envelope", '{"hello":"world"}', /no "Type" field/],
    ["a fixture file", JSON.stringify(fixture("cw-alarm-ec2-cpu-alarm")), /looks like a test fixture/],
    ["a Lambda event", '{"Records":[{"Sns":{}}]}', /looks like a Lambda event/],
    ["an unknown Type", '{"Type":"Gossip","Message":"x"}', /unknown Type "Gossip"/],
    [
      "a SubscriptionConfirmation",
      JSON.stringify({
        ...fixture("cw-alarm-ec2-cpu-alarm").envelope,
        Type: "SubscriptionConfirmation",
        Token: "t",
      }),
      /only Notification messages render/,
    ],
    [
      "an UnsubscribeConfirmation",
      JSON.stringify({ ...fixture("cw-alarm-ec2-cpu-alarm").envelope, Type: "UnsubscribeConfirmation" }),
      /only Notification messages render/,
    ],
    [
      "a Notification without Message",
      '{"Type":"Notification","MessageId":"m","TopicArn":"t","Timestamp":"x"}',
      /Message/,
    ],
    [
      "a Notification whose Message is not a string",
      JSON.stringify({ ...fixture("cw-alarm-ec2-cpu-alarm").envelope, Message: { a: 1 } }),
      /not a valid SNS Notification: Message/,
    ],
  ])("exits 2 for %s, saying why on stderr", async (_label, input, pattern) => {
    const result = await run(["-"], input);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^chatbot render: /);
    expect(result.stderr).toMatch(pattern);
  });

  it("exits 2 for a missing file and for bad arguments", async () => {
    const missing = await run([path.join(dir, "nope.json")]);
    expect(missing).toMatchObject({ code: 2, stdout: "" });
    expect(missing.stderr).toContain("no such file");
    expect((await run([])).code).toBe(2);
    expect((await run(["a", "b"])).stderr).toContain("Usage: chatbot render FILE|-");
    expect((await run([dir])).stderr).toContain("is a directory");
  });

  it("prints usage for --help", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: chatbot render FILE|-");
  });
});
