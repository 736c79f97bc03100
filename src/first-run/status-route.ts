/** GET / once Slack is configured: the short status page that replaces the setup page. */
import type { Express } from "express";
import type { Config } from "../config";
import { PAGE_CSS, setPageHeaders } from "./page-style";
import { renderStatusPage } from "./setup-page";

export function registerStatusPage(app: Express, config: Config): void {
  const page = renderStatusPage({
    mode: config.slack.appToken ? "socket" : "http",
    installPath: config.slack.oauth ? "/slack/install" : undefined,
    snsEndpoint: config.publicUrl === undefined ? undefined : `${config.publicUrl}/sns/events`,
  });
  app.get("/", (_req, res) => {
    setPageHeaders(res);
    res.type("html").send(page);
  });
  app.get("/setup.css", (_req, res) => {
    res.set("Cache-Control", "no-store").type("css").send(PAGE_CSS);
  });
}
