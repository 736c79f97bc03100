/**
 * The neutral notification model: what every formatter produces and every renderer consumes.
 * Strings here are plain text exactly as they came in the message (never escaped); renderers escape
 * for their target. The one exception is `description` with `format: "markdown"`.
 */

/**
 * The part of an SNS `Notification` body that rendering needs. The verified SNS parser (src/sns/)
 * produces a superset of this, so its notification type can be passed as is.
 */
export interface SnsNotificationEnvelope {
  Type: "Notification";
  MessageId: string;
  TopicArn: string;
  /** Absent when the publisher set none. */
  Subject?: string;
  /** The published message: a JSON string for JSON services, raw text otherwise; may be empty. */
  Message: string;
  /** ISO-8601 in UTC, e.g. `2026-03-04T17:43:27.123Z`. */
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value?: string }>;
}

/** How urgent a notification reads: drives the emoji and lets channels filter. */
export type Severity = "critical" | "high" | "medium" | "low" | "info" | "ok";

export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info", "ok"];

export type Partition = "aws" | "aws-cn" | "aws-us-gov";

/**
 * Which formatter spoke: the vocabulary of test/fixtures/sns-shared/README.md (`expect.service`).
 * `eventbridge` is an EventBridge event no dedicated formatter knows; `text` is free text;
 * `unknown` is JSON of no known shape.
 */
export type ServiceId =
  | "cloudwatch"
  | "guardduty"
  | "securityhub"
  | "health"
  | "codepipeline"
  | "codebuild"
  | "codedeploy"
  | "config"
  | "ssm"
  | "ecs"
  | "ec2"
  | "autoscaling"
  | "stepfunctions"
  | "inspector"
  | "access-analyzer"
  | "trustedadvisor"
  | "backup"
  | "rds"
  | "cloudtrail"
  | "cost-anomaly"
  | "budgets"
  | "cloudformation"
  | "elasticbeanstalk"
  | "dms"
  | "glue"
  | "codecommit"
  | "custom"
  | "eventbridge"
  | "text"
  | "unknown";

/** One labelled value shown in the fields grid (Slack) or as a `Label: value` line (webhooks). */
export interface NotificationField {
  label: string;
  /** As text (times as `2026-03-04 17:43:27 UTC`), for renderings without a date syntax. */
  value: string;
  /** ISO-8601 UTC when the value is a time: Slack shows it in each reader's own zone. */
  time?: string;
}

/** A titled bullet list: next steps, triggering child alarms, findings, failed actions… */
export interface NotificationList {
  title: string;
  items: string[];
  /** `markdown`: items are client-markdown (custom notifications' nextSteps), links kept. */
  format?: "plain" | "markdown";
  /** How many further items the message had that are not in `items`. */
  more?: number;
}

/** A link the message carried, with the words its button shows. */
export interface NotificationLink {
  label: string;
  url: string;
}

/** Free text from the message; `markdown` is an AWS Chatbot custom notification's client-markdown. */
export interface NotificationText {
  text: string;
  format: "plain" | "markdown";
}

/** One metric a chart should draw, as the alarm defines it. */
export interface ChartMetric {
  /** Metric id inside the alarm (`m1`, `e1`, `ad1`); absent for a single-metric alarm. */
  id?: string;
  namespace?: string;
  metricName?: string;
  dimensions: { name: string; value: string }[];
  /** CloudWatch spelling (`Average`, `Sum`, `p99`), not the SNS payload's upper case. */
  stat?: string;
  period?: number;
  unit?: string;
  /** Metric math or `ANOMALY_DETECTION_BAND(m1, 2)`. */
  expression?: string;
  label?: string;
  /** Whether the alarm evaluates this series (false for inputs of an expression). */
  returnData: boolean;
  accountId?: string;
}

/**
 * What a GetMetricWidgetImage widget needs to draw the alarm's metric around the state change.
 * Absent for composite alarms, which have no metric of their own.
 */
export interface AlarmChartSpec {
  alarmName: string;
  alarmArn?: string;
  /** Region code (`us-east-1`), never the display name of the SNS payload. */
  region: string;
  partition: Partition;
  accountId?: string;
  metrics: ChartMetric[];
  /** Static threshold; absent for anomaly-detection alarms (the band is a metric instead). */
  threshold?: number;
  comparisonOperator?: string;
  /** Id of the metric that acts as the threshold (anomaly-detection band). */
  thresholdMetricId?: string;
  /** Seconds. */
  period: number;
  stat?: string;
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  /** ISO-8601 UTC. */
  stateChangeTime?: string;
  newState?: string;
}

/** The neutral rendering of one SNS message, independent of Slack or webhook syntax. */
export interface Notification {
  service: ServiceId;
  /** Event kind, e.g. `alarm-state-change`, `finding`, `plain-text` (fixtures' `expect.kind`). */
  kind: string;
  title: string;
  /**
   * Only when known: from the event's own severity field or the per-service table of severity.ts.
   * Absent means no badge, never "info".
   */
  severity?: Severity;
  /** The service's own state word: `ALARM`, `FAILED`, `NON_COMPLIANT`, `open`… */
  state?: string;
  previousState?: string;
  /** Short name of the source for the status line, e.g. "CloudWatch alarm". */
  sourceLabel: string;
  account?: string;
  /** Region code. */
  region?: string;
  partition: Partition;
  /** ARNs or ids the event is about. */
  resources: string[];
  fields: NotificationField[];
  /** A short description from the message (alarm description, finding description…). */
  description?: NotificationText;
  /** Why the state changed / what went wrong, as the service wrote it. */
  reason?: string;
  /** Preformatted text (pretty JSON of an unknown payload), shown in a code block. */
  details?: string;
  lists: NotificationList[];
  /** Warnings about the message itself (e.g. an invalid custom notification). */
  notes: string[];
  /** Client-markdown like a custom notification's description: links kept, mentions defused. */
  keywords: string[];
  /** A one-line summary (custom notifications' `metadata.summary`). */
  summary?: string;
  /** Console deep link; only ever built from parts of the message, never copied from it. */
  consoleUrl?: string;
  /**
   * Links the message itself carries (a custom notification's relatedResources URLs…): shown as
   * buttons only when they pass `isSafeLinkUrl`, so a publisher cannot plant `javascript:` or a
   * malformed target.
   */
  links?: NotificationLink[];
  /** ISO-8601 UTC time of the event. */
  timestamp?: string;
  /** Messages with the same key belong in one thread (alarm ARN, pipeline execution id…). */
  threadKey?: string;
  chart?: AlarmChartSpec;
}
