/**
 * The console is a page meant for a browser, so it gets its own policy instead of the API's
 * `default-src 'none'` (set before the route runs, by the security-headers middleware): scripts,
 * styles and requests from this origin only, images from here and from blob: URLs (file
 * previews are fetched with the API key, then shown from a blob), nothing inline, no framing.
 */
import type { Response } from "express";

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

export function setConsoleHeaders(response: Response, file: { contentType: string; immutable: boolean }): void {
  response.setHeader("Content-Security-Policy", CONSOLE_CSP);
  response.setHeader("Content-Type", file.contentType);
  response.setHeader("X-Content-Type-Options", "nosniff");
  // The page itself is re-checked on every load, so a new build is picked up at once; the
  // assets it names carry their content hash and never change.
  response.setHeader("Cache-Control", file.immutable ? "public, max-age=31536000, immutable" : "no-cache");
}
