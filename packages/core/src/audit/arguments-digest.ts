/**
 * A tool call's arguments as the audit log keeps them: a SHA-256 digest of their canonical JSON
 * (keys sorted at every depth), never the arguments themselves, which may hold secrets. The same
 * arguments always give the same digest, so an admin holding a call's input can match it.
 */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? "null";
}

/** "sha256:<64 hex>" of canonicalJson(value). */
export function argumentsDigest(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value), "utf8").digest("hex")}`;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => canonical(item) ?? null);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? value.toString() : value;
  if (value instanceof Date) return value.toISOString();
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = canonical((value as Record<string, unknown>)[key]);
    if (item !== undefined) sorted[key] = item;
  }
  return sorted;
}
