/**
 * Keeps an entry's details to a bounded size: long strings are cut, deep or wide values are
 * summarised, and what is not JSON (a function, a bigint, undefined) is dropped or stringified,
 * so recording never fails on what a caller passed.
 */

/** The most a serialised details object may take; beyond it only a marker is kept. */
export const MAX_DETAILS_BYTES = 8192;
const MAX_STRING_LENGTH = 1024;
const MAX_KEYS = 50;
const MAX_ITEMS = 50;
const MAX_DEPTH = 4;

export function boundText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A JSON-safe copy of `details` that serialises to at most MAX_DETAILS_BYTES. */
export function boundDetails(details: Record<string, unknown>): Record<string, unknown> {
  const bounded = boundValue(details, 0);
  const object = bounded && typeof bounded === "object" && !Array.isArray(bounded) ? (bounded as Record<string, unknown>) : {};
  const size = Buffer.byteLength(JSON.stringify(object), "utf8");
  return size <= MAX_DETAILS_BYTES ? object : { truncated: true, size };
}

function boundValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string") return boundText(value, MAX_STRING_LENGTH);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== "object") return undefined;
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((item) => boundValue(item, depth + 1) ?? null);
    return value.length > MAX_ITEMS ? [...items, `[${value.length - MAX_ITEMS} more]`] : items;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>).slice(0, MAX_KEYS)) {
    const bounded = boundValue(item, depth + 1);
    if (bounded !== undefined) result[boundText(key, 128)] = bounded;
  }
  return result;
}
