// Writes prisma/schema.postgres.prisma from prisma/schema.sqlite.prisma: the two differ only in
// the datasource provider and the generated client's folder (a Prisma schema has one provider).
const fs = require("node:fs");
const path = require("node:path");

function postgresSchemaFrom(sqliteSchema) {
  return sqliteSchema
    .replace('output       = "../src/db/generated/sqlite"', 'output       = "../src/db/generated/postgres"')
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      /^\/\/ Source of truth[\s\S]*?drift\.\n/m,
      "// GENERATED from prisma/schema.sqlite.prisma by `npm run db:schemas`; do not edit.\n",
    );
}

module.exports = { postgresSchemaFrom };

if (require.main === module) {
  const dir = __dirname;
  const sqlite = fs.readFileSync(path.join(dir, "schema.sqlite.prisma"), "utf8");
  fs.writeFileSync(path.join(dir, "schema.postgres.prisma"), postgresSchemaFrom(sqlite));
}
