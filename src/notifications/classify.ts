import { isGuardDutyAnnouncement } from "./formatters/guardduty-announcement";
import { isObject, type JsonObject, obj, parseJson, str, strings } from "./json";
import type { SnsNotificationEnvelope } from "./types";

/**
 * Decides what an SNS message is, from its shape alone, and hands the parsed payload on so no
 * formatter parses it again. Unknown input is a category of its own, never an error.
 */

export type AlarmKind = "metric" | "metric-math" | "anomaly-detection" | "composite";

/** An EventBridge event; CodeStar Notifications' processed format is mapped onto the same shape. */
export interface EventBridgeEvent {
  id?: string;
  detailType: string;
  source: string;
  account?: string;
  region?: string;
  time?: string;
  resources: string[];
  detail: JsonObject;
  /** CodeStar Notifications only: `failedActions`, `failedStage`, … */
  additionalAttributes?: JsonObject;
  notificationRuleArn?: string;
}

export type KnownFormat =
  | "autoscaling-sns"
  | "rds-sns"
  | "dms-sns"
  | "codepipeline-approval"
  | "ssm-command-sns"
  | "cost-anomaly-sns"
  | "guardduty-announcement"
  | "budgets-text"
  | "cloudformation-text"
  | "elasticbeanstalk-text"
  | "backup-text";

export type Classification =
  | { category: "cloudwatch-alarm"; alarmKind: AlarmKind; alarm: JsonObject }
  | {
      category: "eventbridge-event";
      via: "eventbridge" | "codestar-notifications";
      event: EventBridgeEvent;
    }
  | { category: "custom-notification"; payload: JsonObject }
  | { category: "known-format"; format: KnownFormat; payload: JsonObject | undefined; text: string }
  | { category: "plain-text"; text: string }
  | { category: "empty-message" }
  | { category: "unknown-json"; value: unknown };

export type Category = Classification["category"];

export function classify(envelope: SnsNotificationEnvelope): Classification {
  const message = typeof envelope.Message === "string" ? envelope.Message : "";
  if (message.trim() === "") return { category: "empty-message" };
  const parsed = parseJson(message);
  if (parsed === undefined) return classifyText(message, envelope);
  const unwrapped = unwrapMessageStructure(parsed);
  if (typeof unwrapped === "string") return classifyText(unwrapped, envelope);
  return classifyJson(unwrapped, message, envelope.TopicArn);
}

function classifyJson(value: unknown, text: string, topicArn: unknown): Classification {
  if (!isObject(value)) return { category: "unknown-json", value };
  const alarmKind = cloudWatchAlarmKind(value);
  if (alarmKind !== undefined) return { category: "cloudwatch-alarm", alarmKind, alarm: value };
  if (value.source === "custom" && ("content" in value || "version" in value)) {
    return { category: "custom-notification", payload: value };
  }
  const event = eventBridgeEvent(value);
  if (event !== undefined) return { category: "eventbridge-event", via: "eventbridge", event };
  const codestar = codeStarEvent(value);
  if (codestar !== undefined)
    return { category: "eventbridge-event", via: "codestar-notifications", event: codestar };
  const format = knownJsonFormat(value, topicArn);
  if (format !== undefined) return { category: "known-format", format, payload: value, text };
  return { category: "unknown-json", value };
}

function cloudWatchAlarmKind(value: JsonObject): AlarmKind | undefined {
  if (str(value, "AlarmName") === undefined) return undefined;
  if (str(value, "NewStateValue") === undefined && str(value, "AlarmArn") === undefined) return undefined;
  const trigger = obj(value, "Trigger");
  if (trigger === undefined) {
    return "AlarmRule" in value || "TriggeringChildren" in value ? "composite" : "metric";
  }
  const metrics = trigger.Metrics;
  if (str(trigger, "ThresholdMetricId") !== undefined) return "anomaly-detection";
  if (Array.isArray(metrics) && metrics.length > 0) {
    const band = metrics.some((m) => /ANOMALY_DETECTION_BAND/i.test(str(m, "Expression") ?? ""));
    return band ? "anomaly-detection" : "metric-math";
  }
  return "metric";
}

