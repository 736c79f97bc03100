/** The plan, pure: file × database state → creates, changes, deletes, refusals. */
import type { ChannelState, WorkspaceState } from "../../src/config-as-code/deployment-state";
import type { ChannelEntry, WorkspaceEntry } from "../../src/config-as-code/file-schema";
import { hasWrites, planWorkspace, refusals, renderPlan } from "../../src/config-as-code/plan";

const TEAM = "T0AAA";
const arn = (account: string, name: string) => `arn:aws:sns:us-east-1:${account}:${name}`;

function channel(overrides: Partial<ChannelEntry> = {}): ChannelEntry {
  return {
    channel_id: "C0A",
    name: "alerts",
    topics: [],
    managed_by: "file",
    allow_slack_changes: false,
    ...overrides,
  };
}
function state(channels: Partial<ChannelState>[] = [], linked: string[] = []): WorkspaceState {
  return {
    team_id: TEAM,
    managers: [],
    linked_accounts: linked,
    channels: channels.map((c, i) => ({ ...channel(), id: `id-${i}`, ...c }) as ChannelState),
    webhook_rooms: [],
  };
}
function wanted(channels: ChannelEntry[], linked: string[] = []): WorkspaceEntry {
  return { team_id: TEAM, managers: [], linked_accounts: linked, channels, webhook_rooms: [] };
}
const plan = (want: WorkspaceEntry, current: WorkspaceState, prune = false) =>
  planWorkspace({ wanted: want, rooms: [], current, prune, policy: "linked" });

describe("planWorkspace", () => {
  it("a managed_by: slack entry that exists is left to Slack: only its ownership follows the file", () => {
    const current = state([
      {
        managed_by: "slack",
        topics: [arn("111122223333", "a")],
        iam_role: "arn:aws:iam::111122223333:role/R",
      },
    ]);
    const same = plan(wanted([channel({ managed_by: "slack" })]), current);
    expect(hasWrites(same)).toBe(false);
    const handedOver = plan(wanted([channel({ managed_by: "slack", allow_slack_changes: true })]), current);
    expect(handedOver.changes).toEqual([
      {
        kind: "change",
        subject: "channel",
        label: "alerts (#C0A, C0A)",
        details: ["allow_slack_changes: false → true"],
      },
    ]);
    expect(handedOver.channels.update).toEqual([expect.objectContaining({ ownershipOnly: true })]);
  });

  it("channel_name is for readers: a Slack rename is not undone", () => {
    const current = state([{ channel_name: "alerts-renamed" }]);
    expect(hasWrites(plan(wanted([channel({ channel_name: "alerts" })]), current))).toBe(false);
  });

  it("TOPIC_ACCESS counts the file's links, and with --prune only them", () => {
    const topics = [arn("111122223333", "a")];
    const viaFile = plan(wanted([channel({ topics })], ["111122223333"]), state());
    expect(refusals(viaFile)).toEqual([]);
    const viaDatabase = plan(wanted([channel({ topics })]), state([], ["111122223333"]));
    expect(refusals(viaDatabase)).toEqual([]);
    const pruned = plan(wanted([channel({ topics })]), state([], ["111122223333"]), true);
    expect(pruned.unlinkedAccounts).toEqual(["111122223333"]);
    // Topics a configuration already has are not checked again (as /aws subscribe checks only new ones).
    const kept = plan(wanted([channel({ topics })]), state([{ topics }]));
    expect(refusals(kept)).toEqual([]);
  });

  it("filters are compared as the filter module stores them: key order does not count, removal does", () => {
    const current = state([{ filters: { severity: "high", services: ["cloudwatch"] } }]);
    const same = plan(
      wanted([channel({ filters: { services: ["cloudwatch"], severity: "high" } })]),
      current,
    );
    expect(hasWrites(same)).toBe(false);
    const removed = plan(wanted([channel()]), current);
    expect(removed.changes[0].details).toEqual([
      expect.stringMatching(/^filters: severity ≥ high.* → none$/),
    ]);
  });

  it("mentions are compared by target: file order does not count; a missing label is what Slack shows", () => {
    const current = state([
      {
        mentions: [
          { target: "<!here>", label: "@here", level: "critical" },
          { target: "<@U0ALICE>", label: "@U0ALICE", level: "high" },
        ],
      },
    ]);
    const same = plan(
      wanted([
        channel({
          mentions: [
            { target: "<@U0ALICE>", at: "high" },
            { target: "<!here>", label: "@here", at: "critical" },
          ],
        }),
      ]),
      current,
    );
    expect(hasWrites(same)).toBe(false);
    const relabelled = plan(
      wanted([channel({ mentions: [{ target: "<@U0ALICE>", label: "@alice", at: "high" }] })]),
      current,
    );
    expect(relabelled.changes[0].details).toEqual([
      "mentions: ~ @U0ALICE (<@U0ALICE>) from high → @alice from high",
      "mentions: - @here (<!here>) from critical",
    ]);
    // A managed_by: slack channel keeps the mentions Slack gave it.
    expect(
      hasWrites(
        plan(
          wanted([channel({ managed_by: "slack" })]),
          state([{ ...current.channels[0], managed_by: "slack" }]),
        ),
      ),
    ).toBe(false);
  });

  it("renders nothing to do for an empty plan, and counts what is left", () => {
    expect(renderPlan([plan(wanted([]), state())])).toBe("nothing to do\n");
    expect(renderPlan([plan(wanted([]), state([{}]))])).toBe(
      "workspace T0AAA\n  = channel alerts (#C0A, C0A)  (not in the file: left as it is; --prune deletes it)\nnothing to do (1 not in the file, left as they are)\n",
    );
  });
});
