/**
 * The fake Slack driven by the real @slack/web-api WebClient: views, the files upload flow,
 * revocation and response_url.
 */
import type { WebClient } from "@slack/web-api";
import { platformError, SLACK_IDS, startFakeSlack } from "./fake-slack";
import { sharedAcrossTests } from "./shared-fake";

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

describe("fake Slack Web API surfaces", () => {
  const fake = sharedAcrossTests(startFakeSlack, (slack) => slack.reset());
  let bot: WebClient;

  beforeEach(() => {
    const workspace = fake().addWorkspace({
      channels: [
        { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName },
        { id: "C0NOTJOINED", name: "not-joined", isMember: false },
      ],
    });
    bot = fake().webClient(workspace.botToken);
  });

  describe("views", () => {
    const home = { type: "home" as const, blocks: [section("Welcome")] };

    it("publishes a Home tab per user and checks the hash", async () => {
      const first = await bot.views.publish({ user_id: SLACK_IDS.userId, view: home });
      expect(first.view).toMatchObject({ type: "home", team_id: SLACK_IDS.teamId, blocks: home.blocks });
      expect(fake().homeView(SLACK_IDS.userId)?.view).toEqual(home);
      const second = await bot.views.publish({
        user_id: SLACK_IDS.userId,
        view: home,
        hash: first.view!.hash,
      });
      expect(second.view!.id).toBe(first.view!.id);
      await expect(
        bot.views.publish({ user_id: SLACK_IDS.userId, view: home, hash: first.view!.hash }),
      ).rejects.toMatchObject(platformError("hash_conflict"));
    });

    it("opens and updates modals, refusing invalid ones", async () => {
      const modal = {
        type: "modal" as const,
        callback_id: "configure_channel_submit",
        title: { type: "plain_text" as const, text: "Configure" },
        submit: { type: "plain_text" as const, text: "Save" },
        blocks: [section("Topics")],
      };
      const opened = await bot.views.open({ trigger_id: "123.456.abc", view: modal });
      expect(opened.view).toMatchObject({ type: "modal", callback_id: "configure_channel_submit" });
      const updated = await bot.views.update({ view_id: opened.view!.id!, view: { ...modal, blocks: [] } });
      expect(updated.view?.id).toBe(opened.view!.id);
      await expect(bot.views.update({ view_id: "V0NOSUCHVW", view: modal })).rejects.toMatchObject(
        platformError("not_found"),
      );
      const tooLongTitle = {
        ...modal,
        title: { type: "plain_text" as const, text: "A title longer than 24 chars" },
      };
      await expect(bot.views.open({ trigger_id: "1.2.3", view: tooLongTitle })).rejects.toMatchObject({
        data: {
          error: "invalid_arguments",
          response_metadata: { messages: [expect.stringContaining("/view/title/text")] },
        },
      });
    });
  });

  describe("files (getUploadURLExternal → upload → completeUploadExternal)", () => {
    it("runs client.files.uploadV2 end to end", async () => {
      const parent = await bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "alarm" });
      const result = await bot.files.uploadV2({
        channel_id: SLACK_IDS.channelId,
        thread_ts: parent.ts!,
        content: "PNG-BYTES",
        filename: "chart.png",
        title: "CPU chart",
        initial_comment: "Last 3 hours",
      });
      expect(result.ok).toBe(true);
      expect(
        fake()
          .calls()
          .map((c) => c.method),
      ).toEqual(["chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]);
      const uploadUrl = fake().calls("files.getUploadURLExternal")[0].response?.upload_url;
      expect(uploadUrl).toMatch(new RegExp(`^${fake().origin}/upload/v1/F`));
      const [file] = fake().files();
      expect(file).toMatchObject({
        filename: "chart.png",
        title: "CPU chart",
        completed: true,
        channelId: SLACK_IDS.channelId,
        threadTs: parent.ts,
        initialComment: "Last 3 hours",
        declaredLength: 9,
      });
      expect(file.bytes?.toString()).toBe("PNG-BYTES");
      expect(fake().messages(SLACK_IDS.channelId)[1]).toMatchObject({
        files: [file.id],
        threadTs: parent.ts,
      });
    });

    it("refuses to complete a file whose bytes never arrived", async () => {
      const { file_id } = await bot.files.getUploadURLExternal({ filename: "a.txt", length: 3 });
      await expect(bot.files.completeUploadExternal({ files: [{ id: file_id! }] })).rejects.toMatchObject(
        platformError("file_not_found"),
      );
    });

    it("needs channel membership to share a file", async () => {
      await expect(
        bot.files.uploadV2({ channel_id: "C0NOTJOINED", content: "x", filename: "x.txt" }),
      ).rejects.toMatchObject(platformError("not_in_channel"));
    });
  });

  describe("revocation", () => {
    it("auth.revoke invalidates the token for every later call", async () => {
      const token = fake().workspace(SLACK_IDS.teamId)!.botToken;
      await expect(bot.auth.revoke({ test: true })).resolves.toMatchObject({ ok: true, revoked: false });
      await expect(bot.auth.revoke()).resolves.toMatchObject({ ok: true, revoked: true });
      expect(fake().isTokenValid(token)).toBe(false);
      await expect(bot.auth.test()).rejects.toMatchObject(platformError("token_revoked"));
      await expect(bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "x" })).rejects.toMatchObject(
        platformError("token_revoked"),
      );
    });

    it("uninstall revokes every token of the workspace; expireToken makes one expire", async () => {
      const other = fake().addWorkspace({ teamId: SLACK_IDS.otherTeamId });
      fake().expireToken(other.botToken);
      await expect(fake().webClient(other.botToken).auth.test()).rejects.toMatchObject(
        platformError("token_expired"),
      );
      fake().uninstall(SLACK_IDS.teamId);
      await expect(bot.auth.test()).rejects.toMatchObject(platformError("token_revoked"));
    });
  });

  describe("response_url", () => {
    const post = (url: string, body: unknown) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    it("records JSON posts to URLs from responseUrl()", async () => {
      const url = fake().responseUrl();
      expect(url.startsWith(`${fake().origin}/response/`)).toBe(true);
      const waiting = fake().waitForResponses(1, { url });
      const response = await post(url, { response_type: "ephemeral", text: "Subscribed" });
      expect(response.status).toBe(200);
      const [recorded] = await waiting;
      expect(recorded).toMatchObject({
        url,
        status: 200,
        body: { response_type: "ephemeral", text: "Subscribed" },
      });
      expect(fake().calls("response_url")).toHaveLength(1);
    });

    it("takes 5 posts per URL, refuses unknown URLs and invalid blocks", async () => {
      const url = fake().responseUrl();
      for (let i = 0; i < 5; i++) expect((await post(url, { text: `reply ${i}` })).status).toBe(200);
      const sixth = await post(url, { text: "too many" });
      expect([sixth.status, await sixth.text()]).toEqual([404, "used_url"]);
      expect((await post(`${fake().origin}/response/T/unknown`, { text: "x" })).status).toBe(404);
      expect((await post(fake().responseUrl(), { blocks: [{ type: "section" }] })).status).toBe(400);
      expect(
        fake()
          .responses(url)
          .map((r) => r.status),
      ).toEqual([200, 200, 200, 200, 200, 404]);
    });
  });
});
