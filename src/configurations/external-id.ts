/**
 * The sts:ExternalId a workspace's IAM roles require (the "confused deputy" guard): one per
 * workspace, so a role made for one workspace cannot be assumed on behalf of another.
 *
 * Scheme: HMAC-SHA256(team id) keyed by a sub-key derived (HKDF) from the deployment's
 * ENCRYPTION_KEY, shown as `awschatbot-<32 hex>`. Deterministic, so `/aws role template NAME` shows
 * the same value before any configuration exists as after; every configuration stores the value it
 * was created with (ChannelConfiguration.externalId), and a stored value wins over the derived one,
 * so a later change of ENCRYPTION_KEY does not silently break roles that already trust the old id.
 * The id is not a secret by AWS's definition, but it is unguessable without the key.
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { DbClient } from "../db/database";

const HKDF_INFO = "aws-chatbot/sts-external-id/v1";
export const EXTERNAL_ID_PREFIX = "awschatbot-";

export class ExternalIds {
  readonly #key: Buffer;

  constructor(secret: Buffer) {
    this.#key = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), HKDF_INFO, 32));
  }

  /** The derived id of a workspace (team id), ignoring what is stored. */
  derive(teamId: string): string {
    const mac = createHmac("sha256", this.#key).update(`team:${teamId}`).digest("hex");
    return `${EXTERNAL_ID_PREFIX}${mac.slice(0, 32)}`;
  }

  /** The workspace's id: the one its configurations already store, else the derived one. */
  async forWorkspace(prisma: DbClient, teamId: string): Promise<string> {
    const stored = await prisma.channelConfiguration.findFirst({
      where: { teamId, externalId: { not: null } },
      orderBy: { createdAt: "asc" },
      select: { externalId: true },
    });
    return stored?.externalId ?? this.derive(teamId);
  }
}
