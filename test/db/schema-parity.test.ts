import fs from "node:fs";
import path from "node:path";

// eslint-style require: prisma/generate-schemas.js is plain CommonJS shared with `npm run db:schemas`.
const { postgresSchemaFrom } = require("../../prisma/generate-schemas.js") as {
  postgresSchemaFrom: (schema: string) => string;
};

const prismaDir = path.resolve(__dirname, "..", "..", "prisma");
const read = (file: string) => fs.readFileSync(path.join(prismaDir, file), "utf8");

describe("Prisma schemas", () => {
  it("the PostgreSQL schema is the SQLite schema but for the provider (run `npm run db:schemas`)", () => {
    expect(read("schema.postgres.prisma")).toBe(postgresSchemaFrom(read("schema.sqlite.prisma")));
  });

  it("differ only in the datasource provider and the client folder", () => {
    const model = (schema: string) => schema.slice(schema.indexOf("// --- model ---"));
    expect(model(read("schema.postgres.prisma"))).toBe(model(read("schema.sqlite.prisma")));
  });

  it("each provider has the same migrations", () => {
    const names = (kind: string) => fs.readdirSync(path.join(prismaDir, "migrations", kind)).sort();
    expect(names("postgres")).toEqual(names("sqlite"));
  });
});
