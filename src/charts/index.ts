/** Public surface of charts/: CloudWatch alarm charts and their upload into Slack. */
export {
  type ChartResult,
  type ChartRole,
  ChartService,
  type ChartServiceOptions,
  DEFAULT_CHART_TIMEOUT_MS,
  type NoChartReason,
} from "./chart-service";
export {
  buildMetricWidget,
  CHART_HEIGHT,
  CHART_WIDTH,
  chartWindow,
  type MetricWidget,
} from "./metric-widget";
export { RoleCredentialsCache, roleSessionName } from "./role-credentials";
export { type ChartUpload, chartFilename, uploadChart } from "./upload-chart";
