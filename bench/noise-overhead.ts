/**
 * What noise control adds to each Slack delivery's CPU work (issue 13): the mute check against 50
 * active mutes of the channel, the mention lookup and the decoration (mention line, controls),
 * against rendering alone (format + Slack blocks), over the SNS fixture corpus, in the same run.
 * Prints the ratio of throughputs (decorated / baseline); it should stay ≥ 0.95.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { MuteRecord } from "../src/configurations/mutes";
import { findMute } from "../src/delivery/noise-snapshot";
import { decorate } from "../src/delivery/notification-controls";
import { formatNotification, renderSlackMessage, type SnsNotificationEnvelope } from "../src/notifications";

const REPO_ROOT = path.resolve(__dirname, "..");
const envelopes: SnsNotificationEnvelope[] = [path.resolve(REPO_ROOT, "test", "fixtures", "sns")].flatMap(
  (dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map(
        (f) =>
          (JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { envelope: SnsNotificationEnvelope })
            .envelope,
      ),
);
const mutes: MuteRecord[] = Array.from({ length: 50 }, (_, i) => ({
  id: `m${i}`,
  configurationId: "c1",
  scope: (["alarm", "resource", "service"] as const)[i % 3],
  key: `never-matches-${i}`,
  label: "x",
  endsAt: new Date(Date.now() + 3_600_000),
  createdBy: "U1",
  createdAt: new Date(),
}));
const now = new Date();

function run(decorated: boolean, ms: number): number {
  let count = 0;
  let sink = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const envelope of envelopes) {
      const notification = formatNotification(envelope);
      const base = renderSlackMessage(notification);
      if (decorated) {
        if (findMute(mutes, notification, now) !== undefined) throw new Error("no mute should match");
        sink += decorate(base, notification, { mentions: ["<!subteam^S0ONCALL1>"] }).blocks.length;
      } else sink += base.blocks.length;
      count++;
    }
  }
  if (sink === 0) throw new Error("nothing rendered");
  return count / (ms / 1000);
}

// Warm up both paths, then alternate short rounds so that load from elsewhere hits both alike.
run(false, 2000);
run(true, 2000);
const ratios: number[] = [];
let baselineSum = 0;
let noiseSum = 0;
for (let round = 0; round < 21; round++) {
  const baseline = run(false, 300);
  const withNoise = run(true, 300);
  baselineSum += baseline;
  noiseSum += withNoise;
  ratios.push(withNoise / baseline);
}
ratios.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    fixtures: envelopes.length,
    baselinePerSecond: Math.round(baselineSum / 21),
    withNoisePerSecond: Math.round(noiseSum / 21),
    medianRatio: Number(ratios[10].toFixed(3)),
    quartiles: [Number(ratios[5].toFixed(3)), Number(ratios[15].toFixed(3))],
  }),
);
