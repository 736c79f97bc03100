/**
 * Publishes a user's App Home for who they are: managers get every configuration of the workspace
 * with its buttons, its webhook rooms (redacted) when `listWebhooks` is given, and every recent
 * change; everyone else the configurations of public channels, read-only, the changes that name no
 * private channel or ARN, and who manages the app.
 */
import type { WebClient } from "@slack/web-api";
import type { ConfigurationService } from "../../configurations/configuration-service";
import { isManagerStanding, type PermissionActor, type Standing } from "../../configurations/permissions";
import type { Logger } from "../../logger";
import type { WebhookConfigurationView } from "../../webhooks";
import { configuredClientsHomeView, HOME_PAGE_SIZE } from "../blocks/home";
import { type AccessDeps, standingOfActor } from "./access";
import { SlackChannelDirectory } from "./slack-lookups";

export interface HomePublisher {
  /** The viewer's Home; `enterpriseId` finds an org-wide installer (who manages every workspace). */
  publish(
    client: WebClient,
    viewer: PermissionActor,
    options?: { page?: number; notice?: string },
  ): Promise<void>;
}

export function homePublisher(
  service: ConfigurationService,
  access: AccessDeps,
  command: string,
  logger: Logger,
  listWebhooks?: (teamId: string) => Promise<WebhookConfigurationView[]>,
): HomePublisher {
  async function standingOf(client: WebClient, viewer: PermissionActor): Promise<Standing> {
    const { teamId, userId } = viewer;
    try {
      return await standingOfActor(access, client, viewer);
    } catch (error) {
      // Slack could not say who this is: the read-only view gives nothing away.
      logger.warn({ err: error, teamId, userId }, "users.info failed; App Home shown read-only");
      return "member";
    }
  }
  return {
    async publish(client, viewer, options = {}) {
      const { teamId, userId } = viewer;
      await service.learnChannelPrivacy(teamId, new SlackChannelDirectory(client));
      const standing = await standingOf(client, viewer);
      const manager = isManagerStanding(standing);
      const [overview, managers] = await Promise.all([
        service.workspaceOverview(teamId, options.page ?? 0, HOME_PAGE_SIZE, manager ? "all" : "public"),
        access.permissions.managers(teamId, viewer.enterpriseId),
      ]);
      const webhooks = listWebhooks === undefined || !manager ? undefined : await listWebhooks(teamId);
      try {
        await client.views.publish({
          user_id: userId,
          view: configuredClientsHomeView(overview, {
            command,
            notice: options.notice,
            webhooks,
            viewer: { standing, managers },
          }),
        });
      } catch (error) {
        logger.warn({ err: error, teamId, userId }, "views.publish of App Home failed");
      }
    },
  };
}
