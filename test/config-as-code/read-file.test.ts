/**
 * Reading configuration files: malformed, hostile and oversized input is refused with a line and a
 * field, never a crash; every problem is reported at once.
 */
import { FILE_MAX_BYTES, formatProblems, readConfigFile } from "../../src/config-as-code/read-file";

const problemsOf = (text: string) => {
  const read = readConfigFile(text);
  if (read.ok) throw new Error("expected the file to be refused");
  return formatProblems("f.yaml", read.problems);
};

describe("readConfigFile", () => {
  it("accepts a minimal file and fills the defaults", () => {
    const read = readConfigFile(
      "version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - channel_id: C0A\n        name: a\n",
    );
    expect(read.ok && read.file.workspaces[0]).toEqual({
      team_id: "T0AAA",
      managers: [],
      linked_accounts: [],
      channels: [
        { channel_id: "C0A", name: "a", topics: [], managed_by: "file", allow_slack_changes: false },
      ],
      webhook_rooms: [],
    });
    expect(read.ok && read.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["an empty file", "", "f.yaml:1: version: "],
    [
      "a list at the top",
      "- version: 1\n",
      "f.yaml:1: (top level): Invalid input: expected object, received array",
    ],
    ["a scalar at the top", "just text\n", "f.yaml:1: (top level): Invalid input: expected object"],
    [
      "a webhook URL in clear",
      "version: 1\nworkspaces:\n  - team_id: cli\n    webhook_rooms:\n      - name: r\n        description: Room/Hook\n        url: https://hooks.chime.aws/x\n",
      'f.yaml:7: workspaces[0].webhook_rooms[0].url: unknown key "url"',
    ],
    [
      "a room with no URL reference",
      "version: 1\nworkspaces:\n  - team_id: cli\n    webhook_rooms:\n      - name: r\n        description: Room/Hook\n",
      "exactly one of url_from_env or url_file",
    ],
    [
      "a guessed team id",
      "version: 1\nworkspaces:\n  - team_id: my-team\n",
      "f.yaml:3: workspaces[0].team_id: a Slack workspace id",
    ],
    [
      "a FIFO topic",
      "version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - channel_id: C0A\n        name: a\n        topics: [arn:aws:sns:us-east-1:123456789012:t.fifo]\n",
      "FIFO",
    ],
    [
      "a name with spaces",
      "version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - channel_id: C0A\n        name: my alerts\n",
      "f.yaml:6: workspaces[0].channels[0].name: a configuration name may contain only letters",
    ],
    [
      "the same workspace twice",
      "version: 1\nworkspaces:\n  - team_id: T0AAA\n  - team_id: T0AAA\n",
      'f.yaml:4: workspaces[1].team_id: duplicate workspace "T0AAA" (first on line 3)',
    ],
    [
      "a name twice, case aside",
      "version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - {channel_id: C0A, name: Alerts}\n      - {channel_id: C0B, name: alerts}\n",
      'duplicate configuration name "alerts"',
    ],
  ])("refuses %s", (_what, text, problem) => {
    expect(problemsOf(text)).toContain(problem);
  });

  it("reports every problem at once, in line order", () => {
    const text =
      'version: 1\nworkspaces:\n  - team_id: T0AAA\n    managers: [x]\n    linked_accounts: ["1"]\n    extra: 1\n';
    expect(problemsOf(text).split("\n")).toEqual([
      "f.yaml:4: workspaces[0].managers[0]: a Slack user id (U… or W…)",
      "f.yaml:5: workspaces[0].linked_accounts[0]: an AWS account id: exactly 12 digits",
      'f.yaml:6: workspaces[0].extra: unknown key "extra"',
    ]);
  });

  it("refuses an alias bomb without expanding it", () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0
        ? "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"
        : `a${i}: &a${i} [${Array(10)
            .fill(`*a${i - 1}`)
            .join(", ")}]`,
    );
    expect(problemsOf(`version: 1\n${levels.join("\n")}\n`)).toContain("(YAML):");
  });

  it("refuses a file larger than FILE_MAX_BYTES before parsing it", () => {
    expect(problemsOf(`version: 1\n#${"x".repeat(FILE_MAX_BYTES)}\n`)).toBe(
      `f.yaml:1: (file): larger than ${FILE_MAX_BYTES} bytes`,
    );
  });

  it("refuses hostile mentions: a label that would mention, an oversized target, more than a channel may have", () => {
    const file = (mentions: string) =>
      `version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions:\n${mentions}`;
    expect(problemsOf(file('          - target: <!here>\n            label: "<!channel>"\n'))).toBe(
      "f.yaml:9: workspaces[0].channels[0].mentions[0].label: a name of 1 to 201 characters without <, >, | or line breaks",
    );
    expect(problemsOf(file(`          - target: <@U${"A".repeat(5000)}>\n`))).toMatch(
      /^f\.yaml:8: workspaces\[0\]\.channels\[0\]\.mentions\[0\]\.target: Too big/,
    );
    const many = Array.from(
      { length: 21 },
      (_, i) => `          - target: <@U0${String(i).padStart(4, "0")}>\n`,
    );
    expect(problemsOf(file(many.join("")))).toMatch(
      /^f\.yaml:8: workspaces\[0\]\.channels\[0\]\.mentions: Too big/,
    );
  });

  it("refuses deep nesting in a mentions block with a line, not a stack overflow", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const text = `version: 1\nworkspaces:\n  - team_id: T0AAA\n    channels:\n      - channel_id: C0A\n        name: a\n        mentions: {x: ${deep}}\n`;
    expect(problemsOf(text)).toMatch(/f\.yaml:\d+: /);
  });
});
