import type { Severity } from "./types";

/**
 * Every severity a notification shows comes from here: the event's own severity field (GuardDuty,
 * Security Hub, Inspector, custom `priority`/`severity`, SEVn/Pn keywords) or the per-service table
 * below, which src/notifications/README.md lists. A state no table knows gets no badge: an invented
 * "Info" on an event we cannot read misleads more than no badge at all.
 */

type Table = Readonly<Record<string, Severity>>;

/** State words per service, upper-cased. Keys of this object are the table names formatters use. */
export const STATE_SEVERITY = {
  cloudwatch: { ALARM: "high", OK: "ok", INSUFFICIENT_DATA: "low" },
  codepipeline: {
    FAILED: "high",
    STOPPED: "medium",
    ABANDONED: "medium",
    CANCELED: "low",
    STOPPING: "low",
    SUCCEEDED: "ok",
    STARTED: "info",
    RESUMED: "info",
    SUPERSEDED: "info",
    // A manual approval waiting for someone: a request, not a fault.
    "APPROVAL NEEDED": "info",
  },
  codebuild: {
    FAILED: "high",
    FAULT: "high",
    TIMED_OUT: "high",
    STOPPED: "medium",
    SUCCEEDED: "ok",
    IN_PROGRESS: "info",
  },
  codedeploy: { FAILURE: "high", STOP: "medium", SUCCESS: "ok", START: "info", READY: "info" },
  stepfunctions: {
    FAILED: "high",
    TIMED_OUT: "high",
    ABORTED: "medium",
    PENDING_REDRIVE: "medium",
    SUCCEEDED: "ok",
    RUNNING: "info",
  },
  "ssm-command": {
    FAILED: "medium",
    TIMEDOUT: "medium",
    "TIMED OUT": "medium",
    DELIVERYTIMEDOUT: "medium",
    EXECUTIONTIMEDOUT: "medium",
    UNDELIVERABLE: "medium",
    TERMINATED: "medium",
    DELAYED: "low",
    PENDING: "info",
    INPROGRESS: "info",
    CANCELLED: "low",
    CANCELED: "low",
    CANCELLING: "low",
    SUCCESS: "ok",
    SUCCEEDED: "ok",
  },
  "ssm-automation": {
    FAILED: "high",
    TIMEDOUT: "high",
    "TIMED OUT": "high",
    CANCELLED: "medium",
    CANCELED: "medium",
    CANCELLING: "medium",
    SUCCESS: "ok",
    SUCCEEDED: "ok",
  },
  backup: {
    FAILED: "high",
    ABORTED: "medium",
    EXPIRED: "medium",
    PARTIAL: "medium",
    COMPLETED: "ok",
    CREATED: "info",
    PENDING: "info",
    RUNNING: "info",
    STARTED: "info",
  },
  config: { NON_COMPLIANT: "medium", COMPLIANT: "ok", INSUFFICIENT_DATA: "low" },
  trustedadvisor: { ERROR: "high", WARN: "medium", OK: "ok" },
  elasticbeanstalk: {
    SEVERE: "critical",
    DEGRADED: "high",
    WARNING: "medium",
    SUSPENDED: "medium",
    UNKNOWN: "low",
    "NO DATA": "low",
    INFO: "info",
    PENDING: "info",
    OK: "ok",
  },
  "access-analyzer": { RESOLVED: "ok", ARCHIVED: "info" },
  inspector: { CLOSED: "ok", SUPPRESSED: "info" },
  // Instance state changes are routine (scaling, schedules); an unexpected one is for alarms to judge.
  ec2: {
    PENDING: "info",
    RUNNING: "info",
    STOPPING: "info",
    STOPPED: "info",
    "SHUTTING-DOWN": "info",
    TERMINATED: "info",
  },
  autoscaling: {
    FAILED: "high",
    CANCELLED: "high",
    SUCCESSFUL: "info",
    INPROGRESS: "info",
    PREINSERVICE: "info",
    MIDLIFECYCLEACTION: "info",
  },
  // Instance refreshes, by the detail type's last words (`… Instance Refresh Failed`).
  "autoscaling-refresh": {
    FAILED: "high",
    CANCELLED: "medium",
    SUCCEEDED: "ok",
    STARTED: "info",
    "CHECKPOINT REACHED": "info",
  },
  "health-category": {
    ISSUE: "high",
    SCHEDULEDCHANGE: "medium",
    INVESTIGATION: "medium",
    ACCOUNTNOTIFICATION: "info",
  },
  // RDS User Guide, "Amazon RDS event categories".
  "rds-category": {
    FAILURE: "high",
    "LOW STORAGE": "high",
    AVAILABILITY: "high",
    FAILOVER: "medium",
    RECOVERY: "medium",
    "READ REPLICA": "medium",
    SECURITY: "medium",
    RESTORATION: "info",
    BACKUP: "info",
    CONFIGURATION: "info",
    "CONFIGURATION CHANGE": "info",
    CREATION: "info",
    DELETION: "info",
    NOTIFICATION: "info",
    MAINTENANCE: "low",
    "SECURITY PATCHING": "low",
  },
  // Glue job states (SUCCEEDED, FAILED, TIMEOUT, STOPPED, and the run-status ones) and crawler states.
  glue: {
    FAILED: "high",
    ERROR: "high",
    TIMEOUT: "high",
    STOPPED: "low",
    STOPPING: "info",
    RUNNING: "info",
    STARTING: "info",
    WAITING: "info",
    STARTED: "info",
    SUCCEEDED: "ok",
  },
  // GuardDuty Malware Protection scan results (`scanResultStatus`, else `scanStatus`).
  "guardduty-malware": {
    THREATS_FOUND: "high",
    INFECTED: "high",
    FAILED: "medium",
    ACCESS_DENIED: "medium",
    UNSUPPORTED: "low",
    SKIPPED: "low",
    COMPLETED_WITH_ISSUES: "low",
    NO_THREATS_FOUND: "ok",
    CLEAN: "ok",
  },
  // Inspector2 Coverage `scanStatus.statusCodeValue`: a resource no longer scanned.
  "inspector-coverage": { INACTIVE: "low", ACTIVE: "ok" },
  // DMS User Guide, "AWS DMS event categories and event messages".
  "dms-category": {
    FAILURE: "high",
    LOWSTORAGE: "high",
    "LOW STORAGE": "high",
    FAILOVER: "medium",
    MAINTENANCE: "low",
    "STATE CHANGE": "info",
    STATECHANGE: "info",
    "CONFIGURATION CHANGE": "info",
    CONFIGURATIONCHANGE: "info",
    CREATION: "info",
    DELETION: "info",
  },
  // Any event we have no formatter for: only a failure word in `state`/`status` is known to matter.
  generic: { FAILED: "high", FAILURE: "high", ERROR: "high", FAULT: "high", TIMED_OUT: "high" },
} as const satisfies Record<string, Table>;

