import { topicContext } from "./aws";
import { type Classification, classify, type EventBridgeEvent } from "./classify";
import { formatAccessAnalyzerEvent } from "./formatters/access-analyzer";
import { formatAutoScalingEvent, formatAutoScalingSns } from "./formatters/autoscaling";
import { formatConfigEvent } from "./formatters/aws-config";
import { formatBackupEvent, formatBackupText } from "./formatters/backup";
import { formatBudgetsText } from "./formatters/budgets";
import { formatCloudFormationEvent, formatCloudFormationText } from "./formatters/cloudformation";
import { formatCloudTrailEvent } from "./formatters/cloudtrail";
import { formatCloudWatchAlarm, formatCloudWatchAlarmEvent } from "./formatters/cloudwatch-alarm";
import { formatCodeBuildEvent } from "./formatters/codebuild";
import { formatCodeCommitEvent } from "./formatters/codecommit";
import { formatCodeDeployEvent } from "./formatters/codedeploy";
import { formatCodePipelineEvent } from "./formatters/codepipeline";
import { formatCodePipelineApproval } from "./formatters/codepipeline-approval";
import type { EventFormatter, FormatContext } from "./formatters/common";
import { formatCostAnomaly, formatCostAnomalyEvent } from "./formatters/cost-anomaly";
import { formatCustomNotification } from "./formatters/custom-notification";
import { formatDmsEvent, formatDmsSns } from "./formatters/dms";
import { formatEc2Event } from "./formatters/ec2";
import { formatEcsEvent } from "./formatters/ecs";
import { formatElasticBeanstalkText } from "./formatters/elastic-beanstalk";
import {
  formatEmptyMessage,
  formatGenericEvent,
  formatPlainText,
  formatUnknownJson,
} from "./formatters/generic";
import { formatGlueEvent } from "./formatters/glue";
import { formatGuardDutyEvent } from "./formatters/guardduty";
import { formatGuardDutyAnnouncement } from "./formatters/guardduty-announcement";
import { formatHealthEvent } from "./formatters/health";
import { formatInspectorEvent } from "./formatters/inspector";
import { formatInspectorScanEvent } from "./formatters/inspector-scan";
import { formatRdsEvent, formatRdsSns } from "./formatters/rds";
import { formatSecurityHubEvent } from "./formatters/securityhub";
import { formatSsmEvent } from "./formatters/ssm";
import { formatSsmCommandSns } from "./formatters/ssm-sns";
import { formatStepFunctionsEvent } from "./formatters/stepfunctions";
import { formatTrustedAdvisorEvent } from "./formatters/trusted-advisor";
import type { Notification, SnsNotificationEnvelope } from "./types";

/**
 * classify → the service's formatter → Notification. A formatter that throws on odd input falls
 * back to the generic rendering of the same message, so nothing is ever dropped.
 */

const EVENT_FORMATTERS: Record<string, EventFormatter> = {
  "aws.cloudwatch": formatCloudWatchAlarmEvent,
  "aws.guardduty": formatGuardDutyEvent,
  "aws.securityhub": formatSecurityHubEvent,
  "aws.health": formatHealthEvent,
  "aws.codepipeline": formatCodePipelineEvent,
  "aws.codebuild": formatCodeBuildEvent,
  "aws.codedeploy": formatCodeDeployEvent,
  "aws.config": formatConfigEvent,
  "aws.ssm": formatSsmEvent,
  "aws.ecs": formatEcsEvent,
  "aws.ec2": formatEc2Event,
  "aws.autoscaling": formatAutoScalingEvent,
  "aws.states": formatStepFunctionsEvent,
  "aws.inspector2": (event, context) =>
    formatInspectorEvent(event, context) ?? formatInspectorScanEvent(event, context),
  "aws.access-analyzer": formatAccessAnalyzerEvent,
  "aws.trustedadvisor": formatTrustedAdvisorEvent,
  "aws.backup": formatBackupEvent,
  "aws.rds": formatRdsEvent,
  "aws.ce": formatCostAnomalyEvent,
  "aws.cloudformation": formatCloudFormationEvent,
  "aws.dms": formatDmsEvent,
  "aws.glue": formatGlueEvent,
  "aws.codecommit": formatCodeCommitEvent,
};

/** CloudTrail events carry the called service as `source` (aws.ec2, aws.iam…), so go by detail-type. */
const CLOUDTRAIL_DETAIL_TYPE = /^AWS (API Call|Console Sign In|Service Event) via CloudTrail$/;

function formatEvent(event: EventBridgeEvent, context: FormatContext): Notification {
  const formatter = CLOUDTRAIL_DETAIL_TYPE.test(event.detailType)
    ? formatCloudTrailEvent
    : EVENT_FORMATTERS[event.source];
  return (
    (formatter === undefined ? undefined : guarded(() => formatter(event, context))) ??
    formatGenericEvent(event, context)
  );
}

