/**
 * Security headers on every answer (helmet), set for what this server sends: JSON, SSE streams
 * and file downloads, none of which a browser should run, frame or sniff. Swagger UI at
 * /api/docs is the one page meant for a browser, so it alone gets a policy that lets it run.
 */
import type { RequestHandler } from "express";
import helmet, { type HelmetOptions } from "helmet";

export const DOCS_PATH = "/api/docs";

const common: HelmetOptions = {
  // An API is never framed: DENY rather than helmet's SAMEORIGIN.
  xFrameOptions: { action: "deny" },
  // Answers carry session data: no referrer leaks from a page that shows one.
  referrerPolicy: { policy: "no-referrer" },
};

/** Nothing in a JSON answer or an event stream is to be loaded, run or framed (the stream gateway's headers too). */
export const apiHeaders = helmet({
  ...common,
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
});

/**
 * Swagger UI loads its scripts and styles from this server (no inline script), but sets inline
 * styles and uses data: images for its icons; "Try it out" calls this same origin.
 */
const docsHeaders = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

const isDocs = (path: string) => path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) || path.startsWith(`${DOCS_PATH}-`);

export function securityHeaders(): RequestHandler {
  return (request, response, next) => (isDocs(request.path) ? docsHeaders : apiHeaders)(request, response, next);
}
