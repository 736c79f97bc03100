import { consoleUrl, enc } from "../aws";
import type { EventBridgeEvent } from "../classify";
import { type JsonObject, objects, str } from "../json";
import { healthSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { at, createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/** AWS Health events (public and account-specific issues, scheduled changes, notifications). */

export function formatHealthEvent(event: EventBridgeEvent, context: FormatContext): Notification | undefined {
  if (event.detailType !== "AWS Health Event" && event.detailType !== "AWS Health Abuse Event")
    return undefined;
  const detail = event.detail;
  const defaults = eventDefaults(event, context);
  const typeCode = str(detail, "eventTypeCode");
  const category = str(detail, "eventTypeCategory");
  const status = str(detail, "statusCode");
  const eventArn = str(detail, "eventArn");
  const region = str(detail, "eventRegion") ?? defaults.region;
  const start = toIsoTime(str(detail, "startTime"));
  const end = toIsoTime(str(detail, "endTime"));
  const entities = objects(detail, "affectedEntities").map(describeEntity);
  const entityValues = objects(detail, "affectedEntities")
    .map((entity) => str(entity, "entityValue"))
    .filter((value): value is string => value !== undefined);

  return createNotification(context, {
    ...defaults,
    service: "health",
    kind: "health-event",
    title: [
      typeCode === undefined ? `AWS Health ${categoryLabel(category)}` : humanizeEventCode(typeCode),
      region,
    ]
      .filter((part) => part !== undefined)
      .join(" · "),
    severity: healthSeverity(category, status, str(detail, "actionability")),
    state: status,
    sourceLabel: "AWS Health",
    region,
    account: str(detail, "affectedAccount") ?? defaults.account,
    resources: [...new Set([...defaults.resources, ...entityValues])],
    description: description(detail),
    fields: fieldList(
      ["Service", str(detail, "service")],
      ["Event type", typeCode],
      ["Category", category],
      ["Status", status],
      ["Scope", str(detail, "eventScopeCode")],
      ["Region", region],
      ["Start", at(start, str(detail, "startTime"))],
      ["End", at(end, str(detail, "endTime"))],
      ["Actionability", str(detail, "actionability")],
    ),
    lists: entities.length === 0 ? [] : [{ title: "Affected entities", ...limitItems(entities, 10) }],
    threadKey: eventArn,
    consoleUrl:
      eventArn === undefined
        ? undefined
        : consoleUrl(defaults.partition, "/health/home", {
            fragment: `/account/event-log?eventID=${enc(eventArn)}&eventTab=details`,
          }),
  });
}

/** Words AWS Health codes spell in capitals that read best as their product name. */
const CODE_WORDS: Record<string, string> = {
  ELASTICLOADBALANCING: "Elastic Load Balancing",
  LAMBDA: "Lambda",
  CLOUDFRONT: "CloudFront",
  CLOUDWATCH: "CloudWatch",
  CLOUDFORMATION: "CloudFormation",
  DYNAMODB: "DynamoDB",
  ELASTICACHE: "ElastiCache",
  ELASTICSEARCH: "Elasticsearch",
  OPENSEARCH: "OpenSearch",
  REDSHIFT: "Redshift",
  AUTOSCALING: "Auto Scaling",
  APIGATEWAY: "API Gateway",
  ROUTE53: "Route 53",
  FSX: "FSx",
  DIRECTCONNECT: "Direct Connect",
  SAGEMAKER: "SageMaker",
  BILLING: "Billing",
};
const ACRONYMS = new Set([
  "ACM",
  "AMI",
  "API",
  "AZ",
  "CPU",
  "DNS",
  "EBS",
  "EC2",
  "ECR",
  "ECS",
  "EFS",
  "EKS",
  "ELB",
  "EMR",
  "IAM",
  "IP",
  "KMS",
  "MFA",
  "MQ",
  "MSK",
  "RDS",
  "S3",
  "SES",
  "SNS",
  "SQS",
  "SSL",
  "SSM",
  "TLS",
  "VPC",
  "VPN",
]);

/** `AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED` → "EC2 instance store drive performance degraded". */
export function humanizeEventCode(code: string): string {
  const words = code
    .replace(/^AWS_/, "")
    .split(/_+/)
    .filter((word) => word !== "")
    .map((word) => CODE_WORDS[word] ?? (ACRONYMS.has(word) ? word : word.toLowerCase()));
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function categoryLabel(category: string | undefined): string {
  switch (category) {
    case "issue":
      return "issue";
    case "scheduledChange":
      return "scheduled change";
    case "accountNotification":
      return "account notification";
    case "investigation":
      return "investigation";
    default:
      return "event";
  }
}

function description(detail: JsonObject) {
  const descriptions = objects(detail, "eventDescription");
  const chosen = descriptions.find((d) => str(d, "language")?.startsWith("en") === true) ?? descriptions[0];
  const text = str(chosen, "latestDescription");
  return text === undefined ? undefined : { text, format: "plain" as const };
}

function describeEntity(entity: JsonObject): string {
  return [str(entity, "entityValue") ?? "(unnamed)", str(entity, "status")]
    .filter((p) => p !== undefined)
    .join(" · ");
}
