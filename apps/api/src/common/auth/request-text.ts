/**
 * The text of a request's URL (path parameters, query string) and of the headers the API reads,
 * checked on arrival with the contracts' rule: a NUL byte or a lone surrogate is a 400 naming
 * the field, before any handler could hand it to Postgres. Bodies are checked by their schemas.
 */
import { isSafeText, UNSAFE_TEXT_MESSAGE, validationError } from "@mix/core/streaming";

/**
 * Headers some route reads as text, with the name a 400 reports. Node's HTTP/1.1 parser already
 * refuses a NUL byte in a header (and decodes header bytes as Latin-1, so no surrogate can
 * arrive); checked anyway so the rule does not depend on the server in front of the handlers.
 */
const HEADERS_READ: Record<string, string> = { "idempotency-key": "Idempotency-Key", "last-event-id": "Last-Event-ID" };

export interface RequestText {
  params?: Record<string, unknown>;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** True when every string in `value` (nested query objects and wildcard parameters included) is safe. */
function safeDeep(value: unknown): boolean {
  if (typeof value === "string") return isSafeText(value);
  if (Array.isArray(value)) return value.every(safeDeep);
  if (value && typeof value === "object") return Object.entries(value).every(([key, inner]) => isSafeText(key) && safeDeep(inner));
  return true;
}

function unsafeName(values: unknown): string | undefined {
  if (!values || typeof values !== "object") return undefined;
  for (const [name, value] of Object.entries(values)) {
    if (!isSafeText(name)) return "query parameter names";
    if (!safeDeep(value)) return name;
  }
  return undefined;
}

export function assertSafeRequestText(request: RequestText): void {
  const field =
    unsafeName(request.params) ?? unsafeName(request.query) ?? Object.entries(HEADERS_READ).find(([header]) => !safeDeep(request.headers[header]))?.[1];
  if (field) throw validationError(`${field}: ${UNSAFE_TEXT_MESSAGE}`);
}
