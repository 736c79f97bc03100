import { consoleUrl, enc, isRegionCode, partitionOf } from "../aws";
import { serviceTextSeverity, stateSeverity } from "../severity";
import { toIsoTime } from "../time";
import type { Notification } from "../types";
import { createNotification, type FormatContext, fieldList, transition } from "./common";

/**
 * Elastic Beanstalk environment notifications: `Timestamp:`, `Message:`, `Environment:`,
 * `Application:`, `Environment URL:` lines. The SNS Subject is cut at 100 characters, so the title
 * comes from the message.
 */

export function formatElasticBeanstalkText(text: string, context: FormatContext): Notification {
  const line = (label: string): string | undefined =>
    new RegExp(`^${label}:[ \\t]*(.+)$`, "m").exec(text)?.[1]?.trim();
  const message = line("Message") ?? text.trim();
  const environment = line("Environment");
  const application = line("Application");
  const url = line("Environment URL");
  const health = /transitioned from ([A-Za-z ]+?) to ([A-Za-z ]+?)\./.exec(message);
  const urlRegion = /\.([a-z]{2}(?:-[a-z]+)+-\d)\.elasticbeanstalk\.com/.exec(url ?? "")?.[1];
  const region = isRegionCode(urlRegion) ? urlRegion : context.topic.region;
  const partition = partitionOf([], region, context.topic.partition);
  const healthTo = health?.[2];
  const textVerdict = serviceTextSeverity(message);

  return createNotification(context, {
    service: "elasticbeanstalk",
    kind: "environment-notification",
    title: `${environment ?? "Elastic Beanstalk"}: ${firstSentence(message)}`,
    severity:
      stateSeverity("elasticbeanstalk", healthTo) ?? (textVerdict === "medium" ? "high" : textVerdict),
    state: healthTo,
    previousState: health?.[1],
    sourceLabel: "Elastic Beanstalk",
    region,
    partition,
    fields: fieldList(
      ["Environment", environment],
      ["Application", application],
      ["Health", health === undefined || health === null ? undefined : transition(health[1], health[2])],
      ["URL", url],
    ),
    reason: message,
    timestamp: toIsoTime(line("Timestamp")) ?? toIsoTime(context.envelope.Timestamp),
    threadKey: environment === undefined ? undefined : `elasticbeanstalk:${region ?? ""}:${environment}`,
    consoleUrl:
      application === undefined
        ? undefined
        : consoleUrl(partition, "/elasticbeanstalk/home", {
            region,
            fragment: `/application/overview?applicationName=${enc(application)}`,
          }),
  });
}

function firstSentence(message: string): string {
  const end = message.search(/\.(\s|$)/);
  return end === -1 ? message : message.slice(0, end + 1);
}