export type SeverityTable = keyof typeof STATE_SEVERITY;

/** The table's severity of `state` (case-insensitive), or `undefined` when the table has none. */
export function stateSeverity(table: SeverityTable, state: string | undefined): Severity | undefined {
  if (state === undefined) return undefined;
  const entries: Table = STATE_SEVERITY[table];
  return entries[state.trim().toUpperCase()];
}

/** Events whose id says more than their category (RDS User Guide, "Amazon RDS event categories"). */
export const RDS_EVENTS: Readonly<Record<string, { category: string; severity?: Severity }>> = {
  "RDS-EVENT-0004": { category: "availability" }, // instance shut down
  "RDS-EVENT-0006": { category: "availability", severity: "medium" }, // instance restarted
  "RDS-EVENT-0007": { category: "low storage" }, // allocated storage exhausted
  "RDS-EVENT-0013": { category: "failover", severity: "high" }, // Multi-AZ failover started
  "RDS-EVENT-0015": { category: "failover" }, // Multi-AZ failover completed
  "RDS-EVENT-0022": { category: "availability" }, // error while restarting
  "RDS-EVENT-0031": { category: "failure" }, // instance failed (incompatible configuration)
  "RDS-EVENT-0034": { category: "failover" }, // failover not attempted (recent failover)
  "RDS-EVENT-0036": { category: "failure" }, // incompatible network
  "RDS-EVENT-0049": { category: "failover" }, // Multi-AZ failover completed
  "RDS-EVENT-0089": { category: "low storage" }, // storage consumed above 90%
  "RDS-EVENT-0221": { category: "low storage" }, // storage-full threshold reached
};

