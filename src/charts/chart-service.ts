/**
 * The chart AWS Chatbot attaches to a CloudWatch alarm: assume the configuration's IAM role, call
 * GetMetricWidgetImage in the alarm's region with the widget of metric-widget.ts, return the PNG.
 * Never throws and never takes longer than `timeoutMs` (default 5 s): on any failure — no role, no
 * metric (composite alarms), AccessDenied from STS or CloudWatch, a timeout — it answers
 * `{ok: false, reason, message}` so the caller logs it and posts the message without a chart.
 * AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_CLOUDWATCH are honoured by the SDK; explicit endpoints
 * (config.awsEndpoints) override them.
 */
import { CloudWatchClient, GetMetricWidgetImageCommand } from "@aws-sdk/client-cloudwatch";
import type { AlarmChartSpec, Notification } from "../notifications";
import { buildMetricWidget, type MetricWidget } from "./metric-widget";
import {
  type AwsCredentialIdentity,
  RoleCredentialsCache,
  type RoleCredentialsOptions,
} from "./role-credentials";

export type NoChartReason =
  | "no_chart_spec"
  | "composite_alarm"
  | "no_role"
  | "assume_role_denied"
  | "assume_role_failed"
  | "access_denied"
  | "cloudwatch_failed"
  | "timeout";

export type ChartResult =
  | { ok: true; png: Buffer; widget: MetricWidget; alarmName: string }
  | { ok: false; reason: NoChartReason; message: string };

/** The configuration's role: what a chart is drawn with. */
export interface ChartRole {
  roleArn: string;
  externalId?: string | null;
  /** The configuration id; becomes the role session name `aws-chatbot-<id>`. */
  configurationId: string;
}

export interface ChartServiceOptions {
  /** Explicit endpoints (config.awsEndpoints); unset, the SDK decides and reads AWS_ENDPOINT_URL_*. */
  endpoints?: { sts?: string; cloudwatch?: string };
  /** Credentials STS is called with instead of the default chain (tests). */
  credentials?: RoleCredentialsOptions["credentials"];
  /** Bound on the whole chart (AssumeRole + GetMetricWidgetImage). Default 5000 ms. */
  timeoutMs?: number;
  now?: () => number;
}

export const DEFAULT_CHART_TIMEOUT_MS = 5_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface AwsErrorLike {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function describe(error: unknown): { name: string; status?: number; message: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as AwsErrorLike;
  const name = e.Code ?? e.name ?? "Error";
  return { name, status: e.$metadata?.httpStatusCode, message: e.message ?? String(error) };
}

function isAccessDenied(error: unknown): boolean {
  const { name, status } = describe(error);
  return /AccessDenied|NotAuthorized|Unauthorized/i.test(name) || status === 403;
}

function failure(reason: NoChartReason, message: string): ChartResult {
  return { ok: false, reason, message };
}

export class ChartService {
  readonly credentials: RoleCredentialsCache;
  readonly #options: ChartServiceOptions;
  readonly #now: () => number;

  constructor(options: ChartServiceOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.credentials = new RoleCredentialsCache({
      endpoint: options.endpoints?.sts,
      credentials: options.credentials,
      now: this.#now,
    });
  }

  /** The chart of an alarm notification; composite alarms and other notifications have none. */
  chartForNotification(notification: Notification, role: ChartRole | undefined): Promise<ChartResult> {
    if (notification.kind === "composite-alarm-state-change") {
      return Promise.resolve(
        failure("composite_alarm", "composite alarms have no metric of their own to chart"),
      );
    }
    return this.chartForAlarm(notification.chart, role);
  }

  async chartForAlarm(spec: AlarmChartSpec | undefined, role: ChartRole | undefined): Promise<ChartResult> {
    if (spec === undefined) return failure("no_chart_spec", "the notification is not a metric alarm");
    if (role === undefined) {
      return failure("no_role", "the configuration has no IAM role; set one to get alarm charts");
    }
    const widget = buildMetricWidget(spec, this.#now());
    if (widget === undefined) return failure("no_chart_spec", "the alarm has no metric a chart can draw");
    const timeoutMs = this.#options.timeoutMs ?? DEFAULT_CHART_TIMEOUT_MS;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ChartResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve(failure("timeout", `no chart within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#draw(spec, role, widget, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.credentials.destroy();
  }

  async #draw(
    spec: AlarmChartSpec,
    role: ChartRole,
    widget: MetricWidget,
    signal: AbortSignal,
  ): Promise<ChartResult> {
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await this.credentials.credentialsFor(
        {
          roleArn: role.roleArn,
          externalId: role.externalId ?? undefined,
          sessionId: role.configurationId,
          region: spec.region,
        },
        signal,
      );
    } catch (error) {
      const { name, message } = describe(error);
      if (signal.aborted) return failure("timeout", "AssumeRole did not answer in time");
      return isAccessDenied(error)
        ? failure("assume_role_denied", `sts:AssumeRole of ${role.roleArn} was denied (${name}): ${message}`)
        : failure("assume_role_failed", `sts:AssumeRole of ${role.roleArn} failed (${name}): ${message}`);
    }
    const client = new CloudWatchClient({
      region: spec.region,
      credentials,
      ...(this.#options.endpoints?.cloudwatch === undefined
        ? {}
        : { endpoint: this.#options.endpoints.cloudwatch }),
      maxAttempts: 2,
      requestHandler: { requestTimeout: 5_000, throwOnRequestTimeout: true, connectionTimeout: 3_000 },
    });
    try {
      const output = await client.send(
        new GetMetricWidgetImageCommand({ MetricWidget: JSON.stringify(widget), OutputFormat: "png" }),
        { abortSignal: signal },
      );
      const png =
        output.MetricWidgetImage === undefined ? Buffer.alloc(0) : Buffer.from(output.MetricWidgetImage);
      if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
        return failure("cloudwatch_failed", "GetMetricWidgetImage answered something that is not a PNG");
      }
      return { ok: true, png, widget, alarmName: spec.alarmName };
    } catch (error) {
      const { name, message } = describe(error);
      if (signal.aborted) return failure("timeout", "GetMetricWidgetImage did not answer in time");
      return isAccessDenied(error)
        ? failure(
            "access_denied",
            `cloudwatch:GetMetricWidgetImage was denied to ${role.roleArn} (${name}): ${message}`,
          )
        : failure("cloudwatch_failed", `GetMetricWidgetImage failed (${name}): ${message}`);
    } finally {
      client.destroy();
    }
  }
}
