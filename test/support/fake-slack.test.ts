/**
 * The fake Slack Web API driven by the real @slack/web-api WebClient: identity, messages, channels
 * and users. Views, files, revocation and response_url: fake-slack-surfaces.test.ts.
 */
import type { WebClient } from "@slack/web-api";
import { platformError, SLACK_IDS, startFakeSlack } from "./fake-slack";
import { sharedAcrossTests } from "./shared-fake";

const header = (text: string) => ({ type: "header", text: { type: "plain_text", text } });
const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

describe("fake Slack Web API", () => {
  const fake = sharedAcrossTests(startFakeSlack, (slack) => slack.reset());
  let bot: WebClient;

  beforeEach(() => {
    const workspace = fake().addWorkspace({
      channels: [
        { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName },
        { id: SLACK_IDS.privateChannelId, name: SLACK_IDS.privateChannelName, isPrivate: true },
        { id: "C0NOTJOINED", name: "not-joined", isMember: false },
        { id: "C0PRIVNOTIN", name: "private-not-in", isPrivate: true, isMember: false },
        { id: "C0ARCHIVED1", name: "old", isArchived: true },
      ],
      users: [
        { id: SLACK_IDS.userId, name: SLACK_IDS.userName },
        { id: SLACK_IDS.adminUserId, name: SLACK_IDS.adminUserName, isAdmin: true },
      ],
    });
    bot = fake().webClient(workspace.botToken);
  });

  it("serves its API under a base URL ending in /api/", () => {
    expect(fake().url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  describe("auth.test", () => {
    it("identifies the bot of a registered workspace", async () => {
      const result = await bot.auth.test();
      expect(result).toMatchObject({
        ok: true,
        team_id: SLACK_IDS.teamId,
        team: SLACK_IDS.teamName,
        user_id: SLACK_IDS.botUserId,
        bot_id: SLACK_IDS.botId,
        url: `https://${SLACK_IDS.teamDomain}.slack.com/`,
        is_enterprise_install: false,
      });
      expect(result.response_metadata?.scopes).toContain("chat:write");
      const [call] = fake().calls("auth.test");
      expect(call).toMatchObject({ method: "auth.test", teamId: SLACK_IDS.teamId, outcome: "ok" });
      expect(call.token).toBe(fake().workspace(SLACK_IDS.teamId)?.botToken);
    });

    it("answers invalid_auth for an unknown token and not_authed without one", async () => {
      await expect(fake().webClient("xoxb-unknown").auth.test()).rejects.toMatchObject(
        platformError("invalid_auth"),
      );
      await expect(fake().webClient().auth.test()).rejects.toMatchObject(platformError("not_authed"));
    });

    it("accepts the token as a form field too", async () => {
      const token = fake().workspace(SLACK_IDS.teamId)!.botToken;
      const response = await fetch(`${fake().url}auth.test`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }).toString(),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, team_id: SLACK_IDS.teamId });
      expect(fake().calls("auth.test")[0].args).toEqual({});
    });

    it("takes arguments from the query string too (GET)", async () => {
      const token = fake().workspace(SLACK_IDS.teamId)!.botToken;
      const response = await fetch(`${fake().url}conversations.info?channel=${SLACK_IDS.channelId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await response.json()).toMatchObject({ ok: true, channel: { id: SLACK_IDS.channelId } });
    });

    it("answers unknown methods with unknown_method", async () => {
      await expect(bot.apiCall("chat.frobnicate")).rejects.toMatchObject(platformError("unknown_method"));
    });
  });

  describe("chat.postMessage", () => {
    it("records the call with blocks decoded and stores the message", async () => {
      const blocks = [header("Alarm"), section("*CPU* high")];
      const result = await bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "Alarm", blocks });
      expect(result).toMatchObject({
        ok: true,
        channel: SLACK_IDS.channelId,
        message: { text: "Alarm", blocks, bot_id: SLACK_IDS.botId, user: SLACK_IDS.botUserId },
      });
      expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
      const [call] = await fake().waitForCalls("chat.postMessage", 1);
      expect(call.args).toEqual({ channel: SLACK_IDS.channelId, text: "Alarm", blocks });
      expect(call.teamId).toBe(SLACK_IDS.teamId);
      expect(call.at).toBeLessThanOrEqual(Date.now());
      expect(fake().messages(SLACK_IDS.channelId)).toEqual([
        expect.objectContaining({ ts: result.ts, text: "Alarm", blocks, updates: 0 }),
      ]);
    });

    it("hands out unique, increasing timestamps and keeps thread_ts", async () => {
      const parent = await bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "parent" });
      const reply = await bot.chat.postMessage({
        channel: SLACK_IDS.channelId,
        text: "reply",
        thread_ts: parent.ts!,
      });
      expect(Number(reply.ts)).toBeGreaterThan(Number(parent.ts));
      expect(reply.message).toMatchObject({ thread_ts: parent.ts });
      expect(fake().messages()[1]).toMatchObject({ threadTs: parent.ts });
    });

    it("accepts JSON bodies as well as forms", async () => {
      const token = fake().workspace(SLACK_IDS.teamId)!.botToken;
      const blocks = [section("json")];
      const response = await fetch(`${fake().url}chat.postMessage`, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${token}` },
        body: JSON.stringify({ channel: SLACK_IDS.channelId, text: "json", blocks }),
      });
      expect(await response.json()).toMatchObject({ ok: true, message: { blocks } });
      expect(fake().calls("chat.postMessage")[0].args.blocks).toEqual(blocks);
    });

    it("refuses what Slack refuses", async () => {
      const post = (channel: string) => bot.chat.postMessage({ channel, text: "x" });
      await expect(post("C0NOSUCHONE")).rejects.toMatchObject(platformError("channel_not_found"));
      await expect(post("C0PRIVNOTIN")).rejects.toMatchObject(platformError("channel_not_found"));
      await expect(post("C0ARCHIVED1")).rejects.toMatchObject(platformError("is_archived"));
      await expect(bot.chat.postMessage({ channel: SLACK_IDS.channelId, blocks: [] })).rejects.toMatchObject(
        platformError("no_text"),
      );
      expect(
        fake()
          .calls("chat.postMessage")
          .map((c) => c.error),
      ).toEqual(["channel_not_found", "channel_not_found", "is_archived", "no_text"]);
      expect(fake().messages()).toEqual([]);
    });

    it("needs chat:write.public (or membership) for a public channel the bot has not joined", async () => {
      await expect(bot.chat.postMessage({ channel: "C0NOTJOINED", text: "x" })).resolves.toMatchObject({
        ok: true,
      });
      const narrow = fake().addWorkspace({ teamId: SLACK_IDS.otherTeamId, scopes: ["chat:write"] });
      fake().addChannel({ id: "C0OTHERTEAM", name: "other", teamId: SLACK_IDS.otherTeamId, isMember: false });
      await expect(
        fake().webClient(narrow.botToken).chat.postMessage({ channel: "C0OTHERTEAM", text: "x" }),
      ).rejects.toMatchObject(platformError("not_in_channel"));
      // Another workspace's channel does not exist for this token.
      await expect(
        fake().webClient(narrow.botToken).chat.postMessage({ channel: SLACK_IDS.channelId, text: "x" }),
      ).rejects.toMatchObject(platformError("channel_not_found"));
    });

    it("rejects invalid Block Kit with invalid_blocks and Slack-style messages", async () => {
      const error = await bot.chat
        .postMessage({ channel: SLACK_IDS.channelId, text: "x", blocks: [header("h".repeat(151))] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject(platformError("invalid_blocks"));
      expect(error).toMatchObject({
        data: {
          response_metadata: {
            messages: ["[ERROR] must be at most 150 characters [json-pointer:/blocks/0/text/text]"],
          },
        },
      });
      const tooMany = Array.from({ length: 51 }, () => ({ type: "divider" }));
      await expect(
        bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "x", blocks: tooMany }),
      ).rejects.toMatchObject(platformError("invalid_blocks"));
    });

    it("posts to a user id through the app's DM channel", async () => {
      const result = await bot.chat.postMessage({ channel: SLACK_IDS.userId, text: "hi" });
      expect(result.channel).toMatch(/^D/);
      expect(fake().channel(result.channel!)).toMatchObject({ isIm: true, imUser: SLACK_IDS.userId });
    });
  });

  describe("chat.update and chat.postEphemeral", () => {
    it("updates text, keeps blocks unless given, and clears them with []", async () => {
      const posted = await bot.chat.postMessage({
        channel: SLACK_IDS.channelId,
        text: "ALARM",
        blocks: [section("ALARM")],
      });
      await bot.chat.update({ channel: SLACK_IDS.channelId, ts: posted.ts!, text: "OK" });
      expect(fake().messages()[0]).toMatchObject({ text: "OK", blocks: [section("ALARM")], updates: 1 });
      const updated = await bot.chat.update({
        channel: SLACK_IDS.channelId,
        ts: posted.ts!,
        text: "OK",
        blocks: [],
      });
      expect(updated).toMatchObject({ ok: true, ts: posted.ts, channel: SLACK_IDS.channelId });
      expect(fake().messages()[0].blocks).toBeUndefined();
      await expect(
        bot.chat.update({ channel: SLACK_IDS.channelId, ts: "1.000000", text: "x" }),
      ).rejects.toMatchObject(platformError("message_not_found"));
    });

    it("records ephemeral messages and checks channel membership when members are known", async () => {
      const result = await bot.chat.postEphemeral({
        channel: SLACK_IDS.channelId,
        user: SLACK_IDS.userId,
        text: "only you",
      });
      expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(fake().ephemerals()).toEqual([
        expect.objectContaining({ user: SLACK_IDS.userId, text: "only you" }),
      ]);
      fake().updateChannel(SLACK_IDS.channelId, { members: [SLACK_IDS.adminUserId] });
      await expect(
        bot.chat.postEphemeral({ channel: SLACK_IDS.channelId, user: SLACK_IDS.userId, text: "x" }),
      ).rejects.toMatchObject(platformError("user_not_in_channel"));
    });
  });

  describe("conversations.info and users.info", () => {
    it("describes registered channels and hides what the bot cannot see", async () => {
      await expect(bot.conversations.info({ channel: SLACK_IDS.privateChannelId })).resolves.toMatchObject({
        channel: {
          id: SLACK_IDS.privateChannelId,
          name: SLACK_IDS.privateChannelName,
          is_private: true,
          is_member: true,
        },
      });
      await expect(bot.conversations.info({ channel: "C0NOTJOINED" })).resolves.toMatchObject({
        channel: { is_private: false, is_member: false, is_archived: false },
      });
      await expect(bot.conversations.info({ channel: "C0ARCHIVED1" })).resolves.toMatchObject({
        channel: { is_archived: true },
      });
      await expect(bot.conversations.info({ channel: "C0PRIVNOTIN" })).rejects.toMatchObject(
        platformError("channel_not_found"),
      );
      await expect(bot.conversations.info({ channel: "C0NOSUCHONE" })).rejects.toMatchObject(
        platformError("channel_not_found"),
      );
    });

    it("describes registered users with their roles", async () => {
      await expect(bot.users.info({ user: SLACK_IDS.adminUserId })).resolves.toMatchObject({
        user: { id: SLACK_IDS.adminUserId, is_admin: true, is_owner: false, team_id: SLACK_IDS.teamId },
      });
      await expect(bot.users.info({ user: SLACK_IDS.userId })).resolves.toMatchObject({
        user: { is_admin: false },
      });
      await expect(bot.users.info({ user: "U0NOBODY000" })).rejects.toMatchObject(
        platformError("user_not_found"),
      );
    });

    it("answers missing_scope when the token lacks the method's scope", async () => {
      const narrow = fake().addWorkspace({ teamId: SLACK_IDS.otherTeamId, scopes: ["chat:write"] });
      await expect(
        fake().webClient(narrow.botToken).users.info({ user: SLACK_IDS.userId }),
      ).rejects.toMatchObject({
        data: { error: "missing_scope", needed: "users:read", provided: "chat:write" },
      });
    });
  });
});
