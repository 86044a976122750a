/**
 * The contracts' text rule: which strings are unsafe, and that every string of every request
 * contract (each export named *Request or *Query) refuses them with a message naming the field.
 */
import { z } from "zod";
import * as contracts from "./";
import { isSafeText, UNSAFE_TEXT_MESSAGE } from "./";
import { describeZodError } from "../errors/zod-message";

type JsonSchema = { type?: string; enum?: unknown[]; const?: unknown; minimum?: number; properties?: Record<string, JsonSchema>; items?: JsonSchema };

it.each([
  ["plain text", "hello", true],
  ["an emoji (a surrogate pair)", "ok \ud83d\ude00", true],
  ["the empty string", "", true],
  ["a NUL byte", "a\u0000b", false],
  ["a lone high surrogate", "a\ud800b", false],
  ["a lone high surrogate at the end", "a\ud83d", false],
  ["a lone low surrogate", "\ude00a", false],
  ["a pair in the wrong order", "\ude00\ud83d", false],
])("%s is safe: %s", (_, text, safe) => {
  expect(isSafeText(text)).toBe(safe);
});

/** Valid-looking input for a schema, with every property present. */
function sample(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.type === "object")
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, value]) => [key, key === "subagentType" ? "" : sample(value)]));
  if (schema.type === "array") return schema.items ? [sample(schema.items)] : [];
  if (schema.type === "integer" || schema.type === "number") return Math.max(1, schema.minimum ?? 1);
  if (schema.type === "boolean") return false;
  return "1";
}

function stringLeaves(schema: JsonSchema, path: (string | number)[] = []): (string | number)[][] {
  if (schema.type === "object") return Object.entries(schema.properties ?? {}).flatMap(([key, value]) => stringLeaves(value, [...path, key]));
  if (schema.type === "array" && schema.items) return stringLeaves(schema.items, [...path, 0]);
  // Enums and literals refuse anything but their own values already.
  return schema.type === "string" && !schema.enum && schema.const === undefined ? [path] : [];
}

function withLeaf(value: unknown, [head, ...rest]: (string | number)[], leaf: string): unknown {
  if (head === undefined) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[head] = withLeaf(copy[head], rest, leaf);
  return copy;
}

const requestContracts = Object.entries(contracts).filter(([name, value]) => /(Request|Query)$/.test(name) && value instanceof z.ZodType) as [
  string,
  z.ZodType,
][];

const cases = requestContracts.flatMap(([name, schema]) => {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const hostile = [
    ["a NUL byte", "a\u0000b"],
    ["a lone surrogate", "a\ud800b"],
  ] as const;
  return stringLeaves(json).flatMap((leaf) => hostile.map(([label, text]) => ({ name, field: leaf.join("."), label, schema, json, leaf, text })));
});

it.each(cases)("$name refuses $label in $field", ({ field, schema, json, leaf, text }) => {
  const result = schema.safeParse(withLeaf(sample(json), leaf, text));
  expect(result.success).toBe(false);
  expect(describeZodError(result.error!)).toContain(`${field}: ${UNSAFE_TEXT_MESSAGE}`);
});

it("finds the request contracts and their strings", () => {
  expect(requestContracts.map(([name]) => name)).toEqual(
    expect.arrayContaining(["CreateSessionRequest", "SendMessageRequest", "ListSessionsQuery", "OAuthCallbackRequest"]),
  );
  expect(cases.length).toBeGreaterThan(40);
});
