import { randomBytes } from "node:crypto";
import { loadConfig } from "../config/config";
import { parseEncryptionKey, parseEncryptionKeys, SecretBox, SecretBoxError } from "./secret-box";

const box = new SecretBox(randomBytes(32));

/** Flips one bit of the byte at `index` of the sealed value's field `field` (1 iv, 2 tag, 3 ciphertext). */
function flip(sealed: string, field: number, index = 0): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[field]!, "base64");
  bytes[index] = bytes[index]! ^ 0x01;
  parts[field] = bytes.toString("base64");
  return parts.join(":");
}

describe("SecretBox", () => {
  it("round-trips a value, with a fresh IV each time", () => {
    const first = box.seal("sk-ant-secret-value");
    const second = box.seal("sk-ant-secret-value");
    expect(first).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("secret");
    expect(box.open(first)).toBe("sk-ant-secret-value");
    expect(box.open(box.seal("ünïcode ✓"))).toBe("ünïcode ✓");
  });

  it("detects a flipped ciphertext, tag or IV byte", () => {
    const sealed = box.seal("sk-ant-secret-value");
    for (const field of [1, 2, 3]) expect(() => box.open(flip(sealed, field))).toThrow(SecretBoxError);
  });

  it("refuses a value sealed under another key", () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.open(box.seal("value"))).toThrow(/wrong key or tampered/);
  });

  it("refuses a value sealed for another context", () => {
    const sealed = box.seal("value", "workspace-a:anthropic");
    expect(box.open(sealed, "workspace-a:anthropic")).toBe("value");
    expect(() => box.open(sealed, "workspace-b:anthropic")).toThrow(SecretBoxError);
  });

  it("refuses malformed values", () => {
    const sealed = box.seal("value");
    for (const bad of ["", "plaintext", sealed.replace("v1:", "v2:"), sealed.split(":").slice(0, 3).join(":"), `${sealed}:extra`, "v1:AAAA:BBBB:CCCC"]) {
      expect(() => box.open(bad)).toThrow(SecretBoxError);
    }
  });

  it("needs a 32-byte key", () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe("parseEncryptionKey", () => {
  it("reads 64 hex characters or 32 bytes of base64", () => {
    const key = randomBytes(32);
    expect(parseEncryptionKey(key.toString("hex"))).toEqual(key);
    expect(parseEncryptionKey(key.toString("base64"))).toEqual(key);
  });

  it("rejects anything else", () => {
    for (const bad of ["", "short", randomBytes(16).toString("hex"), randomBytes(16).toString("base64"), randomBytes(33).toString("base64"), "z".repeat(64)]) {
      expect(parseEncryptionKey(bad)).toBeNull();
    }
  });
});

describe("SecretBox with named keys (rotation)", () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);

  it("seals under the newest named key and says so in the value", () => {
    const rotating = new SecretBox({
      named: [
        { id: "k2", key: newKey },
        { id: "k1", key: oldKey },
      ],
    });
    const sealed = rotating.seal("value", "ctx");
    expect(sealed).toMatch(/^v2:k2:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(rotating.currentKeyId).toBe("k2");
    expect(rotating.isCurrent(sealed)).toBe(true);
    expect(new SecretBox({ named: [{ id: "k2", key: newKey }] }).open(sealed, "ctx")).toBe("value");
  });

  it("opens what an older key sealed, by its id, and knows it is not current", () => {
    const sealedByOld = new SecretBox({ named: [{ id: "k1", key: oldKey }] }).seal("value");
    const rotating = new SecretBox({
      named: [
        { id: "k2", key: newKey },
        { id: "k1", key: oldKey },
      ],
    });
    expect(rotating.open(sealedByOld)).toBe("value");
    expect(rotating.isCurrent(sealedByOld)).toBe(false);
    expect(() => new SecretBox({ named: [{ id: "k2", key: newKey }] }).open(sealedByOld)).toThrow(/key 'k1', which is not configured/);
  });

  it("still reads v1 values: with the legacy key, or with a named key that is the same key", () => {
    const v1 = new SecretBox(oldKey).seal("legacy value", "ctx");
    expect(v1.startsWith("v1:")).toBe(true);
    expect(new SecretBox({ named: [{ id: "k2", key: newKey }], legacy: oldKey }).open(v1, "ctx")).toBe("legacy value");
    expect(
      new SecretBox({
        named: [
          { id: "k2", key: newKey },
          { id: "old", key: oldKey },
        ],
      }).open(v1, "ctx"),
    ).toBe("legacy value");
    expect(() => new SecretBox({ named: [{ id: "k2", key: newKey }] }).open(v1, "ctx")).toThrow(/wrong key or tampered/);
    expect(new SecretBox({ named: [{ id: "k2", key: newKey }], legacy: oldKey }).isCurrent(v1)).toBe(false);
    expect(new SecretBox(oldKey).isCurrent(v1)).toBe(true);
  });

  it("refuses a v2 value with a tampered id, IV or a missing field", () => {
    const rotating = new SecretBox({
      named: [
        { id: "k2", key: newKey },
        { id: "k1", key: oldKey },
      ],
    });
    const sealed = rotating.seal("value");
    const fields = sealed.split(":");
    expect(() => rotating.open(["v2", "k1", ...fields.slice(2)].join(":"))).toThrow(/wrong key or tampered/);
    expect(() => rotating.open(fields.slice(0, 4).join(":"))).toThrow(SecretBoxError);
    expect(() => rotating.open(["v2", "bad id!", ...fields.slice(2)].join(":"))).toThrow(SecretBoxError);
  });
});

describe("parseEncryptionKeys", () => {
  const hex = randomBytes(32).toString("hex");
  const b64 = randomBytes(32).toString("base64");

  it("reads id:key pairs, newest first", () => {
    const parsed = parseEncryptionKeys(` new:${b64} , old-1:${hex}`);
    expect("keys" in parsed && parsed.keys.map((key) => key.id)).toEqual(["new", "old-1"]);
    expect("keys" in parsed && parsed.keys[0]!.key).toEqual(Buffer.from(b64, "base64"));
  });

  it("names what is wrong", () => {
    expect(parseEncryptionKeys(b64)).toEqual({ error: expect.stringContaining("<id>:<key>") });
    expect(parseEncryptionKeys(`a:${b64},a:${hex}`)).toEqual({ error: "the id 'a' is used twice" });
    expect(parseEncryptionKeys("a:short")).toEqual({ error: expect.stringContaining("the key of 'a'") });
    expect(parseEncryptionKeys(`a:${b64},`)).toEqual({ error: expect.stringContaining("entry 2") });
  });

  it("is validated with the configuration, naming the variable", () => {
    const base = { DATABASE_URL: "postgresql://localhost/db" };
    expect(loadConfig({ ...base, CREDENTIALS_ENCRYPTION_KEYS: `k1:${b64}` }).CREDENTIALS_ENCRYPTION_KEYS).toBe(`k1:${b64}`);
    expect(() => loadConfig({ ...base, CREDENTIALS_ENCRYPTION_KEYS: "k1:nope" })).toThrow(/CREDENTIALS_ENCRYPTION_KEYS: the key of 'k1'/);
  });
});