function formatClassified(classification: Classification, context: FormatContext): Notification {
  switch (classification.category) {
    case "cloudwatch-alarm":
      return formatCloudWatchAlarm(classification.alarm, classification.alarmKind, context);
    case "eventbridge-event":
      return formatEvent(classification.event, context);
    case "custom-notification":
      return formatCustomNotification(classification.payload, context);
    case "known-format":
      return formatKnownFormat(classification, context);
    case "plain-text":
      return formatPlainText(classification.text, context);
    case "empty-message":
      return formatEmptyMessage(context);
    case "unknown-json":
      return formatUnknownJson(classification.value, context);
  }
}

function formatKnownFormat(
  classification: Extract<Classification, { category: "known-format" }>,
  context: FormatContext,
): Notification {
  const { payload, text } = classification;
  switch (classification.format) {
    case "autoscaling-sns":
      return payload === undefined ? formatPlainText(text, context) : formatAutoScalingSns(payload, context);
    case "rds-sns":
      return payload === undefined ? formatPlainText(text, context) : formatRdsSns(payload, context);
    case "dms-sns":
      return payload === undefined ? formatPlainText(text, context) : formatDmsSns(payload, context);
    case "codepipeline-approval":
      return payload === undefined
        ? formatPlainText(text, context)
        : formatCodePipelineApproval(payload, context);
    case "ssm-command-sns":
      return payload === undefined ? formatPlainText(text, context) : formatSsmCommandSns(payload, context);
    case "cost-anomaly-sns":
      return payload === undefined ? formatPlainText(text, context) : formatCostAnomaly(payload, context);
    case "guardduty-announcement":
      return payload === undefined
        ? formatPlainText(text, context)
        : formatGuardDutyAnnouncement(payload, context);
    case "budgets-text":
      return formatBudgetsText(text, context);
    case "cloudformation-text":
      return formatCloudFormationText(text, context);
    case "elasticbeanstalk-text":
      return formatElasticBeanstalkText(text, context);
    case "backup-text":
      return formatBackupText(text, context);
  }
}

/** The generic rendering of the same input: what a failed dedicated formatter degrades to. */
function fallback(classification: Classification, context: FormatContext): Notification {
  switch (classification.category) {
    case "eventbridge-event":
      return formatGenericEvent(classification.event, context);
    case "cloudwatch-alarm":
      return formatUnknownJson(classification.alarm, context);
    case "custom-notification":
      return formatUnknownJson(classification.payload, context);
    case "known-format":
      return classification.payload === undefined
        ? formatPlainText(classification.text, context)
        : formatUnknownJson(classification.payload, context);
    default:
      return formatPlainText(
        typeof context.envelope.Message === "string" ? context.envelope.Message : "",
        context,
      );
  }
}

function guarded(run: () => Notification | undefined): Notification | undefined {
  try {
    return run();
  } catch {
    return undefined;
  }
}

/** Formats an already classified message (the delivery worker classifies once for filters). */
export function formatClassification(
  classification: Classification,
  envelope: SnsNotificationEnvelope,
): Notification {
  const context: FormatContext = {
    envelope: withoutBlankSubject(envelope),
    topic: topicContext(envelope.TopicArn),
  };
  return (
    guarded(() => formatClassified(classification, context)) ??
    guarded(() => fallback(classification, context)) ??
    lastResort(envelope)
  );
}

export function formatNotification(envelope: SnsNotificationEnvelope): Notification {
  return formatClassification(classify(envelope), envelope);
}

/** A blank Subject reads as none, so titles fall back to the message instead of being empty. */
function withoutBlankSubject(envelope: SnsNotificationEnvelope): SnsNotificationEnvelope {
  if (
    envelope.Subject === undefined ||
    (typeof envelope.Subject === "string" && envelope.Subject.trim() !== "")
  ) {
    return envelope;
  }
  const { Subject: _blank, ...rest } = envelope;
  return rest;
}

/** Cannot fail: no parsing, only the envelope's own strings. */
function lastResort(envelope: SnsNotificationEnvelope): Notification {
  const message = typeof envelope.Message === "string" ? envelope.Message : "";
  return {
    service: "text",
    kind: "plain-text",
    title:
      typeof envelope.Subject === "string" && envelope.Subject !== "" ? envelope.Subject : "SNS notification",
    severity: "info",
    sourceLabel: "Amazon SNS",
    partition: "aws",
    resources: [],
    fields: [],
    description: message === "" ? undefined : { text: message, format: "plain" },
    lists: [],
    notes: [],
    keywords: [],
  };
}
