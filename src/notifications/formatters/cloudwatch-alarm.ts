import { consoleUrl, enc, isRegionCode, parseArn, regionCode } from "../aws";
import type { AlarmKind, EventBridgeEvent } from "../classify";
import { type JsonObject, num, obj, objects, str } from "../json";
import { stateSeverity } from "../severity";
import { formatSeconds, formatUtc, toIsoTime } from "../time";
import type { AlarmChartSpec, ChartMetric, Notification } from "../types";
import { ruleWithNames, summarizeAlarmReason } from "./alarm-reason";
import { createNotification, eventDefaults, type FormatContext, fieldList, limitItems } from "./common";

/**
 * CloudWatch alarm state changes (PROTOCOLS §4.1): metric, metric-math, anomaly-detection and
 * composite alarms as SNS delivers them, plus the EventBridge "CloudWatch Alarm State Change" event.
 */

const STAT_NAMES: Record<string, string> = {
  AVERAGE: "Average",
  SUM: "Sum",
  MINIMUM: "Minimum",
  MAXIMUM: "Maximum",
  SAMPLECOUNT: "SampleCount",
  SAMPLE_COUNT: "SampleCount",
};

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: "≥",
  GreaterThanThreshold: ">",
  LessThanThreshold: "<",
  LessThanOrEqualToThreshold: "≤",
  LessThanLowerOrGreaterThanUpperThreshold: "outside the band",
  GreaterThanUpperThreshold: "above the band",
  LessThanLowerThreshold: "below the band",
};

/** The payload spells statistics in upper case; CloudWatch APIs want `Average`, `p99` as is. */
export function normalizeStat(stat: string | undefined): string | undefined {
  if (stat === undefined) return undefined;
  return STAT_NAMES[stat.toUpperCase()] ?? stat;
}

export function formatCloudWatchAlarm(
  alarm: JsonObject,
  alarmKind: AlarmKind,
  context: FormatContext,
): Notification {
  const name = str(alarm, "AlarmName") ?? "CloudWatch alarm";
  const alarmArn = str(alarm, "AlarmArn");
  const arn = parseArn(alarmArn);
  const region =
    (arn !== undefined && isRegionCode(arn.region) ? arn.region : undefined) ??
    regionCode(str(alarm, "Region")) ??
    context.topic.region;
  const partition = arn?.partition ?? context.topic.partition;
  const account = str(alarm, "AWSAccountId") ?? arn?.account ?? context.topic.account;
  const state = str(alarm, "NewStateValue");
  const stateChangeTime = toIsoTime(str(alarm, "StateChangeTime"));
  const trigger = obj(alarm, "Trigger");
  const composite = alarmKind === "composite";
  const description = str(alarm, "AlarmDescription");

  const notification = createNotification(context, {
    service: "cloudwatch",
    kind: composite ? "composite-alarm-state-change" : "alarm-state-change",
    title: name,
    severity: stateSeverity("cloudwatch", state),
    state,
    previousState: str(alarm, "OldStateValue"),
    sourceLabel: composite ? "CloudWatch composite alarm" : "CloudWatch alarm",
    account,
    region,
    partition,
    resources: alarmArn === undefined ? [] : [alarmArn],
    description: description === undefined ? undefined : { text: description, format: "plain" },
    reason: reasonOf(str(alarm, "NewStateReason")),
    timestamp: stateChangeTime ?? toIsoTime(context.envelope.Timestamp),
    threadKey: alarmArn ?? `cloudwatch-alarm:${account ?? ""}:${region ?? ""}:${name}`,
    consoleUrl: consoleUrl(partition, "/cloudwatch/home", {
      region,
      fragment: `alarmsV2:alarm/${enc(name)}`,
    }),
  });

  if (composite) {
    const rule = str(alarm, "AlarmRule");
    notification.fields = fieldList(["Alarm rule", rule === undefined ? undefined : ruleWithNames(rule)]);
    const children = objects(alarm, "TriggeringChildren").map(describeChild);
    // The schema documents TriggeringChildren as strings; accept those too.
    for (const child of Array.isArray(alarm.TriggeringChildren) ? alarm.TriggeringChildren : []) {
      if (typeof child === "string") children.push(child);
    }
    if (children.length > 0)
      notification.lists.push({ title: "Triggering alarms", ...limitItems(children, 3) });
    return notification;
  }

  if (trigger !== undefined) {
    const metrics = chartMetrics(trigger);
    notification.fields = triggerFields(trigger, metrics, alarmKind);
    if (alarmKind !== "metric" && metrics.length > 0) {
      notification.lists.push({ title: "Metrics", ...limitItems(metrics.map(describeMetric), 10) });
    }
    if (region !== undefined && metrics.length > 0) {
      notification.chart = chartSpec(
        name,
        alarmArn,
        region,
        notification,
        trigger,
        metrics,
        stateChangeTime,
        state,
      );
    }
  }
  return notification;
}

