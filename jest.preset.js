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

// Packages published as ES modules only (the Vercel AI SDK and what it pulls in): jest's
// CommonJS runtime loads them once SWC has compiled them, so they are exempted from jest's
// default "leave node_modules alone".
const ESM_ONLY = ["ai", "@ai-sdk", "@standard-schema", "@workflow", "eventsource-parser"];
// OpenTelemetry's OTLP exporter loads node:http with a dynamic import() from CommonJS, which
// jest's runtime refuses without --experimental-vm-modules: SWC turns it into a require.
const DYNAMIC_IMPORT_CJS = ["@opentelemetry/otlp-exporter-base"];
// The SDK imports zod's locales by their ES file name; jest must load zod's CommonJS twin
// instead, or zod would be loaded twice.
const zodDir = path.dirname(require.resolve("zod/package.json", { paths: [path.join(__dirname, "packages/core")] }));

module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": ["@swc/jest", swc],
    "^.+\\.m?js$": ["@swc/jest", { jsc: { target: "es2023" }, module: { type: "commonjs" } }],
    [`/node_modules/(${DYNAMIC_IMPORT_CJS.join("|")})/.+\\.cjs$`]: ["@swc/jest", { jsc: { target: "es2023" }, module: { type: "commonjs" } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!\\.pnpm/|(${[...ESM_ONLY, ...DYNAMIC_IMPORT_CJS].join("|")})/)`],
  moduleNameMapper: {
    "^zod/v4/locales/(.*)\\.js$": path.join(zodDir, "v4/locales", "$1.cjs"),
    // Generated Prisma sources import siblings as "./x.js"; the source next to them is "./x.ts".
    "^(\\.{1,2}/.*)\\.js$": "$1",
    "^@mix/core$": path.join(__dirname, "packages/core/src/index.ts"),
    "^@mix/core/contracts$": path.join(__dirname, "packages/core/src/contracts/index.ts"),
    "^@mix/core/streaming$": path.join(__dirname, "packages/core/src/streaming.ts"),
    "^@mix/db$": path.join(__dirname, "packages/db/src/index.ts"),
    "^@mix/db/pool$": path.join(__dirname, "packages/db/src/pool.ts"),
    "^@mix/testing$": path.join(__dirname, "packages/testing/src/index.ts"),
  },
  testMatch: ["<rootDir>/src/**/*.spec.ts", "<rootDir>/test/**/*.spec.ts", "<rootDir>/test/**/*.e2e-spec.ts"],
  testTimeout: 30_000,
  reporters: ["default", path.join(__dirname, "scripts/lib/jest-summary-reporter.js")],
  // Each file has its own database and Redis prefix, so files may run in parallel.
  maxWorkers: 2,
};
