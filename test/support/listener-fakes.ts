/**
 * Small fakes for calling listener callbacks directly (as bolt-ts-starter-template does): a WebClient
 * with the few methods the listeners call, answering users.info from a table and recording calls,
 * a service whose every method is recorded and finds nothing, and the arguments Bolt hands an
 * action listener.
 */
import type { BlockAction, ButtonAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { ChannelFilters } from "../../src/configurations/channel-filters";
import type { ChannelMentions } from "../../src/configurations/channel-mentions";
import { ManagerChanges } from "../../src/configurations/manager-changes";
import type { MuteChanges } from "../../src/configurations/mute-changes";
import { Permissions } from "../../src/configurations/permissions";
import type { DbClient } from "../../src/db/database";
import type { Logger } from "../../src/logger";
import type { HomePublisher } from "../../src/slack/listeners/home-publisher";
import { PersonCache } from "../../src/slack/listeners/slack-lookups";
import { type BlockActionsOptions, blockActionsPayload, buttonAction, SLACK_IDS } from "./slack-payloads";

/** What users.info says about a person (absent flags: a plain member). */
export interface FakeUser {
  is_admin?: boolean;
  is_owner?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
}

/** The few WebClient methods the listeners call, recorded. */
export function fakeClient(users: Record<string, FakeUser>) {
  const calls: { method: string; args: unknown }[] = [];
  const record =
    (method: string, answer: (args: Record<string, unknown>) => unknown) =>
    (args: Record<string, unknown>) => {
      calls.push({ method, args });
      return Promise.resolve(answer(args));
    };
  const client = {
    users: {
      info: record("users.info", (args) => ({
        ok: true,
        user: { id: args.user, ...users[String(args.user)] },
      })),
    },
    chat: {
      update: record("chat.update", () => ({ ok: true })),
    },
    conversations: {
      info: record("conversations.info", (args) => ({
        ok: true,
        channel: { id: args.channel, name: SLACK_IDS.channelName, is_member: true },
      })),
    },
    views: {
      open: record("views.open", () => ({ ok: true, view: { id: "V1" } })),
      update: record("views.update", () => ({ ok: true })),
      publish: record("views.publish", () => ({ ok: true })),
    },
  };
  return { client: client as unknown as WebClient, calls };
}

/** A service whose every method is recorded (in `calls`) and answers `answer(name)` (null by default). */
export function recording<T>(calls: string[], answer: (name: string) => unknown = () => null): T {
  return new Proxy(
    {},
    {
      get:
        (_target, name) =>
        (..._args: unknown[]) => {
          calls.push(String(name));
          return Promise.resolve(answer(String(name)));
        },
    },
  ) as T;
}

/** The services of `/aws mention|mute|unmute` (issue 13), recorded like `recording`. */
export function recordingNoise(calls: string[]): { mentions: ChannelMentions; mutes: MuteChanges } {
  return { mentions: recording<ChannelMentions>(calls), mutes: recording<MuteChanges>(calls) };
}

/**
 * What the listeners' deps share in these tests: the real permission model, manager changes and
 * channel filters on the test database, and an App Home publisher that records the notices it shows.
 * Each test adds its own service, editor, noise and webhooks.
 */
export function commonListenerDeps(prisma: DbClient, logger: Logger, notices: string[]) {
  const permissions = new Permissions(prisma, "/aws");
  const home: HomePublisher = {
    publish: async (_client, _viewer, options) => {
      notices.push(options?.notice ?? "");
    },
  };
  return {
    command: "/aws",
    permissions,
    people: new PersonCache(),
    managers: new ManagerChanges(prisma, permissions),
    filters: new ChannelFilters({ prisma }),
    home,
    logger,
  };
}

/**
 * What Bolt hands an action listener for a `block_actions` body: its first action, an `ack`
 * (a jest.fn unless `extra` brings one, as may a `respond`), the client and an empty context.
 */
export function actionArgs<Args>(
  body: BlockAction,
  client: WebClient,
  extra: Record<string, unknown> = {},
): Args {
  return { ack: jest.fn(), body, action: body.actions[0], client, context: {}, ...extra } as unknown as Args;
}

/**
 * Calls a button's listener as Bolt does when `who` (user, team, org, message channel) clicks
 * `button`; `extra` as for `actionArgs`.
 */
export async function clickButton<Args>(
  listener: (args: Args) => Promise<void>,
  client: WebClient,
  button: Partial<ButtonAction> & { action_id: string },
  who: Omit<BlockActionsOptions, "actions"> = {},
  extra: Record<string, unknown> = {},
): Promise<void> {
  const body = blockActionsPayload({ ...who, actions: [buttonAction(button)] });
  await listener(actionArgs<Args>(body, client, extra));
}
