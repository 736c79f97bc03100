/**
 * The bot token of a workspace, for work done outside a Slack request (delivery, notices). In OAuth
 * mode it comes through InstallProvider.authorize, which also rotates a token that expires within
 * two hours and stores the new pair; in single-workspace mode it is SLACK_BOT_TOKEN.
 */
import type { InstallProvider } from "@slack/oauth";
import { ChatbotError, ErrorCode } from "../errors";

export interface WorkspaceRef {
  teamId: string;
  enterpriseId?: string | null;
}

export interface WorkspaceTokens {
  /** Throws ChatbotError(InstallationNotFound) when the workspace has no usable installation. */
  botTokenFor(workspace: WorkspaceRef): Promise<string>;
}

export class SingleWorkspaceTokens implements WorkspaceTokens {
  constructor(private readonly botToken: string) {}

  async botTokenFor(): Promise<string> {
    return this.botToken;
  }
}

export class InstalledWorkspaceTokens implements WorkspaceTokens {
  constructor(private readonly installer: InstallProvider) {}

  async botTokenFor({ teamId, enterpriseId }: WorkspaceRef): Promise<string> {
    let token: string | undefined;
    try {
      const authorized = await this.installer.authorize({
        teamId,
        enterpriseId: enterpriseId ?? undefined,
        isEnterpriseInstall: false,
      });
      token = authorized.botToken;
    } catch (error) {
      throw new ChatbotError(ErrorCode.InstallationNotFound, `workspace ${teamId} is not installed`, {
        cause: error,
      });
    }
    if (!token)
      throw new ChatbotError(ErrorCode.InstallationNotFound, `workspace ${teamId} has no bot token`);
    return token;
  }
}
