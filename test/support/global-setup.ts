/**
 * Jest global setup: decides once whether the PostgreSQL tests run. With CI=true a PostgreSQL that
 * does not answer is an error; elsewhere its tests are skipped with a printed notice.
 */
import { probePostgres, TEST_POSTGRES_URL } from "./postgres-probe";

export default async function globalSetup(): Promise<void> {
  const reachable = await probePostgres(TEST_POSTGRES_URL);
  if (!reachable) {
    if (process.env.CI === "true") {
      throw new Error(
        `PostgreSQL does not answer at ${TEST_POSTGRES_URL} and CI=true: start it (see .ci/run).`,
      );
    }
    process.stdout.write(
      `\nPostgreSQL not reachable at ${TEST_POSTGRES_URL}: PostgreSQL tests are skipped.\n`,
    );
  }
  process.env.CHATBOT_TEST_POSTGRES = reachable ? "1" : "0";
}
