/**
 * Sends a stored file with its validators and byte ranges: 200, 206 for one satisfiable range,
 * 416 for an unsatisfiable one, 304 when the client's copy is fresh.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError, type ByteRange } from "@mix/core";
import type { Request, Response } from "express";

export interface Sendable {
  size: number;
  modifiedMs: number;
  contentType: string;
  open(range?: ByteRange): Promise<Readable>;
}

export async function sendBytes(request: Request, response: Response, file: Sendable): Promise<void> {
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.modifiedMs).toString(16)}"`;
  const lastModified = new Date(file.modifiedMs).toUTCString();
  response.setHeader("Accept-Ranges", "bytes");
  response.setHeader("ETag", etag);
  response.setHeader("Last-Modified", lastModified);
  if (request.fresh) {
    response.status(304).end();
    return;
  }
  const range = pickRange(request, file.size, etag, lastModified);
  if (range === "unsatisfiable") {
    // Set before the file's Content-Type, so the error goes out as JSON.
    response.setHeader("Content-Range", `bytes */${file.size}`);
    throw new AppError(416, "bad_request", `Range not satisfiable for a file of ${file.size} bytes`);
  }
  response.setHeader("Content-Type", file.contentType);
  // Uploaded HTML or SVG must not run as a page of the API's origin.
  response.setHeader("X-Content-Type-Options", "nosniff");
  response.setHeader("Content-Security-Policy", "sandbox");
  const body = await file.open(range);
  if (range) {
    response.status(206).setHeader("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
    response.setHeader("Content-Length", range.end - range.start + 1);
  } else {
    response.status(200).setHeader("Content-Length", file.size);
  }
  try {
    await pipeline(body, response);
  } catch (error) {
    // The client went away mid-download: nothing to answer.
    if ((error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    throw error;
  }
}

/** One range, or undefined to send everything (no Range, a malformed or multi-range one, a stale If-Range). */
function pickRange(request: Request, size: number, etag: string, lastModified: string): ByteRange | "unsatisfiable" | undefined {
  if (!request.headers.range) return undefined;
  const ifRange = request.headers["if-range"];
  if (ifRange && ifRange !== etag && ifRange !== lastModified) return undefined;
  const ranges = request.range(size, { combine: true });
  if (ranges === -1) return "unsatisfiable";
  if (ranges === undefined || ranges === -2 || ranges.type !== "bytes" || ranges.length !== 1) return undefined;
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}
