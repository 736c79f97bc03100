import fs from "node:fs";
import path from "node:path";

export function ensureSqliteDirectory(file: string): void {
  if (file === ":memory:") return;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
}
