/**
 * Publishes a user's App Home: the workspace's configured channels, a page at a time, and its
 * webhook rooms (redacted) when `listWebhooks` is given.
 */
import type { WebClient } from "@slack/web-api";
import type { ConfigurationService } from "../../configurations/configuration-service";
import type { Logger } from "../../logger";
import type { WebhookConfigurationView } from "../../webhooks";
import { configuredClientsHomeView, HOME_PAGE_SIZE } from "../blocks/home";

export interface HomePublisher {
  publish(
    client: WebClient,
    teamId: string,
    userId: string,
    options?: { page?: number; notice?: string },
  ): Promise<void>;
}

export function homePublisher(
  service: ConfigurationService,
  command: string,
  logger: Logger,
  listWebhooks?: (teamId: string) => Promise<WebhookConfigurationView[]>,
): HomePublisher {
  return {
    async publish(client, teamId, userId, options = {}) {
      const overview = await service.workspaceOverview(teamId, options.page ?? 0, HOME_PAGE_SIZE);
      const webhooks = listWebhooks === undefined ? undefined : await listWebhooks(teamId);
      try {
        await client.views.publish({
          user_id: userId,
          view: configuredClientsHomeView(overview, { command, notice: options.notice, webhooks }),
        });
      } catch (error) {
        logger.warn({ err: error, teamId, userId }, "views.publish of App Home failed");
      }
    },
  };
}
