/**
 * Whether the AWS SDK's default credential chain finds credentials here (environment, profile,
 * web identity, container or instance role) — for the setup checklist. Nothing is sent to AWS; the
 * keys never leave this module.
 */
import { STSClient } from "@aws-sdk/client-sts";

export type AwsCredentialsState = { found: true } | { found: false; reason: string };

/** The chain may wait on the instance metadata service; the page should not. */
const RESOLVE_TIMEOUT_MS = 5_000;
/** Credentials can appear (a profile written, a role attached) while the page stays open. */
const RECHECK_AFTER_MS = 30_000;

export class AwsCredentialsProbe {
  #last?: { at: number; result: Promise<AwsCredentialsState> };

  constructor(private readonly region: string | undefined) {}

  check(now = Date.now()): Promise<AwsCredentialsState> {
    if (this.#last === undefined || now - this.#last.at > RECHECK_AFTER_MS) {
      this.#last = { at: now, result: this.#resolve() };
    }
    return this.#last.result;
  }

  async #resolve(): Promise<AwsCredentialsState> {
    const client = new STSClient({ region: this.region ?? "us-east-1" });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the credential chain did not answer")),
          RESOLVE_TIMEOUT_MS,
        );
      });
      const credentials = await Promise.race([client.config.credentials(), timeout]);
      return credentials.accessKeyId ? { found: true } : { found: false, reason: "no access key" };
    } catch (error) {
      return { found: false, reason: error instanceof Error ? error.message.split("\n")[0] : String(error) };
    } finally {
      clearTimeout(timer);
      client.destroy();
    }
  }
}
