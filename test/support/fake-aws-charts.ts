/**
 * Loopback fakes of the two AWS APIs a chart needs, speaking what the installed SDK clients send:
 * - STS (`@aws-sdk/client-sts`, awsQuery): form-encoded `Action=AssumeRole&…` or
 *   `Action=GetCallerIdentity`, XML answers (AssumeRoleResponse, GetCallerIdentityResponse /
 *   ErrorResponse with AccessDenied);
 * - CloudWatch (`@aws-sdk/client-cloudwatch` ≥ 3.7xx, AWS JSON 1.0 with awsQuery compatibility):
 *   `X-Amz-Target: GraniteServiceVersion20100801.GetMetricWidgetImage`, JSON `{MetricWidget,
 *   OutputFormat}`, answered `{"MetricWidgetImage": "<base64 PNG>"}` with a real PNG (png.ts).
 * Every call is recorded (with the access key that signed it, so tests see whose credentials were
 * used); failures (AccessDenied, 500, delays) can be injected per call or for every call.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createChartPng } from "./png";

export interface FakeAwsFailure {
  /** HTTP status; default 403 for AccessDenied-like codes, else 500. */
  status?: number;
  /** AWS error code, e.g. "AccessDenied", "AccessDeniedException", "InternalFailure". */
  code?: string;
  message?: string;
  /** Answer this late (the failure, or with `code` unset the normal answer). */
  delayMs?: number;
}

export interface FakeAwsCall {
  action: string;
  /** Form parameters (STS) or the parsed JSON body (CloudWatch). */
  params: Record<string, unknown>;
  /** The access key id in the SigV4 Authorization header. */
  accessKeyId?: string;
  signingRegion?: string;
  /** X-Amz-Security-Token, when the caller used temporary credentials. */
  sessionToken?: string;
  at: number;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** A delay that does not keep the test process alive after the fake is closed. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function xmlEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function signing(
  request: IncomingMessage,
): Pick<FakeAwsCall, "accessKeyId" | "signingRegion" | "sessionToken"> {
  const auth = request.headers.authorization ?? "";
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(auth);
  const token = request.headers["x-amz-security-token"];
  return {
    accessKeyId: match?.[1],
    signingRegion: match?.[2],
    sessionToken: typeof token === "string" ? token : undefined,
  };
}

/** Shared plumbing: an HTTP server on 127.0.0.1, call log, one-shot and standing failures. */
abstract class FakeAwsService {
  readonly calls: FakeAwsCall[] = [];
  url = "";
  protected server: Server | undefined;
  private readonly oneShot: FakeAwsFailure[] = [];
  private standing: FakeAwsFailure | undefined;

  /** The next call fails (or is delayed) this way. */
  failNext(failure: FakeAwsFailure): void {
    this.oneShot.push(failure);
  }

  /** Every call fails this way until `clearFailures`. */
  failAlways(failure: FakeAwsFailure): void {
    this.standing = failure;
  }

  clearFailures(): void {
    this.oneShot.length = 0;
    this.standing = undefined;
  }

  reset(): void {
    this.clearFailures();
    this.calls.length = 0;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  protected nextFailure(): FakeAwsFailure | undefined {
    return this.oneShot.shift() ?? this.standing;
  }

  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;

  protected static statusOf(failure: FakeAwsFailure): number {
    if (failure.status !== undefined) return failure.status;
    return /AccessDenied/.test(failure.code ?? "") ? 403 : 500;
  }
}

const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  roleArn: string;
  externalId?: string;
}

/** The account of the IAM user every long-term access key of the fake belongs to. */
export const FAKE_STS_ACCOUNT = "111122223333";

export class FakeSts extends FakeAwsService {
  /** Credentials handed out, by access key id. */
  readonly issued = new Map<string, IssuedCredentials>();
  /** Lifetime of issued credentials; default what the caller asked for (DurationSeconds). */
  credentialLifetimeSeconds: number | undefined;
  private readonly externalIds = new Map<string, string>();
  private readonly denied = new Set<string>();

  /** The role's trust policy requires this sts:ExternalId (others get AccessDenied). */
  requireExternalId(roleArn: string, externalId: string): void {
    this.externalIds.set(roleArn, externalId);
  }

  /** The role cannot be assumed at all (AccessDenied). */
  denyRole(roleArn: string): void {
    this.denied.add(roleArn);
  }

  assumeRoleCalls(): FakeAwsCall[] {
    return this.calls.filter((call) => call.action === "AssumeRole");
  }

