/**
 * The opaque cursor of GET /api/sessions pages: base64url of the last listed session's
 * createdAt and id, the two keys of the list's order, so a page starts exactly after it.
 */
import { validationError } from "../errors/app-error";

export interface SessionCursor {
  createdAt: Date;
  id: string;
}

export function encodeSessionCursor(cursor: SessionCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

/** 400 for anything this service did not hand out (or that no longer parses). */
export function decodeSessionCursor(text: string): SessionCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch (error) {
    throw validationError(`cursor is not valid: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length !== 2) throw validationError("cursor is not valid");
  const [createdAt, id] = value as unknown[];
  const date = typeof createdAt === "string" ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || typeof id !== "string" || id.length === 0 || id.length > 128) {
    throw validationError("cursor is not valid");
  }
  return { createdAt: date, id };
}
