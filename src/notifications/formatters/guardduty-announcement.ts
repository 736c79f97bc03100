import { type JsonObject, objects, str } from "../json";
import { isAwsLinkUrl } from "../link-url";
import { humanizeKey } from "../text";
import type { Notification, NotificationLink } from "../types";
import { createNotification, type FormatContext, limitItems } from "./common";

/**
 * The GuardDuty Announcements SNS topic (`arn:aws:sns:REGION:…:GuardDutyAnnouncements`): news about
 * GuardDuty itself, not findings of the subscriber's account. `type` says what changed —
 * `NEW_FINDINGS` and `UPDATED_FINDINGS` (`findingDetails`: `findingType`, `findingDescription` or
 * `description`, `link`) and `NEW_FEATURES` (`featureDetails`: `featureDescription`, `featureLink`);
 * a type not listed here reads as its words. No severity: an announcement is no event of the account.
 */

const KINDS: Record<string, { one: string; many: (count: number) => string; list: string }> = {
  NEW_FINDINGS: {
    one: "new finding type",
    many: (count) => `${count} new finding types`,
    list: "New finding types",
  },
  UPDATED_FINDINGS: {
    one: "finding type updated",
    many: (count) => `${count} finding types updated`,
    list: "Updated finding types",
  },
  NEW_FEATURES: { one: "new feature", many: (count) => `${count} new features`, list: "New features" },
};

/**
 * Whether a message is an announcement: the shape (a type and at least one entry) on GuardDuty's own
 * topic, `…:GuardDutyAnnouncements`. The same shape on any other topic is somebody else's JSON.
 */
export function isGuardDutyAnnouncement(value: JsonObject, topicArn: unknown): boolean {
  const type = str(value, "type");
  return (
    typeof topicArn === "string" &&
    topicArn.endsWith(":GuardDutyAnnouncements") &&
    type !== undefined &&
    /^[A-Z][A-Z_]{2,40}$/.test(type) &&
    objects(value, "findingDetails").length + objects(value, "featureDetails").length > 0
  );
}

interface Entry {
  name?: string;
  text?: string;
  link?: string;
}

function entriesOf(payload: JsonObject): Entry[] {
  return [
    ...objects(payload, "findingDetails").map((detail) => ({
      name: str(detail, "findingType"),
      text: str(detail, "findingDescription") ?? str(detail, "description"),
      link: str(detail, "link"),
    })),
    ...objects(payload, "featureDetails").map((detail) => ({
      text: str(detail, "featureDescription") ?? str(detail, "description"),
      link: str(detail, "featureLink") ?? str(detail, "link"),
    })),
  ];
}

/** The documentation links the announcement carries, when they are AWS's own (at most 3). */
function documentationLinks(entries: readonly Entry[]): NotificationLink[] {
  const links: NotificationLink[] = [];
  for (const { name, link } of entries) {
    if (!isAwsLinkUrl(link) || links.some((known) => known.url === link)) continue;
    links.push({ label: name === undefined ? "Read the announcement" : `Read about ${name}`, url: link });
    if (links.length === 3) break;
  }
  return links;
}

export function formatGuardDutyAnnouncement(payload: JsonObject, context: FormatContext): Notification {
  const type = str(payload, "type") ?? "ANNOUNCEMENT";
  const words = KINDS[type];
  const entries = entriesOf(payload);
  const named = entries.flatMap((entry) => (entry.name === undefined ? [] : [entry.name]));
  const what =
    words === undefined
      ? humanizeKey(type).toLowerCase()
      : entries.length === 1
        ? named.length === 1 && type !== "UPDATED_FINDINGS"
          ? `${words.one} ${named[0]}`
          : named.length === 1
            ? `finding type ${named[0]} updated`
            : words.one
        : words.many(entries.length);
  const items = entries
    .map(({ name, text }) => [name, text].filter((part) => part !== undefined).join(": "))
    .filter((item) => item !== "");

  return createNotification(context, {
    service: "guardduty",
    kind: "guardduty-announcement",
    title: `GuardDuty announcement: ${what}`,
    // News about GuardDuty, not an event of this account: no badge.
    severity: undefined,
    sourceLabel: "GuardDuty announcements",
    // The topic's account is GuardDuty's own publisher, not the subscriber's.
    account: undefined,
    // One entry is read whole (the header already names it); several as a list.
    ...(entries.length === 1 && entries[0].text !== undefined
      ? { description: { text: entries[0].text, format: "plain" as const } }
      : {}),
    lists:
      entries.length === 1 || items.length === 0
        ? []
        : [{ title: words?.list ?? humanizeKey(type), ...limitItems(items, 10) }],
    links: documentationLinks(entries),
  });
}
