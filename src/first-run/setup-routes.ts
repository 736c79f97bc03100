/**
 * The routes of first-run mode: the setup page and its preview, health, and a clear refusal on
 * Slack's and SNS's routes (503, so SNS retries later rather than dropping a message).
 */
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from "express";
import type { Config } from "../config";
import type { Database } from "../db/database";
import type { AwsCredentialsProbe } from "./aws-credentials";
import { CONTENT_SECURITY_POLICY, PAGE_CSS, setPageHeaders } from "./page-style";
import { type Preview, previewOf } from "./preview";
import { listSamples, readSample } from "./samples";
import { setupChecklist } from "./setup-checklist";
import { renderSetupPage } from "./setup-page";
import { createAppUrl, type Manifest } from "./slack-manifest";

export interface SetupRouteDeps {
  config: Config;
  db: Database;
  aws: AwsCredentialsProbe;
  /** manifest.yml filled in for this deployment (slack-manifest.ts). */
  manifest: Manifest;
}

const NOT_CONFIGURED =
  "aws-chatbot is in first-run mode: Slack is not configured, so nothing is accepted here yet. " +
  "Set the Slack variables (see the setup page at /) and restart.";

/** Pasted messages are at most 256 KiB; form encoding can triple that. */
const FORM_LIMIT = "1mb";

export function registerSetupRoutes(app: Express, deps: SetupRouteDeps): void {
  const page = async (req: Request, res: Response, status: number, message: string, preview?: Preview) => {
    let databaseProblem: string | undefined;
    try {
      await deps.db.ping();
    } catch (error) {
      databaseProblem = error instanceof Error ? error.message : String(error);
    }
    const checklist = setupChecklist({ config: deps.config, databaseProblem, aws: await deps.aws.check() });
    const sample = typeof req.query.sample === "string" ? req.query.sample : undefined;
    setPageHeaders(res);
    res
      .status(status)
      .type("html")
      .send(
        renderSetupPage({
          checklist,
          createAppUrl: createAppUrl(deps.manifest),
          manifestJson: JSON.stringify(deps.manifest, null, 2),
          socketMode: deps.config.publicUrl === undefined,
          samples: listSamples(),
          selectedSample: sample,
          message,
          preview,
        }),
      );
  };

  app.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok", mode: "first-run" });
  });
  app.get("/readyz", (_req, res) => {
    res.status(503).json({ status: "first-run", reason: NOT_CONFIGURED });
  });
  const refuse = (_req: Request, res: Response) => {
    res.status(503).set("Retry-After", "3600").type("text/plain").send(`${NOT_CONFIGURED}\n`);
  };
  app.all("/sns/events", refuse);
  app.all("/slack/{*rest}", refuse);

  app.get("/setup.css", (_req, res) => {
    res.set({ "Content-Security-Policy": CONTENT_SECURITY_POLICY, "Cache-Control": "no-store" });
    res.type("css").send(PAGE_CSS);
  });

  app.get("/", async (req, res) => {
    const sample = typeof req.query.sample === "string" ? req.query.sample : undefined;
    if (sample === undefined) {
      await page(req, res, 200, "");
      return;
    }
    const body = readSample(sample);
    if (body === undefined) {
      await page(req, res, 404, "", { ok: false, error: `There is no sample named "${sample}".` });
      return;
    }
    await page(req, res, 200, body, previewOf(body));
  });

  app.post(
    "/preview",
    express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 10 }),
    async (req, res) => {
      const body: unknown = req.body;
      const message =
        typeof body === "object" &&
        body !== null &&
        typeof (body as Record<string, unknown>).message === "string"
          ? ((body as Record<string, unknown>).message as string)
          : "";
      const preview = previewOf(message);
      await page(req, res, preview.ok ? 200 : 400, message, preview);
    },
  );

  const formErrors: ErrorRequestHandler = (error: { status?: number; type?: string }, req, res, next) => {
    if (req.path !== "/preview" || error.status === undefined) {
      next(error);
      return;
    }
    const text =
      error.type === "entity.too.large"
        ? "The form is larger than 1 MB; an SNS message is at most 256 KiB."
        : "The form could not be read; paste the message again.";
    void page(req, res, error.status, "", { ok: false, error: text });
  };
  app.use(formErrors);
}
