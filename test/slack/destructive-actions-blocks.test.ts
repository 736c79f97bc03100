/**
 * Issue 11 item 10 and the read-only Home of item 5, on the pure builders: what the buttons are
 * called and where they sit, the confirmation of `/aws delete`, "needs attention" in `/aws status`,
 * and the welcome view's placeholders escaped.
 */
import type { ChannelConfigurationView } from "../../src/configurations/configuration-queries";
import type { WorkspaceOverview } from "../../src/configurations/configuration-service";
import {
  DELETE_CONFIRM_ACTION,
  deleteConfirmReply,
  statusReply,
} from "../../src/slack/blocks/command-replies";
import { configuredClientsHomeView, HOME_ACTIONS, welcomeHomeView } from "../../src/slack/blocks/home";
import { problemReply } from "../../src/slack/blocks/replies";
import { forUsers } from "../../src/slack/blocks/text";
import { validateBlocks } from "../support/block-kit-validator";
import { blockProblems, viewProblems } from "../support/fake-slack-blocks";

const configuration: ChannelConfigurationView = {
  id: "cfg-1",
  kind: "slack",
  name: "alerts",
  teamId: "T1",
  enterpriseId: null,
  channelId: "C1",
  channelName: "alerts",
  channelPrivate: false,
  iamRoleArn: null,
  externalId: "awschatbot-x",
  filters: null,
  managedBy: "slack",
  allowSlackChanges: false,
  state: "active",
  stateReason: null,
  createdBy: "U1",
  createdAt: new Date(0),
  topics: [
    {
      topicArn: "arn:aws:sns:us-east-1:123456789012:a",
      region: "us-east-1",
      status: "confirmed",
      statusReason: null,
    },
  ],
};

const overview: WorkspaceOverview = {
  total: 1,
  page: 0,
  pageCount: 1,
  configurations: [{ ...configuration, topicCount: 1 }],
  audit: [
    {
      id: "a1",
      teamId: "T1",
      userId: "U1",
      action: "managers.added",
      detail: "made <@U0NEWMGR01> a manager",
      visibleToAll: true,
      createdAt: new Date(0),
    },
  ],
};

const healthy = {
  lastPostedAt: null,
  pending: 0,
  held: 0,
  deadLetters: 0,
  recentFailures: 0,
  lastError: null,
};

