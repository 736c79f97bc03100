/**
 * `chatbot webhooks add|list|update|remove` (CONTRACT.md): incoming-webhook configurations (Amazon Chime
 * rooms, Slack incoming webhooks, Microsoft Teams Workflows, Mattermost / Rocket.Chat), made outside
 * Slack. They belong to the pseudo team "cli". `add` also asks SNS for each topic's subscription
 * (PUBLIC_URL + /sns/events) and prints each topic's state.
 */
import { parseArgs } from "node:util";
import { ExternalIds } from "../configurations/external-id";
import { describeFilter } from "../configurations/filters";
import { WEBHOOK_PROVIDERS } from "../notifications";
import { SnsApi } from "../sns/sns-api";
import { SubscriptionService, type TopicSubscriptionState } from "../sns/subscriptions";
import { createWebhookConfiguration, removeWebhookConfiguration } from "../webhooks/webhook-configurations";
import { PROVIDER_LABELS } from "../webhooks/webhook-providers";
import { listWebhookConfigurations, type WebhookConfigurationView } from "../webhooks/webhook-queries";
import { type CliContext, formatConfiguration, withCliContext } from "./configurations";
import { type CliIo, EXIT_OK, EXIT_USAGE } from "./io";
import { FILTER_USAGE, filterFromOptions, setWebhookFilter, updateWebhook } from "./webhook-filters";

const USAGE = `usage:
  chatbot webhooks add --url URL --description "Room/Webhook" --topic ARN [--topic ARN…] [--role ARN]
                       [--provider ${WEBHOOK_PROVIDERS.join("|")}] [--name NAME] [--filter KEY=VALUE…]
  chatbot webhooks list [--json]
  chatbot webhooks update ID --filter KEY=VALUE [--filter KEY=VALUE…]
  chatbot webhooks remove ID

URL: an Amazon Chime (https://hooks.chime.aws/incomingwebhooks/…?token=…), Slack
(https://hooks.slack.com/services/…) or Microsoft Teams Workflows webhook URL; other hosts only when
WEBHOOK_URL_PATTERN allows them (--provider says which service when the URL's path does not).
--description: Chat_room_name/Webhook_name. --role: an IAM role ARN whose name has only letters and
digits; it is assumed (with the configuration's ExternalId) to draw CloudWatch alarm charts.
${FILTER_USAGE}
`;

class UsageError extends Error {}

