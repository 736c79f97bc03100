/**
 * The incoming-webhook services this app posts to without any configuration, each recognised by the
 * exact host (or host suffix) of its URL and the shape of its path. Everything else must be allowed
 * by WEBHOOK_URL_PATTERN (self-hosted Mattermost / Rocket.Chat, sovereign clouds, loopback fakes).
 *
 * Sources (read 2025):
 * - Amazon Chime: the AWS Chatbot API validates WebhookUrl against
 *   `https://hooks\.chime\.aws/incomingwebhooks/[A-Za-z0-9\-]+?\?token=[A-Za-z0-9\-]+`, max 255
 *   (docs.aws.amazon.com/cli/latest/reference/chatbot/create-chime-webhook-configuration.html;
 *   shared PROTOCOLS.md §3). Chime itself ends on 2026-02-20.
 * - Slack incoming webhooks: `https://hooks.slack.com/services/T…/B…/<secret>`
 *   (docs.slack.dev/messaging/sending-messages-using-incoming-webhooks).
 * - Microsoft Teams "Workflows" webhooks (Power Automate, "When a Teams webhook request is received"):
 *   since 2025 `https://<env>.<nn>.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/<id>/triggers/manual/paths/invoke?api-version=1&sp=…&sv=1.0&sig=…`;
 *   before, and for Azure Logic Apps, `https://prod-NN.<region>.logic.azure.com:443/workflows/<id>/triggers/manual/paths/invoke?api-version=2016-06-01&sp=…&sv=1.0&sig=…`
 *   (learn.microsoft.com/troubleshoot/power-platform/power-automate/flow-run-issues/triggers-troubleshoot,
 *   "Changes to HTTP or Teams Webhook trigger flows"; public reports in caronc/apprise#1405 and
 *   atc0005/send2teams#723 show the new host). Workflows accept only Adaptive Cards
 *   (learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 * - Microsoft Teams Office 365 connectors (retired by Microsoft, still accepted while they answer):
 *   `https://<tenant>.webhook.office.com/webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>[/<sig>]`.
 * - Mattermost (`https://<host>/hooks/<26 characters>`) and Rocket.Chat (`https://<host>/hooks/<id>/<token>`)
 *   run on the customer's own hosts, which no built-in list can know: they are allowed only through
 *   WEBHOOK_URL_PATTERN, and their path tells them apart (or `--provider` says which).
 */
import type { WebhookProvider } from "../notifications";

export interface ProviderRule {
  provider: WebhookProvider;
  /** Human name for messages. */
  label: string;
  /** Whether this parsed host belongs to the provider (exact host or a suffix on a label boundary). */
  matchesHost(hostname: string): boolean;
  /** What is wrong with the rest of the URL for this provider, or undefined when it is fine. */
  problem(url: URL, raw: string): string | undefined;
  example: string;
}

/** AWS Chatbot's own pattern for Chime webhook URLs, anchored. */
export const CHIME_URL_PATTERN =
  /^https:\/\/hooks\.chime\.aws\/incomingwebhooks\/[A-Za-z0-9-]+?\?token=[A-Za-z0-9-]+$/;
export const CHIME_URL_MAX = 255;

const SLACK_PATH = /^\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+$/;
const WORKFLOW_PATH =
  /^\/(?:powerautomate\/automations\/direct\/)?workflows\/[A-Za-z0-9]+\/triggers\/[A-Za-z0-9_.-]+\/paths\/invoke\/?$/;
const CONNECTOR_PATH =
  /^\/webhookb2\/[A-Za-z0-9@-]+\/IncomingWebhook\/[A-Za-z0-9]+\/[A-Za-z0-9-]+(?:\/[A-Za-z0-9_-]+)?$/;
const HOST_LABELS = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+$/;

/** True when `hostname` is `<one or more DNS labels>.<suffix>`. */
function underSuffix(hostname: string, suffix: string): boolean {
  if (!hostname.endsWith(`.${suffix}`)) return false;
  return HOST_LABELS.test(hostname.slice(0, hostname.length - suffix.length));
}