describe("destructive actions", () => {
  it("App Home's delete button names the configuration, not the channel, and asks first", () => {
    const view = configuredClientsHomeView(overview, { command: "/aws" });
    expect(viewProblems(view)).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).not.toContain("Delete channel");
    const actions = view.blocks.flatMap((b) => ("elements" in b && b.type === "actions" ? b.elements : []));
    const remove = actions.find((e) => "action_id" in e && e.action_id === HOME_ACTIONS.delete);
    expect(remove).toMatchObject({
      text: { text: "Delete configuration" },
      style: "danger",
      confirm: { style: "danger" },
    });
  });

  it("Remove workspace configuration is not primary-styled, and not beside Configure new channel", () => {
    const view = configuredClientsHomeView(overview, { command: "/aws" });
    const rows = view.blocks.filter((b) => b.type === "actions");
    const top = rows.find((b) => b.block_id === "home_workspace_actions");
    expect(JSON.stringify(top)).toContain(HOME_ACTIONS.configureNew);
    expect(JSON.stringify(top)).not.toContain(HOME_ACTIONS.removeWorkspace);
    const removal = rows.find((b) => JSON.stringify(b).includes(HOME_ACTIONS.removeWorkspace));
    const button = removal !== undefined && "elements" in removal ? removal.elements[0] : undefined;
    expect(button).toMatchObject({ confirm: expect.any(Object) });
    expect(button && "style" in button ? button.style : undefined).toBeUndefined();
    // It comes after everything else of the configurations.
    expect(view.blocks.indexOf(removal as (typeof view.blocks)[number])).toBeGreaterThan(
      view.blocks.findIndex((b) => b.block_id === `configuration_actions_${configuration.id}`),
    );
  });

  it("the read-only Home has no buttons, says who manages, and shows audit mentions as people", () => {
    const view = configuredClientsHomeView(overview, {
      command: "/aws",
      viewer: { standing: "member", managers: { installerUserId: "U0INSTALL1", listed: ["U0LISTED01"] } },
    });
    expect(viewProblems(view)).toEqual([]);
    expect(view.blocks.some((b) => b.type === "actions")).toBe(false);
    const text = JSON.stringify(view);
    expect(text).toContain(
      "AWS Chatbot is managed by workspace admins and owners, <@U0INSTALL1> (who installed AWS Chatbot)",
    );
    expect(text).toContain("<@U0LISTED01>");
    expect(text).toContain("made <@U0NEWMGR01> a manager");
    expect(text).toContain("1 public channel configuration");
    // A manager who is not an admin gets the buttons but not the workspace removal.
    const manager = configuredClientsHomeView(overview, {
      command: "/aws",
      viewer: { standing: "manager", managers: { installerUserId: null, listed: [] } },
    });
    expect(JSON.stringify(manager)).toContain(HOME_ACTIONS.edit);
    expect(JSON.stringify(manager)).not.toContain(HOME_ACTIONS.removeWorkspace);
  });

  it("/aws delete answers with a danger button behind a confirm dialog, naming the configuration", () => {
    const reply = deleteConfirmReply(configuration);
    expect(blockProblems(reply.blocks, 50)).toEqual([]);
    expect(validateBlocks([...reply.blocks])).toEqual([]);
    expect(reply.text).toContain("Nothing is deleted until you confirm");
    expect(JSON.stringify(reply)).toContain("the Slack channel itself stays");
    const actions = reply.blocks.find((b) => b.type === "actions");
    expect(actions !== undefined && "elements" in actions ? actions.elements[0] : undefined).toMatchObject({
      action_id: DELETE_CONFIRM_ACTION,
      value: "cfg-1",
      style: "danger",
      confirm: { confirm: { text: "Delete configuration" }, deny: { text: "Cancel" } },
    });
  });

  it.each([
    ["dead letters", { deadLetters: 2 }, "2 dead letters"],
    ["held deliveries", { held: 1 }, "1 notification held"],
  ])("/aws status says needs attention, not active, while %s exist", (_what, delivery, detail) => {
    const reply = statusReply("/aws", configuration, { ...healthy, ...delivery });
    const text = JSON.stringify(reply);
    expect(reply.text).toBe("Deliveries to this channel need attention.");
    expect(text).toContain(`needs attention: ${detail}`);
    expect(text).not.toContain(":large_green_circle: active");
    expect(JSON.stringify(statusReply("/aws", configuration, healthy))).toContain(
      ":large_green_circle: active",
    );
  });

  it("the welcome view escapes its <region>-style placeholders (Slack would read them as links)", () => {
    const text = JSON.stringify(welcomeHomeView({ command: "/aws" }));
    expect(text).toContain("arn:aws:sns:&lt;region&gt;:&lt;account&gt;:&lt;topic&gt;");
    expect(text).not.toContain("<region>");
  });
});

describe("what users are told of internal failures", () => {
  it("keeps addresses, URLs and environment variable names for the operator's log", () => {
    const reason =
      "could not reach SNS in us-east-1 for sns:Subscribe: connect ECONNREFUSED 127.0.0.1:4566 " +
      "(check network access or AWS_ENDPOINT_URL_SNS); PUBLIC_URL is http://10.0.0.7:3000/sns/events";
    const shown = forUsers(reason);
    for (const internal of [
      "127.0.0.1",
      "4566",
      "AWS_ENDPOINT_URL_SNS",
      "PUBLIC_URL",
      "10.0.0.7",
      "http://",
    ]) {
      expect(shown).not.toContain(internal);
    }
    expect(shown).toContain("could not reach SNS in us-east-1 for sns:Subscribe: connect ECONNREFUSED");
    expect(shown).toContain("(a server setting)");
    // ARNs, Slack mentions and error codes stay.
    expect(forUsers("arn:aws:sns:us-east-1:123456789012:a AuthorizationError <@U0ABC>")).toBe(
      "arn:aws:sns:us-east-1:123456789012:a AuthorizationError <@U0ABC>",
    );
  });

  it("a failed topic in /aws status or a reply does not show them either", () => {
    const failed = {
      ...configuration,
      topics: [
        {
          ...configuration.topics[0],
          status: "failed",
          statusReason: "PUBLIC_URL is not set: see https://sns.internal:8443/",
        },
      ],
    };
    const text = JSON.stringify(
      statusReply("/aws", failed, { ...healthy, lastError: "POST http://127.0.0.1:9/x failed" }),
    );
    expect(text).not.toMatch(/PUBLIC_URL|sns\.internal|127\.0\.0\.1/);
    expect(
      JSON.stringify(problemReply("/aws", "users.info failed: connect ECONNREFUSED 127.0.0.1:1")),
    ).not.toContain("127.0.0.1");
  });
});
