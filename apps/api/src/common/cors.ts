/**
 * CORS for browser apps on other origins (CORS_ORIGINS; none by default). Keys travel in the
 * Authorization header, never in cookies, so credentials are never allowed: a page can use the
 * API only with a key its user gave it. A refused origin gets no CORS headers (its browser then
 * blocks the answer), and a preflight is answered here, before authentication, as browsers send
 * it without the key.
 */
import type { CorsOptions } from "@nestjs/common/interfaces/external/cors-options.interface";

/** What a browser app reads from answers: back-off, pagination, the chat's conversation, limits, what was ignored, downloads. */
export const EXPOSED_HEADERS = [
  "Retry-After",
  "Link",
  "X-Next-Cursor",
  "X-Conversation-Id",
  "RateLimit-Limit",
  "RateLimit-Remaining",
  "RateLimit-Reset",
  "RateLimit-Policy",
  "X-Mix-Ignored-Fields",
  "Content-Disposition",
];

const ALLOWED_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"];

export function corsOptions(origins: readonly string[]): CorsOptions {
  const any = origins.includes("*");
  const allowed = new Set(origins.map((origin) => origin.toLowerCase()));
  return {
    origin: (origin, callback) => callback(null, origin !== undefined && (any || allowed.has(origin.toLowerCase()))),
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    credentials: false,
    maxAge: 600,
    optionsSuccessStatus: 204,
  };
}