  /** Who signed: an assumed role for credentials this fake issued, else an IAM user named for the key. */
  private answerCallerIdentity(response: ServerResponse, accessKeyId: string): void {
    const role = this.issued.get(accessKeyId);
    const arn =
      role === undefined
        ? `arn:aws:iam::${FAKE_STS_ACCOUNT}:user/${accessKeyId}`
        : `arn:aws:sts::${role.roleArn.split(":")[4]}:assumed-role/${role.roleArn.slice(role.roleArn.lastIndexOf("/") + 1)}/session`;
    response
      .writeHead(200, { "content-type": "text/xml" })
      .end(
        `<GetCallerIdentityResponse xmlns="${STS_XMLNS}"><GetCallerIdentityResult>` +
          `<Arn>${xmlEscape(arn)}</Arn><UserId>AIDA${accessKeyId.slice(-8)}</UserId><Account>${arn.split(":")[4]}</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const params = Object.fromEntries(new URLSearchParams(await readBody(request)));
    const action = params.Action ?? "(none)";
    this.calls.push({ action, params, ...signing(request), at: Date.now() });
    const failure = this.nextFailure();
    if (failure?.delayMs !== undefined) await sleep(failure.delayMs);
    const roleArn = params.RoleArn ?? "";
    let error: FakeAwsFailure | undefined = failure?.code === undefined ? undefined : failure;
    if (error === undefined && action === "GetCallerIdentity") {
      this.answerCallerIdentity(response, this.calls[this.calls.length - 1].accessKeyId ?? "anonymous");
      return;
    }
    if (error === undefined && action !== "AssumeRole") {
      error = { status: 400, code: "InvalidAction", message: `Could not find operation ${action}` };
    }
    const required = this.externalIds.get(roleArn);
    if (
      error === undefined &&
      (this.denied.has(roleArn) || (required !== undefined && params.ExternalId !== required))
    ) {
      const caller = this.calls[this.calls.length - 1].accessKeyId ?? "anonymous";
      error = {
        code: "AccessDenied",
        message: `User: arn:aws:iam::111122223333:user/${caller} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      };
    }
    if (error !== undefined) {
      const status = FakeAwsService.statusOf(error);
      response
        .writeHead(status, { "content-type": "text/xml" })
        .end(
          `<ErrorResponse xmlns="${STS_XMLNS}"><Error><Type>${status >= 500 ? "Receiver" : "Sender"}</Type>` +
            `<Code>${xmlEscape(error.code ?? "InternalFailure")}</Code><Message>${xmlEscape(error.message ?? "failure")}</Message>` +
            `</Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
        );
      return;
    }
    const lifetime = this.credentialLifetimeSeconds ?? Number(params.DurationSeconds ?? "3600");
    const credentials: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString("hex").toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString("base64"),
      sessionToken: randomBytes(48).toString("base64"),
      expiration: new Date(Date.now() + lifetime * 1000),
      roleArn,
      externalId: params.ExternalId,
    };
    this.issued.set(credentials.accessKeyId, credentials);
    const roleName = roleArn.slice(roleArn.lastIndexOf("/") + 1);
    const account = roleArn.split(":")[4] ?? "123456789012";
    const session = params.RoleSessionName ?? "session";
    response
      .writeHead(200, { "content-type": "text/xml" })
      .end(
        `<AssumeRoleResponse xmlns="${STS_XMLNS}"><AssumeRoleResult>` +
          `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString("hex").toUpperCase()}:${xmlEscape(session)}</AssumedRoleId>` +
          `<Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(roleName)}/${xmlEscape(session)}</Arn></AssumedRoleUser>` +
          `<Credentials><AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
          `<SecretAccessKey>${xmlEscape(credentials.secretAccessKey)}</SecretAccessKey>` +
          `<SessionToken>${xmlEscape(credentials.sessionToken)}</SessionToken>` +
          `<Expiration>${credentials.expiration.toISOString()}</Expiration></Credentials>` +
          `</AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
  }
}

const CLOUDWATCH_TARGET_PREFIX = "GraniteServiceVersion20100801.";

export class FakeCloudWatch extends FakeAwsService {
  /** The image answered; default a 600×400 chart-like PNG. */
  image: Buffer = createChartPng(600, 400);

  /** MetricWidget JSON of every GetMetricWidgetImage call, parsed. */
  widgets(): Record<string, unknown>[] {
    return this.calls
      .filter((call) => call.action === "GetMetricWidgetImage")
      .map((call) => JSON.parse(String(call.params.MetricWidget)) as Record<string, unknown>);
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const action = target.startsWith(CLOUDWATCH_TARGET_PREFIX)
      ? target.slice(CLOUDWATCH_TARGET_PREFIX.length)
      : "(none)";
    const text = await readBody(request);
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(text === "" ? "{}" : text) as Record<string, unknown>;
    } catch {
      params = { raw: text };
    }
    this.calls.push({ action, params, ...signing(request), at: Date.now() });
    const failure = this.nextFailure();
    if (failure?.delayMs !== undefined) await sleep(failure.delayMs);
    let error: FakeAwsFailure | undefined = failure?.code === undefined ? undefined : failure;
    if (error === undefined && action !== "GetMetricWidgetImage") {
      error = { status: 400, code: "UnknownOperationException", message: `unknown operation ${target}` };
    }
    if (error === undefined && typeof params.MetricWidget !== "string") {
      error = { status: 400, code: "InvalidParameterInput", message: "MetricWidget is required" };
    }
    if (error !== undefined) {
      const status = FakeAwsService.statusOf(error);
      const code = error.code ?? "InternalFailure";
      response
        .writeHead(status, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": randomUUID(),
          // awsQuery-compatible services name the Query error code here too.
          "x-amzn-query-error": `${code.replace(/Exception$/, "")};${status >= 500 ? "Receiver" : "Sender"}`,
        })
        .end(
          JSON.stringify({ __type: `com.amazonaws.cloudwatch#${code}`, message: error.message ?? "failure" }),
        );
      return;
    }
    response
      .writeHead(200, { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID() })
      .end(JSON.stringify({ MetricWidgetImage: this.image.toString("base64") }));
  }
}

export async function startFakeSts(): Promise<FakeSts> {
  const fake = new FakeSts();
  await fake.listen();
  return fake;
}

export async function startFakeCloudWatch(): Promise<FakeCloudWatch> {
  const fake = new FakeCloudWatch();
  await fake.listen();
  return fake;
}

export interface FakeAwsCharts {
  sts: FakeSts;
  cloudwatch: FakeCloudWatch;
  close(): Promise<void>;
}

export async function startFakeAwsCharts(): Promise<FakeAwsCharts> {
  const [sts, cloudwatch] = await Promise.all([startFakeSts(), startFakeCloudWatch()]);
  return {
    sts,
    cloudwatch,
    async close() {
      await Promise.all([sts.close(), cloudwatch.close()]);
    },
  };
}