export const CHIME_EXAMPLE = "https://hooks.chime.aws/incomingwebhooks/<id>?token=<token>";
export const SLACK_EXAMPLE = "https://hooks.slack.com/services/T…/B…/…";
export const TEAMS_EXAMPLE =
  "https://<environment>.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/<id>/triggers/manual/paths/invoke?api-version=1&…&sig=…";
export const MATTERMOST_EXAMPLE = "https://<your Mattermost or Rocket.Chat host>/hooks/<id>";

export const BUILT_IN_PROVIDERS: readonly ProviderRule[] = [
  {
    provider: "chime",
    label: "Amazon Chime",
    matchesHost: (hostname) => hostname === "hooks.chime.aws",
    problem: (_url, raw) => {
      if (raw.length > CHIME_URL_MAX) {
        return `an Amazon Chime webhook URL has at most ${CHIME_URL_MAX} characters (this one has ${raw.length})`;
      }
      return CHIME_URL_PATTERN.test(raw)
        ? undefined
        : "an Amazon Chime webhook URL is exactly https://hooks.chime.aws/incomingwebhooks/<id>?token=<token>";
    },
    example: CHIME_EXAMPLE,
  },
  {
    provider: "slack-incoming",
    label: "Slack incoming webhook",
    matchesHost: (hostname) => hostname === "hooks.slack.com",
    problem: (url) =>
      SLACK_PATH.test(url.pathname) && url.search === ""
        ? undefined
        : "a Slack incoming webhook URL is https://hooks.slack.com/services/T…/B…/… (from the app's Incoming Webhooks page)",
    example: SLACK_EXAMPLE,
  },
  {
    provider: "teams",
    label: "Microsoft Teams Workflows webhook",
    matchesHost: (hostname) =>
      underSuffix(hostname, "environment.api.powerplatform.com") || underSuffix(hostname, "logic.azure.com"),
    problem: (url) => {
      if (!WORKFLOW_PATH.test(url.pathname)) {
        return "a Teams Workflows webhook URL has the path /…/workflows/<id>/triggers/<trigger>/paths/invoke";
      }
      return url.searchParams.get("sig")
        ? undefined
        : "a Teams Workflows webhook URL carries its signature in sig=…";
    },
    example: TEAMS_EXAMPLE,
  },
  {
    provider: "teams",
    label: "Microsoft Teams connector webhook",
    matchesHost: (hostname) => underSuffix(hostname, "webhook.office.com"),
    problem: (url) =>
      CONNECTOR_PATH.test(url.pathname)
        ? undefined
        : "a Teams connector webhook URL has the path /webhookb2/<group>@<tenant>/IncomingWebhook/<id>/<owner>",
    example: "https://<tenant>.webhook.office.com/webhookb2/…/IncomingWebhook/…/…",
  },
];

/**
 * For a URL that only WEBHOOK_URL_PATTERN admits: which service it is, from the shape of its path
 * (the same shapes as the built-in hosts, plus Mattermost's and Rocket.Chat's `/hooks/…`).
 */
export function providerFromPath(url: URL): WebhookProvider | undefined {
  const path = url.pathname;
  if (/^\/incomingwebhooks\/[A-Za-z0-9-]+$/.test(path) && url.searchParams.has("token")) return "chime";
  if (SLACK_PATH.test(path)) return "slack-incoming";
  if (WORKFLOW_PATH.test(path) || CONNECTOR_PATH.test(path)) return "teams";
  if (/^(?:\/[^/]+)*\/hooks\/[A-Za-z0-9]+(?:\/[A-Za-z0-9]+)?$/.test(path)) return "mattermost";
  return undefined;
}

export const PROVIDER_LABELS: Readonly<Record<WebhookProvider, string>> = {
  chime: "Amazon Chime",
  "slack-incoming": "Slack incoming webhook",
  teams: "Microsoft Teams",
  mattermost: "Mattermost / Rocket.Chat",
};