/** An EventBridge event, or CodeStar's processed form when the detail type is under `detailType`. */
function eventFields(
  value: JsonObject,
  detailTypeKey: "detail-type" | "detailType",
): EventBridgeEvent | undefined {
  const detailType = str(value, detailTypeKey);
  if (detailType === undefined) return undefined;
  const source = str(value, "source") ?? sourceOfDetailType(value, detailType);
  if (source === undefined) return undefined;
  return {
    id: str(value, "id"),
    detailType,
    source,
    account: str(value, "account"),
    region: str(value, "region"),
    time: str(value, "time"),
    resources: strings(value, "resources"),
    detail: obj(value, "detail") ?? {},
  };
}

/** Detail-types that name their service, for events passed on without `source` (test tools, copies). */
const SOURCE_BY_DETAIL_TYPE: readonly (readonly [RegExp, string])[] = [
  [/^GuardDuty /, "aws.guardduty"],
  [/^Security Hub /, "aws.securityhub"],
  [/^AWS Health /, "aws.health"],
  [/^CloudWatch Alarm State Change$/, "aws.cloudwatch"],
  [/^CodePipeline /, "aws.codepipeline"],
  [/^CodeBuild /, "aws.codebuild"],
  [/^CodeDeploy /, "aws.codedeploy"],
  [/^CodeCommit /, "aws.codecommit"],
  [/^Config (Rules Compliance|Configuration Item) Change$/, "aws.config"],
  [
    /^EC2 (Command|Command Invocation|Automation Execution|Automation Step) Status-change Notification$/,
    "aws.ssm",
  ],
  [/^ECS /, "aws.ecs"],
  [
    /^EC2 (Instance State-change Notification|Spot Instance Interruption Warning|Instance Rebalance Recommendation)$/,
    "aws.ec2",
  ],
  [/^EC2 Instance(-| )(Launch|Terminate)/, "aws.autoscaling"],
  [/^Step Functions /, "aws.states"],
  [/^Inspector2 /, "aws.inspector2"],
  [/^Trusted Advisor /, "aws.trustedadvisor"],
  [/^(Backup|Copy|Restore) Job State Change$/, "aws.backup"],
  [/^RDS DB /, "aws.rds"],
  [/^DMS /, "aws.dms"],
  [/^Glue /, "aws.glue"],
  [/^(Access Analyzer|Unused Access) /, "aws.access-analyzer"],
  [/^CloudFormation /, "aws.cloudformation"],
  // CloudTrail events carry the called service as source; format.ts routes them by detail-type.
  [/^AWS (API Call|Console Sign In|Service Event) via CloudTrail$/, "aws.cloudtrail"],
];

/**
 * An event without `source` is still recognised by its detail-type, when that names a service and
 * the object has a `detail`: `{"detail-type": "GuardDuty Finding", "detail": {…}}` is a finding.
 */
function sourceOfDetailType(value: JsonObject, detailType: string): string | undefined {
  if (obj(value, "detail") === undefined) return undefined;
  for (const [pattern, source] of SOURCE_BY_DETAIL_TYPE) if (pattern.test(detailType)) return source;
  return undefined;
}

function eventBridgeEvent(value: JsonObject): EventBridgeEvent | undefined {
  return eventFields(value, "detail-type");
}

/** CodeStar Notifications' "processed" format: `detailType`, `notificationRuleArn`, `additionalAttributes`. */
function codeStarEvent(value: JsonObject): EventBridgeEvent | undefined {
  const event = eventFields(value, "detailType");
  if (event === undefined) return undefined;
  return {
    ...event,
    additionalAttributes: obj(value, "additionalAttributes"),
    notificationRuleArn: str(value, "notificationRuleArn"),
  };
}

