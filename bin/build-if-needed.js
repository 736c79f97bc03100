// Compiles src/ into dist/ when dist/ is missing or older than any source file (used by
// `npm start` and `npx chatbot`), so a fresh clone runs after `npm install` alone.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const stamp = path.join(root, "dist", ".tsbuildinfo");

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (mtime > newest) newest = mtime;
  }
  return newest;
}

function buildIfNeeded() {
  // A production image (Dockerfile) ships dist/ without src/ or TypeScript: nothing to build.
  if (!fs.existsSync(path.join(root, "src"))) return;
  const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
  if (built >= newestMtime(path.join(root, "src"))) return;
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  // tsc leaves the stamp untouched when nothing changed; touch it so the check stays cheap.
  const now = new Date();
  fs.utimesSync(stamp, now, now);
}

module.exports = { buildIfNeeded };

if (require.main === module) buildIfNeeded();
