/**
 * bin/build-if-needed.js (npm start's prestart, and `npx chatbot`) in a scratch copy of the layout
 * with no node_modules: TypeScript cannot be resolved there, as after `npm ci --omit=dev`.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const script = path.resolve(__dirname, "..", "..", "bin", "build-if-needed.js");
const { sourceHash } = require(script) as { sourceHash(srcDir: string): string };

interface Layout {
  root: string;
  run(): { status: number | null; stderr: string };
}

/** A root with bin/build-if-needed.js, src/main.ts and (unless `built` is false) a dist/ built from it. */
function layout({ built = true }: { built?: boolean } = {}): Layout {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "chatbot-build-"));
  fs.mkdirSync(path.join(root, "bin"));
  fs.copyFileSync(script, path.join(root, "bin", "build-if-needed.js"));
  fs.mkdirSync(path.join(root, "src"));
  fs.writeFileSync(path.join(root, "src", "main.ts"), "export const answer = 42;\n");
  if (built) {
    fs.mkdirSync(path.join(root, "dist"));
    fs.writeFileSync(path.join(root, "dist", "main.js"), "exports.answer = 42;\n");
    fs.writeFileSync(path.join(root, "dist", ".tsbuildinfo"), "{}");
    fs.writeFileSync(path.join(root, "dist", ".source-hash"), `${sourceHash(path.join(root, "src"))}\n`);
    // Built 30 s ago from a src/ of 60 s ago: a test's write to src/ is newer than the build
    // whatever the clock's granularity (written in the same tick, the two mtimes were equal).
    const builtAt = new Date(Date.now() - 30_000);
    fs.utimesSync(path.join(root, "dist", ".tsbuildinfo"), builtAt, builtAt);
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(root, "src", "main.ts"), past, past);
  }
  return {
    root,
    run: () => {
      const result = spawnSync(process.execPath, [path.join(root, "bin", "build-if-needed.js")], {
        cwd: root,
        env: { PATH: process.env.PATH ?? "" },
        encoding: "utf8",
      });
      return { status: result.status, stderr: result.stderr };
    },
  };
}

describe("build-if-needed without TypeScript installed", () => {
  it("is a precondition of these tests that typescript does not resolve from the scratch root", () => {
    const { root } = layout();
    expect(() => require.resolve("typescript/bin/tsc", { paths: [root] })).toThrow();
  });

  it("does nothing when dist/ is newer than src/", () => {
    const { run } = layout();
    expect(run()).toEqual({ status: 0, stderr: "" });
  });

  it("does nothing when src/ was touched but not changed (npm install regenerates Prisma's clients)", () => {
    const { root, run } = layout();
    const now = new Date(Date.now() + 1_000);
    fs.utimesSync(path.join(root, "src", "main.ts"), now, now);
    expect(run()).toEqual({ status: 0, stderr: "" });
  });

  it("does nothing when a file tsc does not compile changed (a folder's README.md)", () => {
    const { root, run } = layout();
    fs.writeFileSync(path.join(root, "src", "README.md"), "# src\n");
    expect(run()).toEqual({ status: 0, stderr: "" });
  });

  it("does nothing when only dist/ is shipped", () => {
    const { root, run } = layout();
    fs.rmSync(path.join(root, "src"), { recursive: true });
    expect(run()).toEqual({ status: 0, stderr: "" });
  });

  it("exits 1 with what to do when src/ changed since the build", () => {
    const { root, run } = layout();
    fs.writeFileSync(path.join(root, "src", "main.ts"), "export const answer = 43;\n");
    const result = run();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^aws-chatbot: src\/ changed since dist\/ was built and TypeScript is not installed/,
    );
    expect(result.stderr).toContain("npm run build");
  });

  it("exits 1 with what to do when dist/ is missing", () => {
    const result = layout({ built: false }).run();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^aws-chatbot: dist\/ is missing and TypeScript is not installed/);
  });
});
