/**
 * `/aws managers …` and the escaped mentions it reads (manifest.yml's should_escape: true): people
 * with or without `|name`, user groups, channels and specials told apart; hostile and oversized text.
 */
import {
  MAX_PEOPLE_PER_COMMAND,
  type ParsedCommand,
  parseAwsCommand,
  READ_ONLY_COMMANDS,
  USAGE,
} from "../../src/configurations/command-grammar";
import { mentionLabel, parseMention, parseMentions } from "../../src/configurations/mentions";

function failure(parsed: ParsedCommand) {
  if (parsed.ok) throw new Error(`expected a problem, got ${JSON.stringify(parsed.command)}`);
  return parsed;
}

describe("parseMention", () => {
  it.each([
    ["<@U0123ABCD|alice>", { kind: "user", id: "U0123ABCD", label: "alice" }],
    ["<@U0123ABCD>", { kind: "user", id: "U0123ABCD", label: undefined }],
    ["<@W0123ABCD|grid.user>", { kind: "user", id: "W0123ABCD", label: "grid.user" }],
    ["<!subteam^S0123ABCD|@oncall>", { kind: "usergroup", id: "S0123ABCD", label: "@oncall" }],
    ["<!subteam^S0123ABCD>", { kind: "usergroup", id: "S0123ABCD", label: undefined }],
    ["<#C0123ABCD|ops>", { kind: "channel", id: "C0123ABCD", label: "ops" }],
    ["<#C0123ABCD>", { kind: "channel", id: "C0123ABCD", label: undefined }],
    ["<!here>", { kind: "special", name: "here" }],
    ["<!channel|channel>", { kind: "special", name: "channel" }],
  ])("%s", (token, expected) => {
    expect(parseMention(token)).toEqual(expected);
  });

  it.each([
    "@alice",
    "<@u0123abcd>",
    "<@X0123ABCD>",
    "<@U0123ABCD|a|b>",
    "<@U0123ABCD",
    "U0123ABCD",
    "<<@U0123ABCD>>",
  ])("%s is not a person's mention", (token) => {
    expect(parseMention(token).kind).not.toBe("user");
  });

  it("labels read as Slack shows them", () => {
    expect(mentionLabel(parseMention("<!subteam^S0123ABCD|@oncall>"))).toBe("@oncall");
    expect(mentionLabel(parseMention("<#C0123ABCD|ops>"))).toBe("#ops");
    expect(mentionLabel(parseMention("<@U0123ABCD>"))).toBe("@U0123ABCD");
  });

  it("stops after limit + 1 tokens however long the text", () => {
    const text = "<@U0123ABCD> ".repeat(100_000);
    expect(parseMentions(text, 25)).toHaveLength(26);
  });
});

describe("/aws managers", () => {
  it("lists with no arguments; listing is read-only, changing is not", () => {
    expect(parseAwsCommand("managers")).toEqual({ ok: true, command: { kind: "managers-list" } });
    expect(parseAwsCommand("  MANAGERS  ")).toEqual({ ok: true, command: { kind: "managers-list" } });
    expect(READ_ONLY_COMMANDS.has("managers-list")).toBe(true);
    expect(READ_ONLY_COMMANDS.has("managers-add")).toBe(false);
    expect(READ_ONLY_COMMANDS.has("managers-remove")).toBe(false);
  });

  it("adds and removes people given as escaped mentions, with or without |name, once each", () => {
    expect(parseAwsCommand("managers add <@U0AAAAAAA1|alice> <@U0BBBBBBB2>,<@U0AAAAAAA1|alice>")).toEqual({
      ok: true,
      command: { kind: "managers-add", userIds: ["U0AAAAAAA1", "U0BBBBBBB2"] },
    });
    expect(parseAwsCommand("managers Remove <@U0AAAAAAA1|Alice Smith>")).toEqual({
      ok: true,
      command: { kind: "managers-remove", userIds: ["U0AAAAAAA1"] },
    });
  });

  it("refuses user groups, channels, @here and unescaped names, saying why, and changes nothing", () => {
    const group = failure(parseAwsCommand("managers add <@U0AAAAAAA1> <!subteam^S0123ABCD|@oncall>"));
    expect(group.problem).toContain("`@oncall` is a user group: add its people one by one");
    expect(group.problem).toContain("Nothing was changed.");
    expect(group.usage).toBe(USAGE.managers);
    expect(failure(parseAwsCommand("managers add <#C0123ABCD|ops>")).problem).toContain(
      "`#ops` is a channel, not a person.",
    );
    expect(failure(parseAwsCommand("managers add <!here>")).problem).toContain("`@here` is not a person.");
    expect(failure(parseAwsCommand("managers add @alice")).problem).toContain(
      "I cannot tell who `@alice` is: type @ and pick the person from Slack's list",
    );
  });

  it("needs someone, and a verb it knows", () => {
    expect(failure(parseAwsCommand("managers add")).problem).toBe(
      "`managers add` needs at least one @person.",
    );
    expect(failure(parseAwsCommand("managers remove   ")).problem).toBe(
      "`managers remove` needs at least one @person.",
    );
    expect(failure(parseAwsCommand("managers promote <@U0AAAAAAA1>")).problem).toBe(
      "`managers` takes `add` or `remove`, not `promote`.",
    );
  });

  it("refuses more than MAX_PEOPLE_PER_COMMAND people, and oversized hostile text, quickly", () => {
    const many = Array.from(
      { length: MAX_PEOPLE_PER_COMMAND + 1 },
      (_, i) => `<@U0${String(i).padStart(8, "0")}>`,
    );
    expect(failure(parseAwsCommand(`managers add ${many.join(" ")}`)).problem).toContain(
      `at most ${MAX_PEOPLE_PER_COMMAND} people`,
    );
    const started = Date.now();
    const hostile = `managers add ${"<".repeat(200_000)}${"<@U0AAAAAAA1|".repeat(20_000)}`;
    const parsed = failure(parseAwsCommand(hostile));
    expect(Date.now() - started).toBeLessThan(1000);
    // A refusal quotes at most 40 characters of what was typed, and never a backtick that breaks out.
    for (const line of parsed.problem.split("\n")) expect(line.length).toBeLessThan(300);
    const ticks = failure(parseAwsCommand("managers add `rm -rf`"));
    expect(ticks.problem).toContain("'rm");
  });
});
