/**
 * Small fakes for calling listener callbacks directly (as bolt-ts-starter-template does): a WebClient
 * with the few methods the listeners call, answering users.info from a table and recording calls,
 * and a service whose every method is recorded and finds nothing.
 */
import type { WebClient } from "@slack/web-api";
import type { ChannelMentions } from "../../src/configurations/channel-mentions";
import type { MuteChanges } from "../../src/configurations/mute-changes";

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
