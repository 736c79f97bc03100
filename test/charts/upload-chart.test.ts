import type { WebClient } from "@slack/web-api";
import { chartFilename, uploadChart } from "../../src/charts/upload-chart";
import { type FakeSlack, SLACK_IDS, startFakeSlack } from "../support/fake-slack";
import { createChartPng, readPng } from "../support/png";

describe("uploadChart (files.getUploadURLExternal → upload → files.completeUploadExternal)", () => {
  let slack: FakeSlack;
  let bot: WebClient;
  const png = createChartPng(600, 400);

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    const workspace = slack.addWorkspace({
      channels: [
        { id: SLACK_IDS.channelId, name: SLACK_IDS.channelName },
        { id: "C0OTHER", name: "other" },
        { id: "C0NOTJOINED", name: "not-joined", isMember: false },
      ],
    });
    bot = slack.webClient(workspace.botToken);
  });

  it("lands the PNG in the alarm's thread of the right channel, bytes intact", async () => {
    const parent = await bot.chat.postMessage({ channel: SLACK_IDS.channelId, text: "ALARM: cpu-high" });
    const { fileId } = await uploadChart(bot, {
      channelId: SLACK_IDS.channelId,
      threadTs: parent.ts,
      png,
      alarmName: "orders-api p99 > 2500ms & 5xx < 1% <prod>",
    });
    expect(slack.calls().map((call) => call.method)).toEqual([
      "chat.postMessage",
      "files.getUploadURLExternal",
      "upload",
      "files.completeUploadExternal",
    ]);
    const [file] = slack.files();
    expect(file).toMatchObject({
      id: fileId,
      filename: "orders-api-p99-2500ms-5xx-1-prod.png",
      title: "orders-api p99 > 2500ms & 5xx < 1% <prod>",
      altText: "CloudWatch metric chart of the alarm orders-api p99 > 2500ms & 5xx < 1% <prod>",
      completed: true,
      channelId: SLACK_IDS.channelId,
      threadTs: parent.ts,
      declaredLength: png.length,
    });
    expect(file.bytes?.equals(png)).toBe(true);
    expect(readPng(file.bytes ?? Buffer.alloc(0))).toMatchObject({ width: 600, height: 400 });
    const shared = slack.messages(SLACK_IDS.channelId).find((m) => m.files?.includes(fileId));
    expect(shared).toMatchObject({ threadTs: parent.ts });
    expect(slack.messages("C0OTHER")).toEqual([]);
  });

  it("posts at the channel's top level without a thread", async () => {
    await uploadChart(bot, { channelId: "C0OTHER", png, alarmName: "cpu" });
    const [file] = slack.files();
    expect(file).toMatchObject({ channelId: "C0OTHER", threadTs: undefined, filename: "cpu.png" });
  });

  it("throws Slack's error for the caller's Slack error handling", async () => {
    await expect(uploadChart(bot, { channelId: "C0NOTJOINED", png, alarmName: "cpu" })).rejects.toMatchObject(
      {
        data: { ok: false, error: "not_in_channel" },
      },
    );
  });

  it("makes a safe file name of any alarm name", () => {
    expect(chartFilename("web-fleet-cpu-high")).toBe("web-fleet-cpu-high.png");
    expect(chartFilename("💥💥")).toBe("alarm.png");
    expect(chartFilename("a".repeat(200))).toBe(`${"a".repeat(80)}.png`);
  });
});
