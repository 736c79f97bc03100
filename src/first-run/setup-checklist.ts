/**
 * What the setup page's checklist says: for each part a deployment needs, whether it is there and
 * the one thing to do if not. Pure: the caller probes the database and AWS.
 */
import type { Config } from "../config";
import type { AwsCredentialsState } from "./aws-credentials";

export interface ChecklistItem {
  id: "slack" | "public-url" | "database" | "aws";
  title: string;
  ok: boolean;
  /** What is there now. */
  status: string;
  /** The one thing to do; absent when the item is done. */
  todo?: string;
}

export interface ChecklistInput {
  config: Config;
  /** Undefined when the database answered; else why not. */
  databaseProblem?: string;
  aws: AwsCredentialsState;
}

function slackItem(): ChecklistItem {
  return {
    id: "slack",
    title: "Slack app",
    ok: false,
    status: "No Slack credentials are set, so the server runs this setup page instead of the app.",
    todo:
      "Create the Slack app with the button below, then set SLACK_SIGNING_SECRET and either SLACK_BOT_TOKEN " +
      "(one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (“Add to Slack”) in " +
      "the environment or in .env, and restart. Secrets are never typed into this page.",
  };
}

function publicUrlItem(publicUrl: string | undefined): ChecklistItem {
  const base = { id: "public-url" as const, title: "Public URL (PUBLIC_URL)" };
  if (publicUrl === undefined) {
    return {
      ...base,
      ok: false,
      status:
        "PUBLIC_URL is not set: Amazon SNS cannot reach this server, and the Slack app below uses Socket Mode.",
      todo:
        "Expose this server over https (a tunnel or a public host) and set PUBLIC_URL to that address; " +
        "SNS then posts to PUBLIC_URL/sns/events.",
    };
  }
  if (!publicUrl.startsWith("https://")) {
    return {
      ...base,
      ok: false,
      status: `PUBLIC_URL is ${publicUrl}, which is not https.`,
      todo: "Put https in front of this server (a TLS-terminating proxy or a tunnel) and set PUBLIC_URL to the https address.",
    };
  }
  return { ...base, ok: true, status: `${publicUrl} — SNS endpoint ${publicUrl}/sns/events` };
}

function databaseItem(config: Config, problem: string | undefined): ChecklistItem {
  const where =
    config.database.kind === "sqlite"
      ? `SQLite at ${config.database.sqliteFile ?? config.database.url}`
      : "PostgreSQL (DATABASE_URL)";
  const base = { id: "database" as const, title: "Database" };
  if (problem !== undefined) {
    return {
      ...base,
      ok: false,
      status: `${where} does not answer: ${problem}`,
      todo: "Check DATABASE_URL and that the database server is running, then restart.",
    };
  }
  return {
    ...base,
    ok: true,
    status:
      config.database.kind === "sqlite"
        ? `${where}, migrated. Enough for one host; set DATABASE_URL=postgres://… to run several replicas.`
        : `${where}, migrated.`,
  };
}

function awsItem(aws: AwsCredentialsState): ChecklistItem {
  const base = { id: "aws" as const, title: "AWS credentials" };
  if (aws.found) {
    return { ...base, ok: true, status: "Found through the AWS SDK's default credential chain." };
  }
  return {
    ...base,
    ok: false,
    status: `None found (${aws.reason}).`,
    todo:
      "Give this server AWS credentials (environment variables, AWS_PROFILE, or an instance / task role) " +
      "allowed sns:Subscribe, sns:ConfirmSubscription, sns:Unsubscribe, sns:GetSubscriptionAttributes and " +
      "sns:SetSubscriptionAttributes on your topics.",
  };
}

export function setupChecklist(input: ChecklistInput): ChecklistItem[] {
  return [
    slackItem(),
    publicUrlItem(input.config.publicUrl),
    databaseItem(input.config, input.databaseProblem),
    awsItem(input.aws),
  ];
}