function reasonOf(reason: string | undefined): string | undefined {
  return reason === undefined ? undefined : ruleWithNames(summarizeAlarmReason(reason));
}

function describeChild(child: JsonObject): string {
  const childArn = str(child, "Arn");
  const childName = childArn?.includes(":alarm:")
    ? childArn.slice(childArn.indexOf(":alarm:") + 7)
    : childArn;
  const state = obj(child, "State");
  const value = str(state, "Value");
  const since = toIsoTime(str(state, "Timestamp"));
  return [
    childName ?? "(unnamed alarm)",
    value,
    since === undefined ? undefined : `since ${formatUtc(since)}`,
  ]
    .filter((part) => part !== undefined)
    .join(" · ");
}

function chartMetrics(trigger: JsonObject): ChartMetric[] {
  const list = objects(trigger, "Metrics");
  if (list.length === 0) {
    if (str(trigger, "MetricName") === undefined) return [];
    return [
      {
        namespace: str(trigger, "Namespace"),
        metricName: str(trigger, "MetricName"),
        dimensions: dimensions(trigger),
        stat: normalizeStat(str(trigger, "ExtendedStatistic") ?? str(trigger, "Statistic")),
        period: num(trigger, "Period"),
        unit: str(trigger, "Unit"),
        returnData: true,
      },
    ];
  }
  return list.map((metric): ChartMetric => {
    const stat = obj(metric, "MetricStat");
    const inner = obj(stat, "Metric");
    return {
      id: str(metric, "Id"),
      namespace: str(inner, "Namespace"),
      metricName: str(inner, "MetricName"),
      dimensions: dimensions(inner),
      stat: normalizeStat(str(stat, "Stat")),
      period: num(stat, "Period") ?? num(metric, "Period"),
      unit: str(stat, "Unit"),
      expression: str(metric, "Expression"),
      label: str(metric, "Label"),
      returnData: metric.ReturnData !== false,
      accountId: str(metric, "AccountId"),
    };
  });
}

function dimensions(source: JsonObject | undefined): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const dimension of objects(source, "Dimensions")) {
    // SNS payloads use lower-case keys; API-shaped ones use Name/Value.
    const name = str(dimension, "name") ?? str(dimension, "Name");
    const value = str(dimension, "value") ?? str(dimension, "Value");
    if (name !== undefined && value !== undefined) out.push({ name, value });
  }
  return out;
}

function formatDimensions(list: { name: string; value: string }[]): string | undefined {
  return list.length === 0 ? undefined : list.map((d) => `${d.name} = ${d.value}`).join(", ");
}

function describeMetric(metric: ChartMetric): string {
  const id = metric.id === undefined ? "" : `${metric.id}: `;
  if (metric.expression !== undefined) {
    return `${id}${metric.expression}${metric.label === undefined ? "" : ` (${metric.label})`}`;
  }
  const name = [metric.namespace, metric.metricName].filter((p) => p !== undefined).join(" ");
  const dims = formatDimensions(metric.dimensions);
  const stat = [metric.stat, metric.period === undefined ? undefined : formatSeconds(metric.period)]
    .filter((p) => p !== undefined)
    .join(", ");
  return `${id}${name}${stat === "" ? "" : ` (${stat})`}${dims === undefined ? "" : ` — ${dims}`}${
    metric.returnData ? "" : " [input]"
  }`;
}

function triggerFields(trigger: JsonObject, metrics: ChartMetric[], alarmKind: AlarmKind) {
  const operator = str(trigger, "ComparisonOperator");
  const symbol = operator === undefined ? undefined : (OPERATORS[operator] ?? operator);
  const threshold = num(trigger, "Threshold");
  const period = num(trigger, "Period") ?? metrics[0]?.period;
  const evaluation = num(trigger, "EvaluationPeriods");
  const datapoints = num(trigger, "DatapointsToAlarm") ?? evaluation;
  const treatMissing = str(trigger, "TreatMissingData")?.replace(/^- TreatMissingData:\s*/, "");
  const primary = metrics.find((m) => m.expression === undefined) ?? metrics[0];
  const thresholdId = str(trigger, "ThresholdMetricId");
  const band = metrics.find(
    (m) => m.id === thresholdId || /ANOMALY_DETECTION_BAND/i.test(m.expression ?? ""),
  );
  const evaluated = metrics.find((m) => m.returnData && m.id !== band?.id);

  let condition: string | undefined;
  if (alarmKind === "anomaly-detection") {
    condition = `${symbol ?? "outside the band"}${band?.expression === undefined ? "" : ` ${band.expression}`}`;
  } else if (threshold !== undefined) {
    const stat = alarmKind === "metric" ? primary?.stat : undefined;
    const unit = alarmKind === "metric" && primary?.unit !== undefined ? ` ${primary.unit}` : "";
    condition = `${stat === undefined ? "" : `${stat} `}${symbol ?? ""} ${threshold}${unit}`.trim();
  }

  // A metric-math alarm watches its expression; its input metrics are listed separately.
  const watched = alarmKind === "metric-math" ? undefined : primary;
  return fieldList(
    ["Metric", watched === undefined ? undefined : metricName(watched)],
    ["Dimensions", watched === undefined ? undefined : formatDimensions(watched.dimensions)],
    [
      "Expression",
      alarmKind === "metric-math" && evaluated?.expression !== undefined
        ? `${evaluated.expression}${evaluated.label === undefined ? "" : ` (${evaluated.label})`}`
        : undefined,
    ],
    ["Condition", condition],
    [
      "Evaluation",
      evaluation === undefined
        ? undefined
        : `${datapoints} of ${evaluation} × ${period === undefined ? "?" : formatSeconds(period)}`,
    ],
    ["Statistic", alarmKind === "anomaly-detection" ? primary?.stat : undefined],
    ["Missing data", treatMissing],
  );
}

