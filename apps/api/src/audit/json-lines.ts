/** Streams audit entries as JSON lines, and writes filters back into a query string for the next page's link. */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { AuditEntryData, AuditFilters } from "@mix/core";
import type { Response } from "express";

export function filterParams(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.action) params.set("action", filters.action.join(","));
  if (filters.actorKeyId) params.set("actorKeyId", filters.actorKeyId);
  if (filters.actorMemberId) params.set("actorMemberId", filters.actorMemberId);
  if (filters.targetType) params.set("targetType", filters.targetType);
  if (filters.targetId) params.set("targetId", filters.targetId);
  if (filters.from) params.set("from", filters.from.toISOString());
  if (filters.to) params.set("to", filters.to.toISOString());
  return params;
}

/**
 * The first page is read before anything is sent, so a failure there still answers in the error
 * shape; after that the entries go out as they are read, and a client that leaves stops the reading.
 */
export async function sendJsonLines(response: Response, entries: AsyncGenerator<AuditEntryData>, fileName: string): Promise<void> {
  const first = await entries.next();
  response.status(200);
  response.setHeader("Content-Type", "application/x-ndjson; charset=utf-8");
  response.setHeader("Content-Disposition", `attachment; filename=${fileName}`);
  response.setHeader("Cache-Control", "no-store");
  async function* lines(): AsyncGenerator<string> {
    if (first.done) return;
    yield `${JSON.stringify(first.value)}\n`;
    for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
  }
  try {
    await pipeline(Readable.from(lines()), response);
  } catch (error) {
    // The client went away mid-export: nothing to answer.
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}