function usageError(io: CliIo, message: string): number {
  io.stderr.write(`chatbot webhooks: ${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** Runs `body` with a SubscriptionService on the real SNS API (closing its connections after). */
export async function withSubscriptions<T>(
  context: CliContext,
  body: (service: SubscriptionService) => Promise<T>,
): Promise<T> {
  const sns = new SnsApi({ logger: context.logger, endpoint: context.config.awsEndpoints.sns });
  try {
    return await body(
      new SubscriptionService(context.db.prisma, sns, context.logger.child({ component: "subscriptions" }), {
        publicUrl: context.config.publicUrl,
      }),
    );
  } finally {
    sns.destroy();
  }
}

const STATE_HINT: Record<string, string> = {
  pending: "subscription requested; SNS confirms it at PUBLIC_URL/sns/events",
  confirmed: "subscribed",
  failed: "NOT subscribed",
  unsubscribed: "not subscribed",
};

function topicLine(state: TopicSubscriptionState): string {
  const hint = STATE_HINT[state.status] ?? state.status;
  return `  topic ${state.topicArn}: ${state.status} (${hint}${state.statusReason === null ? "" : `: ${state.statusReason}`})`;
}

function parseAdd(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      url: { type: "string" },
      description: { type: "string" },
      topic: { type: "string", multiple: true },
      role: { type: "string" },
      provider: { type: "string" },
      name: { type: "string" },
      filter: { type: "string", multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (values.url === undefined) throw new UsageError("--url URL is required");
  if (values.description === undefined) throw new UsageError('--description "Room/Webhook" is required');
  if (values.topic === undefined || values.topic.length === 0)
    throw new UsageError("at least one --topic ARN is required");
  const filter = filterFromOptions(values.filter);
  return { ...values, url: values.url, description: values.description, topic: values.topic, filter };
}

async function add(args: string[], io: CliIo): Promise<number> {
  let input: ReturnType<typeof parseAdd>;
  try {
    input = parseAdd(args);
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  return withCliContext("webhooks add", io, async (context) => {
    const created = await withSubscriptions(context, (subscriptions) =>
      createWebhookConfiguration(
        {
          prisma: context.db.prisma,
          secrets: context.secrets,
          externalIds: new ExternalIds(context.encryptionKey),
          subscriptions,
          webhookUrlPattern: context.config.webhookUrlPattern,
        },
        {
          url: input.url,
          description: input.description,
          topics: input.topic,
          roleArn: input.role,
          provider: input.provider,
          name: input.name,
        },
      ),
    );
    const c = created.configuration;
    // Validated before anything was written; set right after the room exists.
    const filtered =
      input.filter === undefined ? undefined : await setWebhookFilter(context.db.prisma, c.id, input.filter);
    const filters = filtered === undefined ? [] : [`  filters: ${describeFilter(filtered.filter)}`];
    const lines = [
      `created webhook configuration ${c.id} (${c.name})`,
      `  description: ${c.description}`,
      `  webhook: ${PROVIDER_LABELS[c.provider]} ${c.redactedUrl}`,
      `  role: ${c.iamRoleArn === null ? "none (no alarm charts)" : `${c.iamRoleArn} (sts:ExternalId ${c.externalId ?? "none"})`}`,
      ...filters,
      ...created.topics.map(topicLine),
    ];
    io.stdout.write(`${lines.join("\n")}\n`);
    return EXIT_OK;
  });
}

function lineOf(view: WebhookConfigurationView) {
  return {
    id: view.id,
    kind: "webhook",
    name: view.name,
    teamId: view.teamId,
    target: `${PROVIDER_LABELS[view.provider]} ${view.redactedUrl} "${view.description}"`,
    iamRoleArn: view.iamRoleArn,
    state: view.state,
    stateReason: view.stateReason,
    filters: view.filters,
    topics: view.topics,
  };
}

async function list(args: string[], io: CliIo): Promise<number> {
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { json: { type: "boolean" } },
      allowPositionals: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    json = values.json === true;
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  return withCliContext("webhooks list", io, async (context) => {
    const views = await listWebhookConfigurations(context.db.prisma, context.secrets);
    if (json) io.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
    else if (views.length === 0) io.stdout.write("no webhook configurations\n");
    else io.stdout.write(`${views.map((view) => formatConfiguration(lineOf(view))).join("\n\n")}\n`);
    return EXIT_OK;
  });
}

async function remove(args: string[], io: CliIo): Promise<number> {
  if (args.length !== 1 || args[0].startsWith("-"))
    return usageError(io, "remove takes exactly one configuration ID");
  const id = args[0];
  return withCliContext("webhooks remove", io, async (context) => {
    const removed = await withSubscriptions(context, (subscriptions) =>
      removeWebhookConfiguration({ prisma: context.db.prisma, subscriptions }, id),
    );
    const lines = [`removed webhook configuration ${removed.id} (${removed.description})`];
    for (const topic of removed.topics) {
      const what =
        topic.error !== undefined
          ? `SNS Unsubscribe failed: ${topic.error}`
          : topic.status === "unsubscribed"
            ? "unsubscribed (no other configuration wants it)"
            : `kept (${topic.status}; other configurations want it)`;
      lines.push(`  topic ${topic.topicArn}: ${what}`);
    }
    io.stdout.write(`${lines.join("\n")}\n`);
    return EXIT_OK;
  });
}

export async function runWebhooks(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "add":
      return add(rest, io);
    case "list":
      return list(rest, io);
    case "update":
      return updateWebhook(rest, io, (message) => usageError(io, message));
    case "remove":
      return remove(rest, io);
    case "help":
    case "--help":
    case "-h":
      io.stdout.write(USAGE);
      return EXIT_OK;
    default:
      return usageError(
        io,
        sub === undefined ? "expected add, list, update or remove" : `unknown subcommand "${sub}"`,
      );
  }
}
