// Generates both Prisma clients (SQLite and PostgreSQL) with the JS engine: run by `npm install`.
// DATABASE_URL is set to a placeholder of each provider because the CLI needs one to pick the
// schema and adapter (prisma.config.ts); nothing connects.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

const prismaCli = require.resolve("prisma/build/index.js");
const root = path.join(__dirname, "..");
const targets = [
  { schema: "prisma/schema.sqlite.prisma", url: "file:./data/chatbot.db" },
  { schema: "prisma/schema.postgres.prisma", url: "postgresql://placeholder@127.0.0.1:5432/placeholder" },
];

for (const { schema, url } of targets) {
  execFileSync(process.execPath, [prismaCli, "generate", "--schema", schema], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
}
