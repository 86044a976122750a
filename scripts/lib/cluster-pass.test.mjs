// node --test scripts/lib/cluster-pass.test.mjs
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { CLUSTER_TEST_FILES } from "./cluster-pass.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

it("lists only test files that exist, so a renamed file cannot drop out of the cluster pass unseen", () => {
  const listed = Object.entries(CLUSTER_TEST_FILES).flatMap(([dir, files]) => files.map((file) => join(dir, file)));
  assert.ok(listed.length > 20);
  assert.deepEqual(
    listed.filter((file) => !existsSync(join(ROOT, file))),
    [],
  );
});
