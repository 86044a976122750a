import { randomBytes } from "node:crypto";
import { parseEncryptionKey, SecretBox, SecretBoxError } from "./secret-box";

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