/** An RDS event: its id's own entry, else its first known category, else none. */
export function rdsSeverity(
  eventId: string | undefined,
  categories: readonly string[],
): Severity | undefined {
  const known = eventId === undefined ? undefined : RDS_EVENTS[eventId];
  if (known?.severity !== undefined) return known.severity;
  for (const category of known === undefined ? categories : [known.category, ...categories]) {
    const severity = stateSeverity("rds-category", category);
    if (severity !== undefined) return severity;
  }
  return undefined;
}

/** DMS event ids by category (DMS User Guide), and the few whose message says more than it. */
export const DMS_EVENTS: Readonly<Record<string, { category: string; severity?: Severity }>> = {
  "DMS-EVENT-0007": { category: "low storage" }, // more than 90% of storage used
  "DMS-EVENT-0013": { category: "failover" }, // failover started
  "DMS-EVENT-0026": { category: "maintenance", severity: "medium" }, // offline: instance unavailable
  "DMS-EVENT-0031": { category: "failure" }, // storage failure
  "DMS-EVENT-0036": { category: "failure" }, // incompatible network
  "DMS-EVENT-0037": { category: "failure" }, // KMS key not accessible
  "DMS-EVENT-0078": { category: "failure" }, // replication task failed
  "DMS-EVENT-0082": { category: "failure" }, // task data not cleaned up after delete
  "DMS-EVENT-0069": { category: "state change" }, // task started
  "DMS-EVENT-0079": { category: "state change" }, // task stopped
  "DMS-EVENT-0091": { category: "state change", severity: "medium" }, // reading paused: swap files
  "DMS-EVENT-0092": { category: "state change", severity: "medium" }, // reading paused: disk usage
};

/** A DMS event: its id's own entry, else its category, else none. */
export function dmsSeverity(eventId: string | undefined, category: string | undefined): Severity | undefined {
  const known = eventId === undefined ? undefined : DMS_EVENTS[eventId];
  if (known?.severity !== undefined) return known.severity;
  return stateSeverity("dms-category", known?.category) ?? stateSeverity("dms-category", category);
}

/** Inspector2 Scan `finding-severity-counts`: the worst level with findings; none at all → ok. */
export function findingCountsSeverity(
  counts: Readonly<Record<string, number | undefined>>,
): Severity | undefined {
  let known = false;
  for (const level of ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const) {
    const count = counts[level];
    if (count === undefined) continue;
    known = true;
    if (count > 0) return labelSeverity(level);
  }
  const total = counts.TOTAL;
  if (total !== undefined) return total > 0 ? "low" : "ok";
  return known ? "ok" : undefined;
}

/** GuardDuty's bands: 1.0–3.9 Low, 4.0–6.9 Medium, 7.0–8.9 High, 9.0+ Critical. */
export function guardDutySeverity(score: number | undefined): Severity | undefined {
  if (score === undefined) return undefined;
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return "low";
}

/** Trusted Advisor checks of the Security category: an ERROR there is an open door. */
const TRUSTED_ADVISOR_SECURITY_CHECKS = new Set(
  [
    "Exposed Access Keys",
    "MFA on Root Account",
    "Security Groups - Specific Ports Unrestricted",
    "Security Groups - Unrestricted Access",
    "Amazon S3 Bucket Permissions",
    "Amazon EBS Public Snapshots",
    "Amazon RDS Public Snapshots",
    "Amazon RDS Security Group Access Risk",
    "AWS CloudTrail Logging",
    "IAM Use",
    "IAM Password Policy",
    "IAM Access Key Rotation",
    "ELB Listener Security",
    "ELB Security Groups",
  ].map((name) => name.toLowerCase()),
);

export function isTrustedAdvisorSecurityCheck(check: string | undefined): boolean {
  return TRUSTED_ADVISOR_SECURITY_CHECKS.has((check ?? "").trim().toLowerCase());
}

