/** The setup page (first-run mode) and the status page that replaces it once Slack is configured. */

import { html, type SafeHtml } from "./html";
import type { Preview } from "./preview";
import type { Sample } from "./samples";
import type { ChecklistItem } from "./setup-checklist";

export interface SetupPageInput {
  checklist: ChecklistItem[];
  createAppUrl: string;
  manifestJson: string;
  socketMode: boolean;
  samples: Sample[];
  selectedSample?: string;
  /** What the message box holds: the chosen sample or the last paste. */
  message: string;
  preview?: Preview;
}

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/setup.css">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.value;
}

function checklistHtml(items: ChecklistItem[]): SafeHtml {
  return html`<ul id="checklist" class="checklist">${items.map(
    (item) => html`<li class="${item.ok ? "ok" : "todo"}" data-item="${item.id}">
<span class="mark" aria-hidden="true">${item.ok ? "✔" : "✘"}</span>
<div><strong>${item.title}</strong> <span class="state">${item.ok ? "configured" : "missing"}</span>
<p>${item.status}</p>${item.todo ? html`<p class="todo-text">To do: ${item.todo}</p>` : ""}</div>
</li>`,
  )}</ul>`;
}

function previewHtml(preview: Preview | undefined): SafeHtml {
  if (preview === undefined) return html``;
  if (!preview.ok) return html`<div id="preview-error" class="error" role="alert">${preview.error}</div>`;
  return html`<h3>In Slack</h3>
<div id="preview-slack">${preview.slackHtml}</div>
<p class="hint">Notification text: <span id="preview-fallback">${preview.fallbackText}</span> ·
<a id="block-kit-builder" href="${preview.blockKitBuilderUrl}" rel="noopener noreferrer" target="_blank">Open these blocks in Slack's Block Kit Builder</a></p>
<h3>As webhook text (Amazon Chime)</h3>
<pre id="preview-webhook">${preview.webhookText}</pre>`;
}

export function renderSetupPage(input: SetupPageInput): string {
  const done = input.checklist.filter((item) => item.ok).length;
  return layout(
    "aws-chatbot — setup",
    html`<h1>aws-chatbot setup</h1>
<p>Slack is not configured yet, so this server shows this page instead of running the app.
Nothing here asks for a secret: set them in the environment (or <code>.env</code>) and restart, and this page gives way to the app.</p>
<h2>Checklist <span class="count">${done} of ${input.checklist.length} done</span></h2>
${checklistHtml(input.checklist)}
<h2>Create the Slack app</h2>
<p><a id="create-app" class="button" href="${input.createAppUrl}" rel="noopener noreferrer" target="_blank">Create the Slack app</a></p>
<p class="hint">${
      input.socketMode
        ? "Opens Slack's “create from a manifest” with manifest.yml set up for Socket Mode (no public URL needed for Slack; create an app-level token with connections:write and set SLACK_APP_TOKEN and SLACK_BOT_TOKEN). Set PUBLIC_URL and reload for an app that Slack reaches over HTTP."
        : "Opens Slack's “create from a manifest” with manifest.yml filled in for PUBLIC_URL."
    }</p>
<details><summary>The manifest</summary><pre id="manifest">${input.manifestJson}</pre></details>
<h2>Preview a notification</h2>
<form method="get" action="/" class="row">
<label for="sample">Sample</label>
<select id="sample" name="sample">${input.samples.map(
      (sample) =>
        html`<option value="${sample.id}"${sample.id === input.selectedSample ? html` selected` : ""}>${sample.label}</option>`,
    )}</select>
<button id="show-sample" type="submit">Show</button>
</form>
<form method="post" action="/preview">
<label for="message">…or paste an SNS message body (the JSON SNS posts)</label>
<textarea id="message" name="message" rows="12" spellcheck="false">${input.message}</textarea>
<button id="render" type="submit">Render</button>
</form>
${previewHtml(input.preview)}`,
  );
}

export interface StatusPageInput {
  mode: "socket" | "http";
  /** OAuth: where users install the app. */
  installPath?: string;
  snsEndpoint?: string;
}

/** What `/` shows once Slack is configured: that it runs, and where Slack and SNS reach it. */
export function renderStatusPage(input: StatusPageInput): string {
  return layout(
    "aws-chatbot",
    html`<h1>aws-chatbot is running</h1>
<ul id="status">
<li>Slack: ${input.mode === "socket" ? "Socket Mode" : "HTTP (POST /slack/events)"}</li>
${input.installPath ? html`<li><a id="install" href="${input.installPath}">Add to Slack</a></li>` : ""}
<li>Amazon SNS endpoint: ${input.snsEndpoint ?? "POST /sns/events (set PUBLIC_URL for its public address)"}</li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li>
</ul>`,
  );
}
