// The import boundaries of the root eslint.config.mjs, checked through ESLint's Node API on
// made-up files: an upward import, an app importing another app and production code importing
// test code fail; downward imports pass, from the repository root and from a package directory.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../../..");

type Case = { file: string; imports: string[]; cwd?: string };

// ESLint loads its (ES module) config with a dynamic import, which jest's CommonJS runtime cannot
// do, so the cases are linted in one plain node process.
const LINT_CASES = `
import { readFileSync } from "node:fs";
import { ESLint } from "eslint";
const linters = new Map();
const results = {};
for (const [name, { cwd, filePath, code }] of Object.entries(JSON.parse(readFileSync(0, "utf8")))) {
  if (!linters.has(cwd)) linters.set(cwd, new ESLint({ cwd }));
  const [result] = await linters.get(cwd).lintText(code, { filePath });
  results[name] = result.messages.filter((message) => message.ruleId === "boundaries/dependencies").map((message) => message.message);
}
process.stdout.write(JSON.stringify(results));
`;

function lintCases<T extends Record<string, Case>>(cases: T): Record<keyof T, string[]> {
  const input = Object.fromEntries(
    Object.entries(cases).map(([name, { file, imports, cwd }]) => [
      name,
      { cwd: path.join(root, cwd ?? ""), filePath: path.join(root, file), code: imports.map((source) => `import "${source}";\n`).join("") },
    ]),
  );
  const output = execFileSync(process.execPath, ["--input-type=module", "--eval", LINT_CASES], { cwd: root, input: JSON.stringify(input), encoding: "utf8" });
  return JSON.parse(output) as Record<keyof T, string[]>;
}

/** The import path, from `fromFile`, of some production file of folder `dir`, so the test outlives renames. */
function someModuleOf(dir: string, fromFile: string): string {
  const name = readdirSync(path.join(root, dir)).find((file) => file.endsWith(".ts") && !file.endsWith(".spec.ts"));
  if (!name) throw new Error(`no production .ts file in ${dir}`);
  const target = path.relative(path.dirname(path.join(root, fromFile)), path.join(root, dir, name.replace(/\.ts$/, "")));
  return target.startsWith(".") ? target : `./${target}`;
}

const tool = "packages/core/src/tools/made-up.ts";
const contract = "packages/core/src/contracts/made-up.ts";
const app = "apps/api/src/made-up.ts";
const upward = someModuleOf("packages/core/src/runs", tool);
const testHelper = someModuleOf("packages/core/test/helpers", tool);

describe("layer boundaries (eslint-plugin-boundaries in eslint.config.mjs)", () => {
  let errors: ReturnType<typeof lintCases<typeof cases>>;
  const cases = {
    upward: { file: tool, imports: [upward] },
    downward: {
      file: tool,
      imports: [
        someModuleOf("packages/core/src/permissions", tool),
        someModuleOf("packages/core/src/sessions", tool),
        "../contracts",
        "@mix/db",
        "zod",
        "node:path",
      ],
    },
    upwardFromPackageDir: { file: tool, imports: [upward], cwd: "packages/core" },
    downwardFromPackageDir: { file: tool, imports: ["../contracts"], cwd: "packages/core" },
    contractZod: { file: contract, imports: ["zod", "./index"] },
    contractErrors: { file: contract, imports: [someModuleOf("packages/core/src/errors", contract)] },
    contractNode: { file: contract, imports: ["node:crypto"] },
    appToApp: { file: app, imports: ["@mix/worker", someModuleOf("apps/worker/src", app)] },
    appToPackages: { file: app, imports: ["@mix/core", "@mix/core/contracts", "@mix/db", someModuleOf("apps/api/src", app)] },
    dbToCore: { file: "packages/db/src/made-up.ts", imports: ["@mix/core"] },
    sourceToTest: { file: tool, imports: [testHelper, "@mix/testing"] },
    specToAnything: { file: "packages/core/src/tools/made-up.spec.ts", imports: [testHelper, "@mix/testing", upward] },
  } satisfies Record<string, Case>;

  beforeAll(() => {
    errors = lintCases(cases);
  });

  it("fails an upward import inside packages/core/src", () => {
    expect(errors.upward).toHaveLength(1);
    expect(errors.upward[0]).toContain("packages/core/src/tools (core-L6) may not import");
    expect(errors.upward[0]).toContain("packages/core/src/runs, core-L8");
  });

  it("passes imports of the same layer, lower layers and third-party packages", () => {
    expect(errors.downward).toEqual([]);
  });

  it("applies when eslint runs from a package directory, as each package's lint script does", () => {
    expect(errors.upwardFromPackageDir).toHaveLength(1);
    expect(errors.downwardFromPackageDir).toEqual([]);
  });

  it("keeps contracts a leaf that imports zod only", () => {
    expect(errors.contractZod).toEqual([]);
    expect(errors.contractErrors).toHaveLength(1);
    expect(errors.contractNode).toHaveLength(1);
  });

  it("fails an app importing another app, by package name or by path", () => {
    expect(errors.appToApp).toHaveLength(2);
    expect(errors.appToPackages).toEqual([]);
  });

  it("keeps packages/db below core", () => {
    expect(errors.dbToCore).toHaveLength(1);
  });

  it("fails production code importing test code; a spec may import anything", () => {
    expect(errors.sourceToTest).toHaveLength(2);
    expect(errors.specToAnything).toEqual([]);
  });
});
