// node --test scripts/lib/ensure-local-key.test.mjs
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ensureLocalEncryptionKey } from "./ensure-local-key.mjs";

const dir = mkdtempSync(join(tmpdir(), "mix-env-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const envFile = (text) => {
  const file = join(dir, `env-${files++}`);
  if (text !== undefined) writeFileSync(file, text);
  return file;
};
const keyLines = (file) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("CREDENTIALS_ENCRYPTION_KEY="));

describe("ensureLocalEncryptionKey", () => {
  it("creates .env with a random 32-byte key when none exists", () => {
    const file = envFile();
    const result = ensureLocalEncryptionKey({ envFile: file, env: {} });
    assert.equal(result.created, true);
    assert.equal(Buffer.from(result.key, "base64").length, 32);
    assert.deepEqual(keyLines(file), [`CREDENTIALS_ENCRYPTION_KEY=${result.key}`]);
  });

  it("appends to an existing .env, keeping its lines, and a second call adds nothing", () => {
    const file = envFile("PORT=9000");
    const { key } = ensureLocalEncryptionKey({ envFile: file, env: {} });
    assert.match(readFileSync(file, "utf8"), new RegExp(`^PORT=9000\\n#.*\\nCREDENTIALS_ENCRYPTION_KEY=${key.replace(/[+/]/g, "\\$&")}\\n$`));
    assert.deepEqual(ensureLocalEncryptionKey({ envFile: file, env: {} }), { created: false });
    assert.equal(keyLines(file).length, 1);
  });

  it("makes a different key each time", () => {
    const first = ensureLocalEncryptionKey({ envFile: envFile(), env: {} }).key;
    assert.notEqual(ensureLocalEncryptionKey({ envFile: envFile(), env: {} }).key, first);
  });

  for (const [what, text, env] of [
    ["CREDENTIALS_ENCRYPTION_KEY in .env", "CREDENTIALS_ENCRYPTION_KEY=abc\n", {}],
    ["an exported, quoted CREDENTIALS_ENCRYPTION_KEYS in .env", 'export CREDENTIALS_ENCRYPTION_KEYS="k1:abc"\n', {}],
    ["CREDENTIALS_ENCRYPTION_KEY in the environment", undefined, { CREDENTIALS_ENCRYPTION_KEY: "abc" }],
    ["CREDENTIALS_ENCRYPTION_KEYS in the environment", "", { CREDENTIALS_ENCRYPTION_KEYS: "k1:abc" }],
  ]) {
    it(`never touches a key that is set: ${what}`, () => {
      const file = envFile(text);
      assert.deepEqual(ensureLocalEncryptionKey({ envFile: file, env }), { created: false });
      assert.equal(text === undefined ? null : readFileSync(file, "utf8"), text ?? null);
    });
  }

  it("counts an empty or commented-out key as unset", () => {
    const file = envFile("CREDENTIALS_ENCRYPTION_KEY=\n# CREDENTIALS_ENCRYPTION_KEYS=k1:abc\n");
    assert.equal(ensureLocalEncryptionKey({ envFile: file, env: { CREDENTIALS_ENCRYPTION_KEY: "" } }).created, true);
  });
});
