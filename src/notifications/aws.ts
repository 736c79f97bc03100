import type { Partition } from "./types";

/**
 * AWS naming facts the formatters share: ARNs, regions, partitions and console hosts. Console links
 * are assembled here from identifiers in the message; a URL found in a message never becomes the
 * console button, because anyone allowed to publish to a topic could otherwise plant one. (A
 * message's own links get buttons of their own, labelled as such: `Notification.links`.)
 */

export interface Arn {
  partition: Partition;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const PARTITIONS: readonly Partition[] = ["aws", "aws-cn", "aws-us-gov"];

export function parseArn(value: string | undefined): Arn | undefined {
  if (value === undefined || !value.startsWith("arn:")) return undefined;
  // arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE — the resource keeps any further colons.
  const afterPartition = value.indexOf(":", 4);
  const afterService = afterPartition === -1 ? -1 : value.indexOf(":", afterPartition + 1);
  const afterRegion = afterService === -1 ? -1 : value.indexOf(":", afterService + 1);
  const afterAccount = afterRegion === -1 ? -1 : value.indexOf(":", afterRegion + 1);
  if (afterAccount === -1) return undefined;
  const partition = PARTITIONS.find((p) => p === value.slice(4, afterPartition));
  if (partition === undefined) return undefined;
  return {
    partition,
    service: value.slice(afterPartition + 1, afterService),
    region: value.slice(afterService + 1, afterRegion),
    account: value.slice(afterRegion + 1, afterAccount),
    resource: value.slice(afterAccount + 1),
  };
}

/**
 * The resource's own name: what follows the last `/` of the ARN's resource part, or its last `:`
 * segment when it has no `/` (`task-definition/orders-api:57` → `orders-api:57`, `alarm:x` → `x`).
 */
export function arnResourceName(value: string | undefined): string | undefined {
  const arn = parseArn(value);
  if (arn === undefined) return undefined;
  const separator = arn.resource.includes("/") ? "/" : ":";
  return arn.resource.slice(arn.resource.lastIndexOf(separator) + 1) || undefined;
}

export function partitionOfRegion(region: string | undefined): Partition | undefined {
  if (region === undefined) return undefined;
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return REGION_CODE.test(region) ? "aws" : undefined;
}

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function isRegionCode(value: string | undefined): value is string {
  return value !== undefined && REGION_CODE.test(value);
}

/**
 * CloudWatch alarm payloads carry the region's display name (PROTOCOLS §4.1); both the old "EU (…)"
 * and the current "Europe (…)" spellings occur.
 */
const REGION_BY_NAME: Record<string, string> = {
  "US East (N. Virginia)": "us-east-1",
  "US East (Ohio)": "us-east-2",
  "US West (N. California)": "us-west-1",
  "US West (Oregon)": "us-west-2",
  "Africa (Cape Town)": "af-south-1",
  "Asia Pacific (Hong Kong)": "ap-east-1",
  "Asia Pacific (Taipei)": "ap-east-2",
  "Asia Pacific (Hyderabad)": "ap-south-2",
  "Asia Pacific (Jakarta)": "ap-southeast-3",
  "Asia Pacific (Malaysia)": "ap-southeast-5",
  "Asia Pacific (Melbourne)": "ap-southeast-4",
  "Asia Pacific (Mumbai)": "ap-south-1",
  "Asia Pacific (New Zealand)": "ap-southeast-6",
  "Asia Pacific (Osaka)": "ap-northeast-3",
  "Asia Pacific (Seoul)": "ap-northeast-2",
  "Asia Pacific (Singapore)": "ap-southeast-1",
  "Asia Pacific (Sydney)": "ap-southeast-2",
  "Asia Pacific (Thailand)": "ap-southeast-7",
  "Asia Pacific (Tokyo)": "ap-northeast-1",
  "Canada (Central)": "ca-central-1",
  "Canada West (Calgary)": "ca-west-1",
  "EU (Frankfurt)": "eu-central-1",
  "EU (Ireland)": "eu-west-1",
  "EU (London)": "eu-west-2",
  "EU (Milan)": "eu-south-1",
  "EU (Paris)": "eu-west-3",
  "EU (Spain)": "eu-south-2",
  "EU (Stockholm)": "eu-north-1",
  "EU (Zurich)": "eu-central-2",
  "Europe (Frankfurt)": "eu-central-1",
  "Europe (Ireland)": "eu-west-1",
  "Europe (London)": "eu-west-2",
  "Europe (Milan)": "eu-south-1",
  "Europe (Paris)": "eu-west-3",
  "Europe (Spain)": "eu-south-2",
  "Europe (Stockholm)": "eu-north-1",
  "Europe (Zurich)": "eu-central-2",
  "Israel (Tel Aviv)": "il-central-1",
  "Mexico (Central)": "mx-central-1",
  "Middle East (Bahrain)": "me-south-1",
  "Middle East (UAE)": "me-central-1",
  "South America (Sao Paulo)": "sa-east-1",
  "South America (São Paulo)": "sa-east-1",
  "China (Beijing)": "cn-north-1",
  "China (Ningxia)": "cn-northwest-1",
  "AWS GovCloud (US-East)": "us-gov-east-1",
  "AWS GovCloud (US-West)": "us-gov-west-1",
  "AWS GovCloud (US)": "us-gov-west-1",
};

/** A region code from a display name, or the value itself when it already is a code. */
export function regionCode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return REGION_CODE.test(value) ? value : REGION_BY_NAME[value.trim()];
}

export const enc = encodeURIComponent;

const CONSOLE_HOST: Record<Partition, string> = {
  aws: "https://console.aws.amazon.com",
  "aws-cn": "https://console.amazonaws.cn",
  "aws-us-gov": "https://console.amazonaws-us-gov.com",
};

/**
 * A console URL: `path` (e.g. `/cloudwatch/home`), the region as `?region=` (the console redirects to
 * the regional host, in every partition), and an optional `#fragment`. Callers encode the
 * identifiers they put into `path` and `fragment` with `encodeURIComponent`.
 */
export function consoleUrl(
  partition: Partition,
  path: string,
  options: { region?: string; fragment?: string; query?: Record<string, string> } = {},
): string {
  const query: string[] = [];
  if (options.region !== undefined && isRegionCode(options.region)) query.push(`region=${options.region}`);
  for (const [key, value] of Object.entries(options.query ?? {})) query.push(`${enc(key)}=${enc(value)}`);
  return `${CONSOLE_HOST[partition]}${path}${query.length === 0 ? "" : `?${query.join("&")}`}${
    options.fragment === undefined ? "" : `#${options.fragment}`
  }`;
}

/** The partition, region and account that published to the topic: the fallback for every message. */
export interface TopicContext {
  partition: Partition;
  region?: string;
  account?: string;
  topicName?: string;
}

export function topicContext(topicArn: string): TopicContext {
  const arn = parseArn(topicArn);
  if (arn === undefined) return { partition: "aws" };
  return {
    partition: arn.partition,
    region: isRegionCode(arn.region) ? arn.region : undefined,
    account: /^\d{12}$/.test(arn.account) ? arn.account : undefined,
    topicName: arn.resource || undefined,
  };
}

/** The partition of the first ARN among `candidates`, else of `region`, else the topic's. */
export function partitionOf(
  candidates: readonly (string | undefined)[],
  region: string | undefined,
  fallback: Partition,
): Partition {
  for (const candidate of candidates) {
    const arn = parseArn(candidate);
    if (arn !== undefined) return arn.partition;
  }
  return partitionOfRegion(region) ?? fallback;
}
