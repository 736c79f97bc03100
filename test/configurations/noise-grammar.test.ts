/**
 * `/aws mention`, `/aws mute`, `/aws unmute` as parsed from the slash command's text (escaped
 * mentions, `should_escape: true`): what each accepts, and a clear problem with the grammar for
 * everything else (the listener then changes nothing).
 */
import { parseAwsCommand, READ_ONLY_COMMANDS } from "../../src/configurations/command-grammar";
import { parseNoiseCommand, reachesLevel } from "../../src/configurations/noise-grammar";

describe("mention grammar", () => {
  it("lists, clears, and adds people, groups, here and channel at the default level high", () => {
    expect(parseAwsCommand("mention")).toEqual({ ok: true, command: { kind: "mention-list" } });
    expect(parseAwsCommand("mention NONE")).toEqual({ ok: true, command: { kind: "mention-none" } });
    expect(
      parseAwsCommand("mention <@U0ALICE01|alice smith> <!subteam^S0ONCALL1|@oncall> here <!channel>"),
    ).toEqual({
      ok: true,
      command: {
        kind: "mention-add",
        level: "high",
        targets: [
          { target: "<@U0ALICE01>", label: "@alice smith" },
          { target: "<!subteam^S0ONCALL1>", label: "@oncall" },
          { target: "<!here>", label: "@here" },
          { target: "<!channel>", label: "@channel" },
        ],
      },
    });
  });

  it("takes `at LEVEL` at the end", () => {
    const parsed = parseAwsCommand("mention <!subteam^S0ONCALL1> at Critical");
    expect(parsed).toEqual({
      ok: true,
      command: {
        kind: "mention-add",
        level: "critical",
        targets: [{ target: "<!subteam^S0ONCALL1>", label: "@S0ONCALL1" }],
      },
    });
  });

  it.each([
    ["mention @alice", "I cannot tell who `@alice` is"],
    ["mention <#C0GENERAL1|general>", "is a channel"],
    ["mention <!everyone>", "`@everyone` is not allowed"],
    ["mention <@U0ALICE01> at urgent", "is not a level"],
    ["mention at high", "needs someone to mention"],
    [
      `mention ${Array.from({ length: 11 }, (_, i) => `<@U0PERSON${String(i).padStart(2, "0")}>`).join(" ")}`,
      "at most 10",
    ],
  ])("%s → a problem with the grammar", (text, problem) => {
    const parsed = parseAwsCommand(text);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problem).toContain(problem);
    expect(parsed.usage).toContain("mention @person|@group|here|channel");
  });

  it("reaches a level from that severity up; no severity and ok never mention", () => {
    expect(reachesLevel("critical", "high")).toBe(true);
    expect(reachesLevel("high", "high")).toBe(true);
    expect(reachesLevel("medium", "high")).toBe(false);
    expect(reachesLevel("info", "info")).toBe(true);
    expect(reachesLevel("ok", "info")).toBe(false);
    expect(reachesLevel(undefined, "info")).toBe(false);
  });
});

describe("mute and unmute grammar", () => {
  it("lists, sets who may mute, ends one or all", () => {
    expect(parseAwsCommand("mute")).toEqual({ ok: true, command: { kind: "mute-list" } });
    expect(parseAwsCommand("mute permission members")).toEqual({
      ok: true,
      command: { kind: "mute-permission", permission: "members" },
    });
    expect(parseAwsCommand("unmute K3V9Q2AB")).toEqual({
      ok: true,
      command: { kind: "unmute", id: "k3v9q2ab" },
    });
    expect(parseAwsCommand("unmute all")).toEqual({ ok: true, command: { kind: "unmute", id: "all" } });
  });

  it.each([
    ["mute alarm 1h", "Mute menu"],
    ["mute permission everyone", "`members` or `managers`"],
    ["unmute", "one mute ID"],
    ["unmute a b", "one mute ID"],
    ["unmute <@U1>", "is not a mute ID"],
    [`unmute ${"x".repeat(300)}`, "is not a mute ID"],
  ])("%s → a problem with the grammar", (text, problem) => {
    const parsed = parseNoiseCommand(text);
    expect(parsed?.ok).toBe(false);
    if (parsed === undefined || parsed.ok) return;
    expect(parsed.problem).toContain(problem);
    expect(parsed.usage.length).toBeGreaterThan(0);
  });

  it("lists for anyone; every change is for managers", () => {
    expect(READ_ONLY_COMMANDS.has("mention-list")).toBe(true);
    expect(READ_ONLY_COMMANDS.has("mute-list")).toBe(true);
    for (const kind of ["mention-add", "mention-none", "mute-permission", "unmute"] as const)
      expect(READ_ONLY_COMMANDS.has(kind)).toBe(false);
  });
});
