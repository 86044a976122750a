// One lint configuration for the whole workspace: ESLint's and typescript-eslint's recommended
// rules, plus the habits the style guide asks for (no silent catch, no console in app code).
// Type-aware checks stay with `tsc` (the typecheck task), which already runs strict.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
);
