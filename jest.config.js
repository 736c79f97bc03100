/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // Type checking is `tsc --noEmit` in `npm test`; jest only transpiles.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  setupFiles: ["<rootDir>/test/support/aws-test-env.ts"],
  testTimeout: 30000,
  maxWorkers: 2,
};
