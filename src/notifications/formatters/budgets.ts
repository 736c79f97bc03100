import { consoleUrl } from "../aws";
import type { Notification } from "../types";
import { createNotification, type FormatContext, fieldList } from "./common";

/**
 * AWS Budgets e-mail style text: a greeting paragraph, then `Label: value` lines (Budget Name,
 * Budgeted Amount, Alert Type, Alert Threshold, ACTUAL/FORECASTED Amount).
 */

export function formatBudgetsText(text: string, context: FormatContext): Notification {
  const lines = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z ]{2,40}):\s+(.+)$/.exec(line.trim());
    if (m !== null && !lines.has(m[1])) lines.set(m[1], m[2].trim());
  }
  const name = lines.get("Budget Name");
  const alertType = lines.get("Alert Type");
  const amount =
    lines.get(`${alertType ?? "ACTUAL"} Amount`) ??
    lines.get("ACTUAL Amount") ??
    lines.get("FORECASTED Amount");
  const account = /AWS Account (\d{12})/.exec(text)?.[1];
  const summary = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p.startsWith("You requested"));
  const forecast = alertType?.toUpperCase() === "FORECASTED";

  return createNotification(context, {
    service: "budgets",
    kind: "budget-alert",
    title: context.envelope.Subject ?? `AWS Budgets: ${name ?? "budget"} has exceeded your alert threshold`,
    // An actual overspend has happened; a forecast can still be acted on.
    severity: forecast ? "medium" : "high",
    sourceLabel: "AWS Budgets",
    account: account ?? context.topic.account,
    region: undefined,
    fields: fieldList(
      ["Budget", name],
      ["Type", lines.get("Budget Type")],
      ["Budgeted amount", lines.get("Budgeted Amount")],
      ["Alert type", alertType],
      ["Alert threshold", lines.get("Alert Threshold")],
      [`${alertType ?? "Actual"} amount`, amount],
    ),
    reason: summary?.replace(/\s*You can find additional details.*$/s, ""),
    threadKey: name === undefined ? undefined : `budget:${account ?? ""}:${name}`,
    consoleUrl: consoleUrl(context.topic.partition, "/billing/home", { fragment: "/budgets" }),
  });
}
