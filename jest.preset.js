// Shared jest settings: TypeScript through SWC (with the decorator metadata Nest needs), and
// workspace packages resolved to their sources so tests never run against a stale build.
const path = require("node:path");

const swc = {
  jsc: {
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: "es2023",
    keepClassNames: true,
  },
  module: { type: "commonjs" },
  sourceMaps: "inline",
};

module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["@swc/jest", swc] },
  moduleNameMapper: {
    // Generated Prisma sources import siblings as "./x.js"; the source next to them is "./x.ts".
    "^(\\.{1,2}/.*)\\.js$": "$1",
    "^@mix/core$": path.join(__dirname, "packages/core/src/index.ts"),
    "^@mix/core/contracts$": path.join(__dirname, "packages/core/src/contracts/index.ts"),
    "^@mix/db$": path.join(__dirname, "packages/db/src/index.ts"),
    "^@mix/testing$": path.join(__dirname, "packages/testing/src/index.ts"),
  },
  testMatch: ["<rootDir>/src/**/*.spec.ts", "<rootDir>/test/**/*.spec.ts", "<rootDir>/test/**/*.e2e-spec.ts"],
  testTimeout: 30_000,
  reporters: ["default", path.join(__dirname, "scripts/lib/jest-summary-reporter.js")],
  // Each file has its own database and Redis prefix, so files may run in parallel.
  maxWorkers: 2,
};
