// Prisma CLI configuration. `engine: "js"` with a driver adapter keeps the CLI from downloading
// native engines (no network here but the npm registry); see DESIGN.md "Storage". The provider,
// and so the schema file, follows DATABASE_URL as the server does.
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const databaseUrl = process.env.DATABASE_URL ?? "file:./data/chatbot.db";
const isPostgres = /^postgres(ql)?:\/\//.test(databaseUrl);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", isPostgres ? "schema.postgres.prisma" : "schema.sqlite.prisma"),
  async adapter() {
    return isPostgres
      ? new PrismaPg({ connectionString: databaseUrl })
      : new PrismaBetterSQLite3({ url: databaseUrl });
  },
});
