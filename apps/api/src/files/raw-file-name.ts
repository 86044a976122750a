/**
 * The file name of `/api/sessions/{id}/files/{filename...}` exactly as sent, still
 * percent-encoded, so core's safe-path decodes it once and checks what it decoded.
 * (The router's own decoded parameter would hide whether `/` arrived as `%2F`.)
 */
import { badRequest } from "@mix/core";
import type { Request } from "express";

export function rawFileName(request: Request): string {
  const path = request.originalUrl.split("?")[0]!;
  const segments = path.split("/");
  // ["", "api", "sessions", id, "files", ...name]
  if (segments[1] !== "api" || segments[2] !== "sessions" || segments[4] !== "files") throw badRequest("Unexpected file URL");
  return segments.slice(5).join("/");
}
