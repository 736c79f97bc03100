import { formatNotification, renderNotification } from "../../src/notifications";
import { eventEnvelope, fixture, visibleSlackText } from "./sns-fixtures";

/**
 * What the public example events of test/fixtures/sns-public showed the formatters getting wrong,
 * one rule each; the corpus test (render-fixtures.test.ts) holds every fixture to the general rules.
 */

function format(file: string) {
  return formatNotification(fixture(file).envelope);
}

describe("Trusted Advisor check items", () => {
  it("lists the instance and the savings, not the per-day series that came first", () => {
    const n = format("trustedadvisor-low-utilization-warn");
    const labels = n.fields.map((f) => f.label);
    expect(labels).toEqual(expect.arrayContaining(["Instance ID", "Estimated Monthly Savings"]));
    expect(labels.some((label) => /^Day \d+$/.test(label))).toBe(false);
    // The item's null `Instance Name` is not a field.
    expect(labels).not.toContain("Instance Name");
  });

  it("names the resource in the header by its name, so the header is not cut", () => {
    const header = (
      renderNotification(fixture("trustedadvisor-lb-optimization-warn").envelope).slack.blocks[0] as {
        text: { text: string };
      }
    ).text.text;
    expect(header).toBe("🟠 WARN · Trusted Advisor: Load Balancer Optimization · my-load-balancer");
    expect(format("trustedadvisor-lb-optimization-warn").resources).toContain(
      "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/my-load-balancer",
    );
  });

  it("treats an empty resource_id as no resource", () => {
    const n = format("trustedadvisor-exposed-access-keys-error");
    expect(n.resources).not.toContain("");
    expect(n.title).toBe("Trusted Advisor: Exposed Access Keys");
  });
});

describe("Access Analyzer analysis errors", () => {
  it("says the resource could not be analyzed, not that it is shared, and gives no severity", () => {
    const n = format("access-analyzer-error-access-denied");
    expect(n.title).toBe("AWS::S3::Bucket my-bucket could not be analyzed (ACCESS_DENIED)");
    expect(n.severity).toBeUndefined();
    expect(n.fields).toContainEqual({ label: "Analysis error", value: "ACCESS_DENIED" });
  });

  it("still rates a shared finding without an error", () => {
    expect(format("access-analyzer-cross-account-bucket").severity).toBe("medium");
  });
});

describe("ECS container instances", () => {
  it("are an ECS event with the instance, cluster, status and agent, not the generic view", () => {
    const n = format("ecs-container-instance-active");
    expect(n).toMatchObject({
      service: "ecs",
      kind: "container-instance-state-change",
      title: "ECS container instance i-f3a8506b ACTIVE in default",
      state: "ACTIVE",
      consoleUrl: "https://console.aws.amazon.com/ecs/v2/clusters/default/infrastructure?region=us-east-1",
    });
    expect(n.severity).toBeUndefined();
    expect(n.details).toBeUndefined();
    expect(n.fields).toEqual(
      expect.arrayContaining([
        { label: "EC2 instance", value: "i-f3a8506b" },
        { label: "Agent", value: "connected" },
        { label: "Agent version", value: "1.13.0" },
      ]),
    );
  });

  it("says when the agent disconnected", () => {
    const n = formatNotification(
      eventEnvelope("ECS Container Instance State Change", "aws.ecs", {
        clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/prod",
        ec2InstanceId: "i-0abc",
        status: "DRAINING",
        agentConnected: false,
      }),
    );
    expect(n.title).toBe("ECS container instance i-0abc DRAINING in prod");
    expect(n.fields).toContainEqual({ label: "Agent", value: "disconnected" });
  });
});

describe("Auto Scaling instance refreshes", () => {
  it.each([
    ["Failed", "high"],
    ["Cancelled", "medium"],
    ["Succeeded", "ok"],
    ["Started", "info"],
    ["Checkpoint Reached", "info"],
  ])("%s → %s, with the state in the header", (outcome, severity) => {
    const envelope = eventEnvelope(`EC2 Auto Scaling Instance Refresh ${outcome}`, "aws.autoscaling", {
      InstanceRefreshId: "c613620e-07e2-4ed2-a9e2-ef8258911ade",
      AutoScalingGroupName: "web-asg",
      CheckpointPercentage: "50",
    });
    const n = formatNotification(envelope);
    expect(n).toMatchObject({ service: "autoscaling", state: outcome, severity });
    expect(n.title).toBe(`Auto Scaling instance refresh ${outcome} · web-asg`);
    expect(visibleSlackText(renderNotification(envelope).slack)).toContain("50%");
  });
});