export function trustedAdvisorSeverity(
  check: string | undefined,
  status: string | undefined,
): Severity | undefined {
  const severity = stateSeverity("trustedadvisor", status);
  if (severity === "high" && isTrustedAdvisorSecurityCheck(check)) {
    return "critical";
  }
  return severity;
}

/** Health: a closed event is over; otherwise its category decides. */
export function healthSeverity(
  category: string | undefined,
  status: string | undefined,
  actionability: string | undefined,
): Severity | undefined {
  if (status === "closed") return "ok";
  const byCategory = stateSeverity("health-category", category);
  if (byCategory === "info" && actionability === "ACTION_REQUIRED") return "medium";
  return byCategory;
}

/** CloudFormation statuses by suffix: a completed rollback is still a failed deployment. */
export function cloudFormationSeverity(status: string | undefined): Severity | undefined {
  if (status === undefined) return undefined;
  if (status.endsWith("_FAILED") || status.includes("ROLLBACK")) return "high";
  if (status === "DELETE_SKIPPED") return "low";
  if (status.endsWith("_COMPLETE")) return "ok";
  if (status.endsWith("_IN_PROGRESS")) return "info";
  return undefined;
}

/** Cost anomalies by total impact in USD: ≥ 1000 high, ≥ 100 medium, less low. */
export function costAnomalySeverity(totalImpact: number | undefined): Severity | undefined {
  if (totalImpact === undefined) return undefined;
  if (totalImpact >= 1000) return "high";
  if (totalImpact >= 100) return "medium";
  return "low";
}

// Letters-only boundaries so that `BUILD_FAILED` and `status=SUCCESS` match but `PAYMENT_DECLINED`
// or `unhealthy` do not read as failure / success by accident.
const FAILURE =
  /(?<![a-z])(fail|fails|failed|failure|failing|error|errors|errored|timed[ _-]?out|timeout|aborted|crashed|unhealthy|outage)(?![a-z])/i;
const SUCCESS =
  /(?<![a-z])(success|successful|successfully|succeeded|passed|resolved|recovered|healthy|completed successfully)(?![a-z])/i;

/**
 * AWS's own fixed-text formats (Elastic Beanstalk, Backup) that carry no state word: a failure
 * sentence → medium, a success sentence → ok. Never used for free text a person wrote.
 */
export function serviceTextSeverity(text: string): Severity | undefined {
  // Long texts are judged by their beginning: the verdict is rarely on line 2,000.
  const head = text.length > 2000 ? text.slice(0, 2000) : text;
  if (FAILURE.test(head)) return "medium";
  if (SUCCESS.test(head)) return "ok";
  return undefined;
}

/** A service's own severity label (Security Hub, Inspector, custom priority/severity, SEVn/Pn). */
export function labelSeverity(label: string | undefined): Severity | undefined {
  switch (label?.trim().toUpperCase()) {
    case "CRITICAL":
    case "SEV1":
    case "SEV-1":
    case "SEV0":
    case "SEV-0":
    case "P0":
    case "P1":
      return "critical";
    case "HIGH":
    case "SEV2":
    case "SEV-2":
    case "P2":
    case "ERROR":
      return "high";
    case "MEDIUM":
    case "MODERATE":
    case "SEV3":
    case "SEV-3":
    case "P3":
    case "WARNING":
    case "WARN":
      return "medium";
    case "LOW":
    case "SEV4":
    case "SEV-4":
    case "P4":
      return "low";
    case "INFORMATIONAL":
    case "INFO":
    case "UNTRIAGED":
    case "SEV5":
    case "SEV-5":
    case "P5":
      return "info";
    case "OK":
    case "RESOLVED":
      return "ok";
    default:
      return undefined;
  }
}

/** Order from most to least urgent, for picking the worst of several findings. */
export function severityRank(severity: Severity | undefined): number {
  switch (severity) {
    case "critical":
      return 5;
    case "high":
      return 4;
    case "medium":
      return 3;
    case "low":
      return 2;
    case "info":
      return 1;
    case "ok":
      return 0;
    default:
      return -1;
  }
}
