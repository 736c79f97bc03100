import { formatNotification, renderNotification } from "../../src/notifications";
import { STATE_SEVERITY, stateSeverity } from "../../src/notifications/severity";
import { eventEnvelope, visibleSlackText, withMessage } from "./sns-fixtures";

/** Issue 12: a badge only from the event's own severity or the documented table; the wrong cases fixed. */

function custom(additionalContext: Record<string, string>, keywords: string[] = []) {
  return formatNotification(
    withMessage("custom-notification-minimal", {
      version: "1.0",
      source: "custom",
      content: { description: "Payments degraded", keywords },
      metadata: { additionalContext },
    }),
  );
}

describe("custom notifications", () => {
  it("reads additionalContext.priority, as AWS's own example writes it", () => {
    expect(custom({ priority: "critical" }).severity).toBe("critical");
    expect(custom({ Priority: "P2" }).severity).toBe("high");
  });

  it("reads additionalContext.severity and SEVn / Pn keywords", () => {
    expect(custom({ severity: "low" }).severity).toBe("low");
    expect(custom({}, ["payments", "SEV1"]).severity).toBe("critical");
    expect(custom({}, ["p3"]).severity).toBe("medium");
  });

  it("shows no badge when the publisher gave none", () => {
    const n = custom({ team: "payments" }, ["payments"]);
    expect(n.severity).toBeUndefined();
    const slack = renderNotification(
      withMessage("custom-notification-minimal", {
        version: "1.0",
        source: "custom",
        content: { title: "Nightly report", description: "Done" },
      }),
    ).slack;
    expect(visibleSlackText(slack)).not.toMatch(/severity/i);
    expect((slack.blocks[0] as { text: { text: string } }).text.text).toBe("Nightly report");
  });
});

function rds(eventId: string, categories: string[], message: string) {
  return formatNotification(
    eventEnvelope("RDS DB Instance Event", "aws.rds", {
      EventCategories: categories,
      SourceType: "DB_INSTANCE",
      SourceArn: "arn:aws:rds:us-east-1:123456789012:db:orders-db",
      Date: "2026-04-01T05:30:00.000Z",
      Message: message,
      SourceIdentifier: "rds:orders-db",
      EventID: eventId,
    }),
  );
}

describe("RDS", () => {
  it("reads a completed Multi-AZ failover as medium, never OK", () => {
    expect(rds("RDS-EVENT-0049", ["failover"], "Multi-AZ instance failover completed.").severity).toBe(
      "medium",
    );
  });

  it("reads a started failover, failures and low storage as high", () => {
    expect(rds("RDS-EVENT-0013", ["failover"], "Multi-AZ instance failover started.").severity).toBe("high");
    expect(rds("RDS-EVENT-0031", ["failure"], "The DB instance has failed.").severity).toBe("high");
    expect(rds("RDS-EVENT-0089", ["low storage"], "Storage above 90%.").severity).toBe("high");
  });

  it("shows no badge for an event of no known id or category, whatever its words", () => {
    expect(rds("RDS-EVENT-9999", [], "Something failed").severity).toBeUndefined();
  });

  it("never shows the event id as the state, and links to the instance without `rds:`", () => {
    const n = rds("RDS-EVENT-0013", ["failover"], "Multi-AZ instance failover started.");
    expect(n.state).toBeUndefined();
    expect(n.consoleUrl).toBe(
      "https://console.aws.amazon.com/rds/home?region=us-east-1#database:id=orders-db;is-cluster=false",
    );
    expect(n.title).toBe("RDS orders-db: Multi-AZ instance failover started.");
  });
});

function trustedAdvisor(check: string, status: string) {
  return formatNotification(
    eventEnvelope("Trusted Advisor Check Item Refresh Notification", "aws.trustedadvisor", {
      "check-name": check,
      "check-item-detail": { "User Name (IAM or Root)": "deploy-bot", "Last Updated Time": "1775021400000" },
      status,
      resource_id: "",
      uuid: "aa12345f-55c7-498e-b7ac-123456781234",
    }),
  );
}

describe("Trusted Advisor", () => {
  it("reads a security check in ERROR as critical, and links to the Security category", () => {
    const n = trustedAdvisor("Exposed Access Keys", "ERROR");
    expect(n.severity).toBe("critical");
    expect(n.consoleUrl).toBe("https://console.aws.amazon.com/trustedadvisor/home#/category/security");
  });

  it("keeps other checks in ERROR high", () => {
    expect(trustedAdvisor("Low Utilization Amazon EC2 Instances", "ERROR").severity).toBe("high");
  });

  it("shows epoch-millisecond times as Slack dates", () => {
    const n = trustedAdvisor("Exposed Access Keys", "ERROR");
    expect(n.fields).toContainEqual({
      label: "Last Updated Time",
      value: "2026-04-01 05:30:00 UTC",
      time: "2026-04-01T05:30:00.000Z",
    });
    expect(JSON.stringify(renderNotification(eventEnvelopeOfTa()).slack)).toContain(
      "<!date^1775021400^{date_short_pretty} {time_secs}|2026-04-01 05:30:00 UTC>",
    );
  });
});

function eventEnvelopeOfTa() {
  return eventEnvelope("Trusted Advisor Check Item Refresh Notification", "aws.trustedadvisor", {
    "check-name": "Exposed Access Keys",
    "check-item-detail": { "Last Updated Time": "1775021400000" },
    status: "ERROR",
  });
}

describe("events no formatter knows", () => {
  it("reads a FAILED or ERROR state/status as high, and leads the header with it", () => {
    const envelope = eventEnvelope("Widget Job State Change", "aws.widgets", {
      jobName: "nightly",
      state: "FAILED",
    });
    const n = formatNotification(envelope);
    expect(n.severity).toBe("high");
    const header = (renderNotification(envelope).slack.blocks[0] as { text: { text: string } }).text.text;
    expect(header).toBe("🔴 FAILED · Widget Job State Change · nightly");
  });

  it("shows no badge for any other state", () => {
    const n = formatNotification(
      eventEnvelope("Widget Job State Change", "aws.widgets", { jobName: "n", state: "RUNNING" }),
    );
    expect(n.severity).toBeUndefined();
    expect(n.state).toBe("RUNNING");
  });
});

describe("the table", () => {
  it("is looked up case-insensitively and knows nothing it does not list", () => {
    expect(stateSeverity("cloudwatch", "alarm")).toBe("high");
    expect(stateSeverity("codebuild", "IN_PROGRESS")).toBe("info");
    expect(stateSeverity("codebuild", "QUEUED")).toBeUndefined();
    expect(stateSeverity("generic", undefined)).toBeUndefined();
  });

  it("spells every state in upper case, as the lookup expects", () => {
    for (const table of Object.values(STATE_SEVERITY)) {
      for (const key of Object.keys(table)) expect(key).toBe(key.toUpperCase());
    }
  });
});