function knownJsonFormat(value: JsonObject, topicArn: unknown): KnownFormat | undefined {
  const event = str(value, "Event");
  if (event?.startsWith("autoscaling:") || (event !== undefined && "AutoScalingGroupName" in value)) {
    return "autoscaling-sns";
  }
  if ("Event Source" in value && ("Event Message" in value || "Event ID" in value)) {
    return isDmsEvent(value) ? "dms-sns" : "rds-sns";
  }
  const approval = obj(value, "approval");
  if (approval !== undefined && str(approval, "pipelineName") !== undefined) return "codepipeline-approval";
  if (str(value, "commandId") !== undefined && str(value, "documentName") !== undefined) {
    return "ssm-command-sns";
  }
  if (str(value, "anomalyId") !== undefined && ("impact" in value || "monitorArn" in value)) {
    return "cost-anomaly-sns";
  }
  if (isGuardDutyAnnouncement(value, topicArn)) return "guardduty-announcement";
  return undefined;
}

/**
 * DMS event subscriptions publish RDS's shape with `SourceId` (RDS: `Source ID`), DMS source types
 * (`replication-instance`, `replication-task`) and `DMS-EVENT-nnnn` ids.
 */
function isDmsEvent(value: JsonObject): boolean {
  const source = str(value, "Event Source") ?? "";
  return (
    source.startsWith("replication-") ||
    (str(value, "Event ID") ?? "").includes("DMS-EVENT-") ||
    (str(value, "SourceId") !== undefined && str(value, "Source ID") === undefined)
  );
}

const MESSAGE_STRUCTURE_KEYS = new Set([
  "default",
  "email",
  "email-json",
  "http",
  "https",
  "sqs",
  "lambda",
  "sms",
  "application",
  "firehose",
  "APNS",
  "GCM",
]);

/**
 * SNS applies a MessageStructure=json publish per protocol, so subscribers normally see only their
 * string. A publisher that forgot `MessageStructure` delivers the whole map instead; show what an
 * HTTPS subscriber was meant to get: that string, parsed when it is JSON (a string result is text).
 */
function unwrapMessageStructure(value: unknown): unknown {
  if (!isObject(value) || typeof value.default !== "string") return value;
  if (!Object.keys(value).every((key) => MESSAGE_STRUCTURE_KEYS.has(key))) return value;
  const inner = typeof value.https === "string" ? value.https : value.default;
  if (inner.trim() === "") return value;
  return parseJson(inner) ?? inner;
}

/** The markers of every known text format sit in its first lines; never scan a 256 KB log for them. */
const TEXT_HEAD_CHARS = 2000;

function classifyText(text: string, envelope: SnsNotificationEnvelope): Classification {
  const subject = envelope.Subject ?? "";
  const head = text.length > TEXT_HEAD_CHARS ? text.slice(0, TEXT_HEAD_CHARS) : text;
  const known = (format: KnownFormat): Classification => ({
    category: "known-format",
    format,
    payload: undefined,
    text,
  });
  if (/^StackId='/m.test(head) && /^ResourceStatus='/m.test(text)) return known("cloudformation-text");
  if (subject.startsWith("AWS Budgets") || head.trimStart().startsWith("AWS Budget Notification")) {
    return known("budgets-text");
  }
  if (
    subject.startsWith("AWS Elastic Beanstalk Notification") ||
    (/^Environment: /m.test(head) && /^Application: /m.test(head) && /^Message: /m.test(head))
  ) {
    return known("elasticbeanstalk-text");
  }
  if (
    subject === "Notification from AWS Backup" ||
    /^An AWS Backup (job|copy job|restore job)/.test(head.trimStart()) ||
    envelope.MessageAttributes?.EventType?.Value?.startsWith("BACKUP_JOB") === true
  ) {
    return known("backup-text");
  }
  return { category: "plain-text", text };
}
