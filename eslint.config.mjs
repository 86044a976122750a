// One lint configuration for the whole workspace: ESLint's and typescript-eslint's recommended
// rules, plus the habits the style guide asks for (no silent catch, no console in app code),
// the import boundaries between packages and between the layers of packages/core, and a size
// limit for source files. Type-aware checks stay with `tsc` (the typecheck task), which already
// runs strict.
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

const root = import.meta.dirname;

// The folders of packages/core/src, bottom to top. A file may import its own layer or a lower
// one; the package's entry (src/index.ts) and test code may import anything. A new folder must
// be placed here, or its imports fail as unknown.
const CORE_LAYERS = [
  ["contracts"],
  ["config", "errors", "logging", "secrets", "network", "tracing", "metrics"],
  ["redis", "queues", "events", "storage", "sandbox", "parsing", "rate-limit", "audit", "user-requests"],
  ["auth", "preferences", "models", "credentials", "oauth", "commands", "plans", "credits", "usage", "search", "media", "context", "workspace-profile"],
  ["sessions", "messages", "members"],
  ["files"],
  // knowledge reads session files (files/) and fetches URLs (network/); knowledge_search (tools/) searches it.
  ["tools", "browser", "permissions", "notifications", "mcp-servers", "callbacks", "knowledge"],
  ["agent"],
  ["runs", "chat", "follow"],
  ["infrastructure", "services", "workers", "lifecycle"],
];
const layer = (level) => `core-L${level}`;
const layersUpTo = (level) => CORE_LAYERS.slice(0, level + 1).map((_, lower) => layer(lower));

// Workspace packages are matched by the name they are imported by.
const workspace = (...names) => ({ to: { module: { source: names.map((name) => `@mix/${name}`) } } });

const boundariesSettings = {
  // Patterns below are relative to the repository root, wherever eslint runs from.
  "boundaries/root-path": root,
  "boundaries/dependency-nodes": ["import", "export", "dynamic-import"],
  "boundaries/flag-as-external": { customSourcePatterns: ["@mix/**"] },
  // Relative imports are resolved to their .ts files; workspace packages are matched by name.
  "import/resolver": { typescript: {} },
  "boundaries/elements": [
    ...CORE_LAYERS.map((folders, level) => ({ type: layer(level), pattern: folders.map((folder) => `packages/core/src/${folder}`), partialMatch: false })),
    { type: "core", pattern: "packages/core", partialMatch: false },
    { type: "db", pattern: "packages/db", partialMatch: false },
    { type: "testing", pattern: "packages/testing", partialMatch: false },
    { type: "app", pattern: "apps/*", partialMatch: false, capture: ["app"] },
  ],
  // One category per file, the first that matches.
  "boundaries/files-single-match": true,
  "boundaries/files": [
    { category: "test", pattern: ["**/*.spec.ts", "**/*.e2e-spec.ts", "{apps,packages}/*/test/**", "packages/testing/**"] },
    { category: "entry", pattern: "packages/core/src/index.ts" },
    { category: "entry", pattern: "packages/core/src/streaming.ts" },
    { category: "source", pattern: "**" },
  ],
};

const BOUNDARY_MESSAGE =
  '{{ from.element.path }} ({{ from.element.types.[0] }}) may not import "{{ dependency.source }}"' +
  "{{#if to.element.path}} ({{ to.element.path }}, {{ to.element.types.[0] }}){{/if}}: apps import @mix/core and @mix/db, " +
  "core imports @mix/db, a folder of packages/core/src imports its own layer or a lower one (CORE_LAYERS in eslint.config.mjs)";

const boundariesPolicies = [
  // Third-party packages and Node's own modules: anyone (contracts: below).
  { allow: { to: { module: { origin: ["external", "core"] } } } },
  // Workspace packages: only where a policy below allows it.
  { disallow: workspace("*") },
  // Apps: their own files, core and db; never another app.
  {
    from: { element: { type: "app" } },
    allow: [workspace("core", "db"), { to: { element: { type: "app", captured: { app: "{{ from.element.captured.app }}" } } } }],
  },
  // packages/core: each layer its own and the lower ones; db from config upwards.
  ...CORE_LAYERS.map((_, level) => ({ from: { element: { type: layer(level) } }, allow: { to: { element: { type: layersUpTo(level) } } } })),
  { from: { element: { type: layersUpTo(CORE_LAYERS.length - 1).slice(1) } }, allow: workspace("db") },
  { from: { element: { type: "core" }, file: { categories: "entry" } }, allow: [{ to: { element: { type: "core*" } } }, workspace("db")] },
  // contracts is the leaf: zod and nothing else.
  {
    from: { element: { type: layer(0) }, file: { categories: "source" } },
    disallow: { to: { module: { origin: ["external", "core"], source: "!zod" } } },
    message: "packages/core/src/contracts depends on zod only, so a client can use the schemas without the rest of core",
  },
  // packages/db: itself only. packages/testing: itself, core and db.
  { from: { element: { type: "db" } }, allow: { to: { element: { type: "db" } } } },
  { from: { element: { type: "testing" } }, allow: [{ to: { element: { type: "testing" } } }, workspace("core", "db")] },
  // Tests: anything of their own package, and every non-app package by name.
  { from: { element: { type: "core*" }, file: { categories: "test" } }, allow: { to: { element: { type: "core*" } } } },
  { from: { file: { categories: "test" } }, allow: workspace("core", "db", "testing") },
  // Production code never imports test code.
  {
    from: { file: { categories: ["source", "entry"] } },
    disallow: [{ to: { file: { categories: "test" } } }, workspace("testing")],
    message: "production code never imports test code (spec files, test folders, @mix/testing)",
  },
];

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/coverage/**", "packages/db/src/generated/**", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-empty": ["error", { allowEmptyCatch: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // A closure that reads a variable assigned later (e.g. a stream handle) is fine as let.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // No consistent-type-imports: Nest's dependency injection needs constructor parameter
      // types imported as values (decorator metadata), which that rule would turn into types.
    },
  },
  {
    files: ["apps/*/src/**/*.ts", "packages/core/src/**/*.ts", "packages/db/src/**/*.ts"],
    rules: { "no-console": "error" },
  },
  {
    files: ["**/*.ts"],
    plugins: { boundaries },
    settings: boundariesSettings,
    rules: {
      "boundaries/dependencies": ["error", { default: "disallow", checkAllOrigins: true, message: BOUNDARY_MESSAGE, policies: boundariesPolicies }],
    },
  },
  {
    // Files small enough to read at once; a longer one is usually two files.
    files: ["apps/*/src/**/*.ts", "packages/*/src/**/*.ts"],
    ignores: ["**/*.spec.ts", "**/*.e2e-spec.ts", "packages/db/src/generated/**", "**/test/**"],
    rules: { "max-lines": ["error", { max: 250, skipBlankLines: false, skipComments: false }] },
  },
);
