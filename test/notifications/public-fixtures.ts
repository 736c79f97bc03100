import { readFileSync } from "node:fs";
import path from "node:path";
import type { SnsFixture } from "./sns-fixtures";

/**
 * The public example events of the formats issue 12 added (test/fixtures/sns-public, sources in its
 * SOURCES.md), in the shared fixture format.
 */

const PUBLIC_DIR = path.resolve(__dirname, "..", "fixtures", "sns-public");

/** This suite's files; the directory also holds other suites' fixtures. */
export const NEW_FORMAT_FIXTURES = [
  "codecommit-comment-on-pull-request.json",
  "codecommit-pull-request-created-aws-to-slack.json",
  "codecommit-pull-request-created.json",
  "codecommit-pull-request-merged.json",
  "codecommit-reference-created.json",
  "codecommit-reference-deleted.json",
  "codepipeline-approval-aws-to-slack.json",
  "codepipeline-approval-docs-example.json",
  "dms-eventbridge-replication-task-started.json",
  "dms-sns-replication-task-stopped.json",
  "glue-crawler-failed.json",
  "glue-crawler-succeeded.json",
  "glue-job-failed-assume-role.json",
  "glue-job-failed-systemexit.json",
  "glue-job-timeout.json",
  "guardduty-finding-no-source-critical.json",
  "guardduty-finding-no-source-low.json",
  "guardduty-malware-s3-no-threats-found.json",
  "guardduty-malware-s3-threats-found.json",
  "inspector2-coverage-inactive.json",
  "inspector2-scan-ec2-clean.json",
  "inspector2-scan-ecr-image-findings.json",
  "ssm-sns-command-invocation.json",
  "ssm-sns-command-summary-instance-targets.json",
  "ssm-sns-command-summary-tag-targets.json",
] as const;

export type PublicFixture = SnsFixture & { expect: SnsFixture["expect"] & { state?: string } };

export function publicFixture(file: string): PublicFixture {
  const parsed = JSON.parse(readFileSync(path.join(PUBLIC_DIR, file), "utf8")) as Omit<PublicFixture, "file">;
  return { file, ...parsed };
}
