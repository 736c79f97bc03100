/**
 * compose.yaml: the app on PostgreSQL with health checks, every secret from the operator's .env
 * (never written in the file), published on loopback for a TLS proxy, and an environment that the
 * app's own config.ts accepts once compose has filled it in.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { loadConfig } from "../../src/config";
import { envPairs, parseDockerfile } from "./dockerfile";

const root = path.resolve(__dirname, "..", "..");

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
}

const compose = parse(fs.readFileSync(path.join(root, "compose.yaml"), "utf8")) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { chatbot, postgres } = compose.services;

/** What compose does with ${VAR:?message} and ${VAR:-default}, given the operator's .env. */
function interpolate(value: string, dotenv: Record<string, string>): string {
  return value.replace(
    /\$\{(\w+)(?::([?-])([^}]*))?\}/g,
    (_, name: string, operator?: string, rest?: string) => {
      const found = dotenv[name];
      if (found !== undefined && found !== "") return found;
      if (operator === "?") throw new Error(rest);
      return rest ?? "";
    },
  );
}

describe("compose.yaml", () => {
  it("runs the app's image on PostgreSQL, started once PostgreSQL is healthy", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["chatbot", "postgres"]);
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.healthcheck?.test.join(" ")).toContain("pg_isready");
    expect(chatbot.build).toBe(".");
    expect(chatbot.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(chatbot.healthcheck?.test.join(" ")).toContain("/healthz");
    expect(Object.keys(compose.volumes)).toContain("postgres-data");
  });

  it("publishes on loopback only, read-only with a tmpfs /tmp and no capabilities", () => {
    expect(chatbot.ports).toEqual(["127.0.0.1:3000:3000"]);
    expect(chatbot.read_only).toBe(true);
    expect(chatbot.tmpfs).toEqual(["/tmp"]);
    expect(chatbot.cap_drop).toEqual(["ALL"]);
  });

  it("writes no secret down: each comes from .env, and the required ones stop compose when missing", () => {
    const secretName = /SECRET|TOKEN|KEY|PASSWORD|DATABASE_URL/;
    for (const service of [chatbot, postgres]) {
      for (const [name, value] of Object.entries(service.environment ?? {})) {
        if (secretName.test(name)) expect(value).toMatch(/\$\{\w+(:[?-][^}]*)?\}/);
      }
    }
    expect(() => interpolate(chatbot.environment?.ENCRYPTION_KEY ?? "", {})).toThrow(
      /openssl rand -base64 32/,
    );
    expect(() => interpolate(postgres.environment?.POSTGRES_PASSWORD ?? "", {})).toThrow(/POSTGRES_PASSWORD/);
  });

  it("gives the app an environment its config.ts accepts: PostgreSQL, with or without Slack set", () => {
    const dotenv = { POSTGRES_PASSWORD: "pw", ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64") };
    // The image's own ENV lies beneath compose's environment.
    const runtime = parseDockerfile(path.join(root, "Dockerfile")).stages.at(-1);
    const imageEnv = Object.assign(
      {},
      ...(runtime?.instructions ?? [])
        .filter((entry) => entry.keyword === "ENV")
        .map((entry) => envPairs(entry.args)),
    ) as Record<string, string>;
    const env = (extra: Record<string, string>) => ({
      ...imageEnv,
      ...Object.fromEntries(
        Object.entries(chatbot.environment ?? {}).map(([name, value]) => [
          name,
          interpolate(value, { ...dotenv, ...extra }),
        ]),
      ),
    });
    const firstRun = loadConfig(env({}), { requireSlack: true });
    expect(firstRun.firstRun).toBe(true);
    // The setup page must be reachable through the published port, so the image sets HOST.
    expect(firstRun.host).toBe("0.0.0.0");
    expect(firstRun.database).toMatchObject({
      kind: "postgres",
      url: "postgresql://chatbot:pw@postgres:5432/chatbot",
    });
    const configured = loadConfig(env({ SLACK_SIGNING_SECRET: "s", SLACK_BOT_TOKEN: "xoxb-1" }), {
      requireSlack: true,
    });
    expect(configured.firstRun).toBe(false);
    expect(configured.slack.botToken).toBe("xoxb-1");
  });
});
