/**
 * An alarm's AlarmChartSpec → the MetricWidget JSON of CloudWatch GetMetricWidgetImage
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Metric-Widget-Structure.html):
 * the alarm's metric(s) around the state change, as the CloudWatch console draws an alarm.
 * - single metric: `[Namespace, MetricName, dim, value, …, {stat, period}]`, stat as CloudWatch
 *   spells it (`Average`, `p99`) — the formatter already mapped the payload's upper case;
 * - metric math: every MetricStat with its `id`, inputs (ReturnData false) hidden, expressions as
 *   `[{expression, id, label}]`;
 * - anomaly detection: the metric and its `ANOMALY_DETECTION_BAND(…)` expression, no threshold line;
 * - the static threshold as a horizontal annotation (shaded on the alarming side), the state change
 *   as a vertical one;
 * - from 3 hours (or 20 periods) before StateChangeTime to 30 minutes after it, never past now.
 * Pure: the clock is a parameter.
 */
import type { AlarmChartSpec, ChartMetric } from "../notifications";

export const CHART_WIDTH = 600;
export const CHART_HEIGHT = 400;
const BEFORE_MS = 3 * 60 * 60 * 1000;
const AFTER_MS = 30 * 60 * 1000;
const PERIODS_BEFORE = 20;
/** GetMetricWidgetImage draws at most 100 metrics. */
const MAX_METRICS = 100;
const THRESHOLD_COLOR = "#d62728";

export interface MetricOptions {
  id?: string;
  expression?: string;
  label?: string;
  stat?: string;
  period?: number;
  visible?: boolean;
  accountId?: string;
  color?: string;
}

/** `[namespace, name, dimName, dimValue, …, options]` or `[options]` for an expression. */
export type MetricEntry = (string | MetricOptions)[];

export interface HorizontalAnnotation {
  value: number;
  label?: string;
  color?: string;
  fill?: "above" | "below";
}

export interface VerticalAnnotation {
  value: string;
  label?: string;
}

export interface MetricWidget {
  metrics: MetricEntry[];
  view: "timeSeries";
  stacked: false;
  title: string;
  region: string;
  width: number;
  height: number;
  start: string;
  end: string;
  period: number;
  stat?: string;
  annotations?: { horizontal?: HorizontalAnnotation[]; vertical?: VerticalAnnotation[] };
  legend: { position: "bottom" };
  timezone: "+0000";
}

const OPERATOR_SYMBOL: Record<string, { symbol: string; fill: "above" | "below" }> = {
  GreaterThanOrEqualToThreshold: { symbol: ">=", fill: "above" },
  GreaterThanThreshold: { symbol: ">", fill: "above" },
  LessThanThreshold: { symbol: "<", fill: "below" },
  LessThanOrEqualToThreshold: { symbol: "<=", fill: "below" },
};

/** ISO-8601 to the second, UTC. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export interface ChartWindow {
  start: string;
  end: string;
}

/** From max(3 h, 20 periods) before the state change to 30 min after it, capped at now. */
export function chartWindow(
  spec: Pick<AlarmChartSpec, "stateChangeTime" | "period">,
  now: number,
): ChartWindow {
  const changed = spec.stateChangeTime === undefined ? Number.NaN : Date.parse(spec.stateChangeTime);
  const anchor = Number.isNaN(changed) ? now : Math.min(changed, now);
  const before = Math.max(BEFORE_MS, PERIODS_BEFORE * Math.max(60, spec.period) * 1000);
  const end = Math.min(anchor + AFTER_MS, now);
  return { start: isoSeconds(anchor - before), end: isoSeconds(end) };
}

function isBand(metric: ChartMetric, spec: AlarmChartSpec): boolean {
  return (
    (spec.thresholdMetricId !== undefined && metric.id === spec.thresholdMetricId) ||
    /ANOMALY_DETECTION_BAND\s*\(/i.test(metric.expression ?? "")
  );
}

function options(metric: ChartMetric, single: boolean): MetricOptions {
  const out: MetricOptions = {};
  if (!single && metric.id !== undefined) out.id = metric.id;
  if (metric.expression !== undefined) out.expression = metric.expression;
  if (metric.label !== undefined) out.label = metric.label;
  if (metric.expression === undefined) {
    out.stat = metric.stat ?? "Average";
    if (metric.period !== undefined) out.period = metric.period;
  }
  // Inputs of an expression are fetched but not drawn, as in the console.
  if (!metric.returnData) out.visible = false;
  if (metric.accountId !== undefined) out.accountId = metric.accountId;
  return out;
}

function entry(metric: ChartMetric, single: boolean): MetricEntry | undefined {
  if (metric.expression !== undefined) return [options(metric, single)];
  if (metric.namespace === undefined || metric.metricName === undefined) return undefined;
  const dims = metric.dimensions.flatMap((d) => [d.name, d.value]);
  return [metric.namespace, metric.metricName, ...dims, options(metric, single)];
}

/** The widget, or undefined when the spec has no metric GetMetricWidgetImage could draw. */
export function buildMetricWidget(spec: AlarmChartSpec, now: number = Date.now()): MetricWidget | undefined {
  const single = spec.metrics.length === 1 && spec.metrics[0].expression === undefined;
  const metrics = spec.metrics
    .map((metric) => entry(metric, single))
    .filter((m): m is MetricEntry => m !== undefined)
    .slice(0, MAX_METRICS);
  if (metrics.length === 0) return undefined;
  const anomaly = spec.metrics.some((metric) => isBand(metric, spec));
  const window = chartWindow(spec, now);
  const horizontal: HorizontalAnnotation[] = [];
  if (!anomaly && spec.threshold !== undefined && Number.isFinite(spec.threshold)) {
    const operator =
      spec.comparisonOperator === undefined ? undefined : OPERATOR_SYMBOL[spec.comparisonOperator];
    horizontal.push({
      value: spec.threshold,
      label: `${operator?.symbol ?? "Threshold"} ${spec.threshold}`.trim(),
      color: THRESHOLD_COLOR,
      ...(operator === undefined ? {} : { fill: operator.fill }),
    });
  }
  const changed = spec.stateChangeTime === undefined ? Number.NaN : Date.parse(spec.stateChangeTime);
  const vertical: VerticalAnnotation[] =
    Number.isNaN(changed) || changed > now
      ? []
      : [{ value: isoSeconds(changed), label: spec.newState ?? "State change" }];
  return {
    metrics,
    view: "timeSeries",
    stacked: false,
    title: spec.alarmName,
    region: spec.region,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    start: window.start,
    end: window.end,
    period: spec.period,
    ...(single && spec.metrics[0].stat !== undefined ? { stat: spec.metrics[0].stat } : {}),
    ...(horizontal.length > 0 || vertical.length > 0
      ? {
          annotations: {
            ...(horizontal.length > 0 ? { horizontal } : {}),
            ...(vertical.length > 0 ? { vertical } : {}),
          },
        }
      : {}),
    legend: { position: "bottom" },
    timezone: "+0000",
  };
}
