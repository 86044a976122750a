import { createHash } from "node:crypto";
import { argumentsDigest, canonicalJson } from "./arguments-digest";
import { boundDetails, MAX_DETAILS_BYTES } from "./audit-details";

describe("argumentsDigest", () => {
  it("is the SHA-256 of the JSON with keys sorted at every depth", () => {
    const input = { b: 1, a: { d: [3, { f: true, e: null }], c: "x" } };
    expect(canonicalJson(input)).toBe('{"a":{"c":"x","d":[3,{"e":null,"f":true}]},"b":1}');
    expect(argumentsDigest(input)).toBe(`sha256:${createHash("sha256").update(canonicalJson(input)).digest("hex")}`);
    expect(argumentsDigest({ a: { c: "x", d: [3, { e: null, f: true }] }, b: 1 })).toBe(argumentsDigest(input));
  });

  it("tells different arguments apart, array order included", () => {
    expect(argumentsDigest({ command: "ls" })).not.toBe(argumentsDigest({ command: "ls -la" }));
    expect(argumentsDigest([1, 2])).not.toBe(argumentsDigest([2, 1]));
  });

  it("digests what JSON cannot hold without failing", () => {
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson({ a: undefined, b: () => 1, c: 10n })).toBe('{"c":"10"}');
  });
});

describe("boundDetails", () => {
  it("keeps small details as they are", () => {
    expect(boundDetails({ tool: "Bash", count: 2, ok: true, none: null })).toEqual({ tool: "Bash", count: 2, ok: true, none: null });
  });

  it("cuts long strings, wide lists and deep nesting, and drops what is not JSON", () => {
    const bounded = boundDetails({ text: "x".repeat(5000), list: Array.from({ length: 80 }, (_, i) => i), deep: { a: { b: { c: { d: 1 } } } }, fn: () => 1 });
    expect((bounded.text as string).length).toBeLessThanOrEqual(1024);
    expect((bounded.list as unknown[]).at(-1)).toBe("[30 more]");
    expect(JSON.stringify(bounded.deep)).toContain("nested too deep");
    expect(bounded).not.toHaveProperty("fn");
  });

  it("replaces details that stay too large with a marker", () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "y".repeat(1000)]));
    const bounded = boundDetails(many);
    expect(bounded).toEqual({ truncated: true, size: expect.any(Number) });
    expect(bounded.size as number).toBeGreaterThan(MAX_DETAILS_BYTES);
  });
});