function metricName(metric: ChartMetric): string | undefined {
  if (metric.metricName === undefined) return metric.expression;
  return metric.namespace === undefined ? metric.metricName : `${metric.metricName} (${metric.namespace})`;
}

function chartSpec(
  alarmName: string,
  alarmArn: string | undefined,
  region: string,
  notification: Notification,
  trigger: JsonObject,
  metrics: ChartMetric[],
  stateChangeTime: string | undefined,
  newState: string | undefined,
): AlarmChartSpec {
  return {
    alarmName,
    alarmArn,
    region,
    partition: notification.partition,
    accountId: notification.account,
    metrics,
    threshold: num(trigger, "Threshold"),
    comparisonOperator: str(trigger, "ComparisonOperator"),
    thresholdMetricId: str(trigger, "ThresholdMetricId"),
    period: num(trigger, "Period") ?? metrics.find((m) => m.period !== undefined)?.period ?? 300,
    stat: metrics.length === 1 ? metrics[0].stat : undefined,
    evaluationPeriods: num(trigger, "EvaluationPeriods"),
    datapointsToAlarm: num(trigger, "DatapointsToAlarm"),
    stateChangeTime,
    newState,
  };
}

/**
 * EventBridge's "CloudWatch Alarm State Change": mapped onto the SNS payload's field names so both
 * routes render the same.
 */
export function formatCloudWatchAlarmEvent(
  event: EventBridgeEvent,
  context: FormatContext,
): Notification | undefined {
  if (event.detailType !== "CloudWatch Alarm State Change") return undefined;
  const detail = event.detail;
  const state = obj(detail, "state");
  const previous = obj(detail, "previousState");
  const configuration = obj(detail, "configuration");
  const alarmArn = event.resources[0];
  const metrics = objects(configuration, "metrics").map((metric) => {
    const stat = obj(metric, "metricStat");
    const inner = obj(stat, "metric");
    const dims = obj(inner, "dimensions") ?? {};
    return {
      Id: str(metric, "id"),
      Expression: str(metric, "expression"),
      Label: str(metric, "label"),
      ReturnData: metric.returnData !== false,
      MetricStat:
        inner === undefined
          ? undefined
          : {
              Metric: {
                Namespace: str(inner, "namespace"),
                MetricName: str(inner, "name"),
                Dimensions: Object.keys(dims).map((key) => ({ name: key, value: str(dims, key) })),
              },
              Period: num(stat, "period"),
              Stat: str(stat, "stat"),
              Unit: str(stat, "unit"),
            },
    };
  });
  const alarmRule = str(configuration, "alarmRule");
  const reasonData = str(state, "reasonData");
  const alarm: JsonObject = {
    AlarmName: str(detail, "alarmName"),
    AlarmDescription: str(configuration, "description"),
    AWSAccountId: event.account,
    NewStateValue: str(state, "value"),
    NewStateReason: str(state, "reason"),
    StateChangeTime: str(state, "timestamp") ?? event.time,
    OldStateValue: str(previous, "value"),
    AlarmArn: alarmArn,
    Region: event.region,
    AlarmRule: alarmRule,
    TriggeringChildren: triggeringAlarms(reasonData),
    Trigger: alarmRule === undefined && metrics.length > 0 ? { Metrics: metrics } : undefined,
  };
  const kind: AlarmKind =
    alarmRule !== undefined ? "composite" : metrics.length > 1 ? "metric-math" : "metric";
  const notification = formatCloudWatchAlarm(alarm, kind, context);
  const defaults = eventDefaults(event, context);
  notification.account ??= defaults.account;
  notification.region ??= defaults.region;
  return notification;
}

function triggeringAlarms(reasonData: string | undefined): JsonObject[] {
  if (reasonData === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(reasonData);
    return objects(parsed, "triggeringAlarms").map((child) => ({
      Arn: str(child, "arn"),
      State: { Value: str(obj(child, "state"), "value"), Timestamp: str(obj(child, "state"), "timestamp") },
    }));
  } catch {
    return [];
  }
}
