#!/usr/bin/env node
// The operator CLI (`npx chatbot <command>`); the commands live in src/cli/.
const path = require("node:path");
const { buildIfNeeded } = require("./build-if-needed");

const dist = path.join(__dirname, "..", "dist");
try {
  buildIfNeeded();
  // The CLI reads the same environment as the server, `.env` included (variables already set win).
  require(path.join(dist, "config.js")).loadDotEnv();
} catch (error) {
  process.stderr.write(`chatbot: ${error.message}\n`);
  process.exit(1);
}
const { runCli } = require(path.join(dist, "cli", "index.js"));
runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`chatbot: ${error?.message ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
