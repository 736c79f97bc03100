/**
 * manifest.yml filled in for this deployment, and the link that opens Slack's "create an app from
 * a manifest" flow with it. With PUBLIC_URL the app uses HTTP request URLs; without one it is a
 * Socket Mode app for local development (no public address needed for Slack).
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";

export const MANIFEST_FILE = path.resolve(__dirname, "..", "..", "manifest.yml");
/** The placeholder host manifest.yml's URLs use. */
export const MANIFEST_PLACEHOLDER = "https://chatbot.example.com";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Manifest = { [key: string]: Json };

export interface ManifestOptions {
  publicUrl?: string;
  /** SLACK_COMMAND, e.g. "/aws". */
  command: string;
}

export function readManifest(file = MANIFEST_FILE): Manifest {
  return parse(fs.readFileSync(file, "utf8")) as Manifest;
}

function replaceHost(value: Json, publicUrl: string): Json {
  if (typeof value === "string") {
    return value.startsWith(MANIFEST_PLACEHOLDER)
      ? publicUrl + value.slice(MANIFEST_PLACEHOLDER.length)
      : value;
  }
  if (Array.isArray(value)) return value.map((item) => replaceHost(item, publicUrl));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, replaceHost(item, publicUrl)]),
    );
  }
  return value;
}

function record(value: Json | undefined): { [key: string]: Json } | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : undefined;
}

/** A copy of the manifest for this deployment (see the module comment). */
export function manifestFor(manifest: Manifest, options: ManifestOptions): Manifest {
  const filled = structuredClone(manifest);
  const features = record(filled.features);
  const commands = features?.slash_commands;
  if (Array.isArray(commands)) {
    for (const command of commands) {
      const entry = record(command);
      if (entry) entry.command = options.command;
    }
  }
  if (options.publicUrl !== undefined) return replaceHost(filled, options.publicUrl) as Manifest;
  // Socket Mode: Slack refuses request URLs beside it; there is no OAuth redirect without a host.
  if (Array.isArray(commands)) for (const command of commands) delete record(command)?.url;
  const settings = record(filled.settings);
  delete record(settings?.event_subscriptions)?.request_url;
  delete record(settings?.interactivity)?.request_url;
  delete record(filled.oauth_config)?.redirect_urls;
  if (settings) {
    settings.socket_mode_enabled = true;
    // One workspace with a bot token from the install page: a rotating token would expire in 12 h.
    settings.token_rotation_enabled = false;
  }
  return filled;
}

/** Slack's create-from-manifest link (api.slack.com/apps?new_app=1&manifest_json=…). */
export function createAppUrl(manifest: Manifest): string {
  return `https://api.slack.com/apps?new_app=1&manifest_json=${encodeURIComponent(JSON.stringify(manifest))}`;
}
