/** Liveness, readiness and metrics routes. */
import type { Express } from "express";
import type { Database } from "../db/database";
import type { Metrics } from "./metrics";

export function registerHealthRoutes(app: Express, db: Database, metrics: Metrics): void {
  app.get("/healthz", (_req, res) => {
    res.status(200).json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await db.ping();
      res.status(200).json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "unavailable", reason: "the database does not answer" });
    }
  });
  app.get("/metrics", async (_req, res) => {
    const text = await metrics.render();
    res.set("content-type", metrics.contentType).send(text);
  });
}
