// Compiles src/ into dist/ when dist/ is missing or older than src/ (run by `npm start` before
// `node dist/main.js`, and by `npx chatbot`), so a fresh clone runs after `npm install` alone.
// TypeScript is a dev dependency: it is looked up only when a build is needed, so a production
// install (`npm ci --omit=dev`) with a built dist/ starts without it.
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

/** Every TypeScript file under dir (what tsc compiles; a README is not), in a stable order. */
function filesUnder(dir) {
  const files = [];
  for (const entry of fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(full));
    else if (entry.name.endsWith(".ts")) files.push(full);
  }
  return files;
}

/** What dist/ was built from: paths and contents of src/, so a touched but unchanged file costs nothing. */
function sourceHash(srcDir) {
  const hash = createHash("sha256");
  for (const file of filesUnder(srcDir)) {
    hash.update(path.relative(srcDir, file)).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

/**
 * Why dist/ must be (re)built, or undefined when it is current. A file newer than the last build
 * counts only when src/'s content changed: `npm install` regenerates the Prisma clients under
 * src/db/generated with the same content, and a git checkout gives every file a new mtime.
 */
function staleReason(root) {
  const srcDir = path.join(root, "src");
  const stamp = path.join(root, "dist", ".tsbuildinfo");
  const hashFile = path.join(root, "dist", ".source-hash");
  if (!fs.existsSync(srcDir)) return undefined; // a deployment that ships dist/ alone
  if (!fs.existsSync(path.join(root, "dist", "main.js")) || !fs.existsSync(stamp)) return "dist/ is missing";
  const built = fs.statSync(stamp).mtimeMs;
  if (!filesUnder(srcDir).some((file) => fs.statSync(file).mtimeMs > built)) return undefined;
  const recorded = fs.existsSync(hashFile) ? fs.readFileSync(hashFile, "utf8").trim() : "";
  return recorded === sourceHash(srcDir) ? undefined : "src/ changed since dist/ was built";
}

/** Resolves TypeScript's compiler, or explains what to do when it is not installed. */
function tscPath(root, reason) {
  try {
    return require.resolve("typescript/bin/tsc", { paths: [root] });
  } catch {
    throw new Error(
      `${reason} and TypeScript is not installed (a production install, npm ci --omit=dev?): ` +
        "run `npm run build` where the dev dependencies are installed and ship dist/ with the app, " +
        "or run `npm install` here",
    );
  }
}

function buildIfNeeded(root = path.join(__dirname, "..")) {
  const reason = staleReason(root);
  if (reason === undefined) return false;
  const tsc = tscPath(root, reason);
  process.stderr.write(`aws-chatbot: ${reason}: compiling with tsc\n`);
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  // tsc leaves the stamp untouched when nothing changed; touch it so the check stays cheap.
  const now = new Date();
  fs.utimesSync(path.join(root, "dist", ".tsbuildinfo"), now, now);
  fs.writeFileSync(path.join(root, "dist", ".source-hash"), `${sourceHash(path.join(root, "src"))}\n`);
  return true;
}

module.exports = { buildIfNeeded, sourceHash };

if (require.main === module) {
  try {
    buildIfNeeded();
  } catch (error) {
    process.stderr.write(`aws-chatbot: ${error.message}\n`);
    process.exit(1);
  }
}
