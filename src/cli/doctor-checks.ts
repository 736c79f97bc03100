/**
 * `chatbot doctor`'s checks of everything but Slack (doctor-slack.ts): the database and its
 * migrations, AWS credentials, PUBLIC_URL reaching this server, and each topic's SNS subscription.
 * Each returns CheckResults and never throws for what it checks.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Config } from "../config";
import type { PrismaClient } from "../db/database";
import { migrationStatus } from "../db/migrate";
import { SNS_ENDPOINT_PATH } from "../sns/subscriptions";
import { type CheckResult, failed, passed, reasonOf } from "./doctor-result";

const HTTP_TIMEOUT_MS = 10_000;
const AWS_TIMEOUT_MS = 15_000;

function databaseName(database: Config["database"]): string {
  if (database.kind === "sqlite") return `SQLite ${database.sqliteFile}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

/** Reachable and migrated; true in `usable` when the other checks may query it. */
export async function checkDatabase(
  database: Config["database"],
): Promise<{ result: CheckResult; usable: boolean }> {
  const name = databaseName(database);
  try {
    const { applied, pending } = await migrationStatus(database);
    if (pending.length > 0) {
      return {
        usable: false,
        result: failed(
          `database ${name}: ${pending.length} migration(s) not applied (${pending.join(", ")})`,
          "run `npx chatbot migrate` (npm start applies them too)",
        ),
      };
    }
    return {
      usable: true,
      result: passed(`database ${name} answers; all ${applied.length} migrations applied`),
    };
  } catch (error) {
    const fix =
      database.kind === "sqlite"
        ? "check DATABASE_URL; `npm start` or `npx chatbot migrate` creates the file"
        : "check DATABASE_URL and that PostgreSQL accepts connections from here";
    return { usable: false, result: failed(`database ${name}: ${reasonOf(error)}`, fix) };
  }
}

/** The SDK's default credential chain, through AWS_ENDPOINT_URL_STS when set. */
export async function checkAwsCredentials(config: Config): Promise<CheckResult> {
  const client = new STSClient({
    region: config.awsRegion ?? "us-east-1",
    ...(config.awsEndpoints.sts === undefined ? {} : { endpoint: config.awsEndpoints.sts }),
    maxAttempts: 1,
    requestHandler: { requestTimeout: 5_000, connectionTimeout: 3_000 },
  });
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(AWS_TIMEOUT_MS),
    });
    return passed(`AWS credentials resolve: ${identity.Arn} (account ${identity.Account})`);
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const fix =
      name === "CredentialsProviderError"
        ? "give this server AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or an instance / task role"
        : "the credentials were refused or STS is unreachable: check them, AWS_REGION and AWS_ENDPOINT_URL_STS";
    return failed(`AWS credentials: ${name === "" ? "" : `${name}: `}${reasonOf(error)}`, fix);
  } finally {
    client.destroy();
  }
}

/** GET PUBLIC_URL/healthz from here: what SNS and Slack would reach. */
export async function checkPublicUrl(publicUrl: string | undefined): Promise<CheckResult> {
  if (publicUrl === undefined) {
    return failed(
      "PUBLIC_URL is not set: SNS cannot subscribe and Slack cannot reach this server",
      "set PUBLIC_URL to this server's https URL (a public host with TLS, or a tunnel such as cloudflared or ngrok)",
    );
  }
  const url = `${publicUrl}/healthz`;
  let status: number;
  try {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await response.arrayBuffer();
    status = response.status;
  } catch (error) {
    return failed(
      `PUBLIC_URL: ${url} unreachable from here: ${reasonOf(error)}`,
      "start the server (npm start) and check the DNS name, the tunnel or proxy, and its TLS certificate",
    );
  }
  if (status !== 200) {
    return failed(
      `PUBLIC_URL: ${url} answered HTTP ${status}`,
      "PUBLIC_URL must lead to this server: check the proxy or tunnel in front of it",
    );
  }
  if (!publicUrl.startsWith("https://")) {
    return failed(
      `PUBLIC_URL: ${url} answers but is not https`,
      "Slack requires https and SNS would send notifications in clear: put TLS in front of the server and set PUBLIC_URL to its https URL",
    );
  }
  return passed(`PUBLIC_URL ${publicUrl} reaches /healthz`);
}

/** One line per topic some configuration wants, from the database (SNS itself is not asked). */
export async function checkTopics(
  prisma: PrismaClient,
  publicUrl: string | undefined,
): Promise<CheckResult[]> {
  const topics = await prisma.topicSubscription.findMany({
    where: { configurations: { some: {} } },
    orderBy: { topicArn: "asc" },
  });
  if (topics.length === 0)
    return [passed("SNS topics: none subscribed yet (type /aws subscribe ARN in a channel)")];
  const endpoint = `${publicUrl ?? "PUBLIC_URL"}${SNS_ENDPOINT_PATH}`;
  return topics.map((topic) => {
    const reason = topic.statusReason === null ? "" : `: ${topic.statusReason}`;
    switch (topic.status) {
      case "confirmed":
        return passed(`SNS topic ${topic.topicArn}: subscription confirmed`);
      case "pending":
        return failed(
          `SNS topic ${topic.topicArn}: waiting for SNS to confirm since ${topic.updatedAt.toISOString()}`,
          `SNS confirms by POSTing to ${endpoint}: make sure AWS can reach it (the PUBLIC_URL line), then /aws subscribe ${topic.topicArn} again`,
        );
      case "failed":
        return failed(
          `SNS topic ${topic.topicArn}: subscription failed${reason}`,
          `fix the cause (AWS permissions sns:Subscribe, PUBLIC_URL), then /aws subscribe ${topic.topicArn} again`,
        );
      default:
        return failed(
          `SNS topic ${topic.topicArn}: ${topic.status}${reason}`,
          `/aws subscribe ${topic.topicArn} again in a channel that wants it`,
        );
    }
  });
}
