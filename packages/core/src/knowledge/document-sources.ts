/**
 * Where a knowledge document's bytes come from: a request's text, an upload, a URL fetched
 * under web_fetch's address rules (network/guarded-fetch), or a file of one of the workspace's
 * sessions. Each read stops at the per-document limit, so a huge source never sits in memory whole.
 */
import type { Readable } from "node:stream";
import type { KnowledgeFormat } from "../contracts";
import { badRequest, payloadTooLarge } from "../errors/app-error";
import type { SessionFilesService } from "../files/session-files.service";
import { guardedFetch, GuardedFetchError } from "../network/guarded-fetch";
import { formatOf, storableText, unsupportedType } from "./document-text";

export const KNOWLEDGE_FETCH_TIMEOUT_MS = 30_000;

export interface SourceBytes {
  bytes: Buffer;
  format: KnowledgeFormat;
  /** A title from the source (the file's or the URL's last segment). */
  name: string;
}

export interface SourceLimits {
  maxDocumentBytes: number;
  allowPrivateNetworks: boolean;
}

const tooLarge = (max: number) => payloadTooLarge(`The document is larger than ${max} bytes, the most one may take`);

/** Reads a stream to its end, refusing it past `max` bytes (the rest is left unread). */
export async function readLimited(body: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw tooLarge(max);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function fetchSource(url: string, limits: SourceLimits, signal?: AbortSignal): Promise<SourceBytes> {
  let response;
  try {
    response = await guardedFetch(url, {
      allowPrivateNetworks: limits.allowPrivateNetworks,
      maxBytes: limits.maxDocumentBytes,
      timeoutMs: KNOWLEDGE_FETCH_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
      userAgent: "mix-knowledge/1",
      accept: "text/html, text/plain, text/markdown, application/pdf;q=0.9, */*;q=0.5",
    });
  } catch (error) {
    if (error instanceof GuardedFetchError) throw badRequest(error.message);
    throw error;
  }
  if (response.status >= 400) throw badRequest(`${response.url} answered HTTP ${response.status}`, "upstream_failed");
  if (response.truncated) throw tooLarge(limits.maxDocumentBytes);
  const address = new URL(response.url);
  const name = safeDecode(address.pathname.split("/").filter(Boolean).at(-1) ?? "") || address.hostname;
  const format = formatOf(name, response.contentType || "text/plain");
  if (!format) throw unsupportedType(`${response.url} (${response.contentType || "no Content-Type"})`);
  return { bytes: response.body, format, name };
}

export async function sessionFileSource(
  files: Pick<SessionFilesService, "file" | "read">,
  workspaceId: string,
  sessionId: string,
  path: string,
  limits: SourceLimits,
): Promise<SourceBytes> {
  // file() takes the URL's encoded form of the name and checks it stays inside the session folder.
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  const stored = await files.file(workspaceId, sessionId, encoded);
  if (stored.entry.size > limits.maxDocumentBytes) throw tooLarge(limits.maxDocumentBytes);
  const format = formatOf(stored.entry.name, stored.mimeType === "application/octet-stream" ? "" : stored.mimeType);
  if (!format) throw unsupportedType(`'${path}' (${stored.mimeType})`);
  const bytes = await readLimited(await files.read(sessionId, stored.entry), limits.maxDocumentBytes);
  return { bytes, format, name: stored.entry.name.split("/").at(-1) ?? path };
}

function safeDecode(segment: string): string {
  try {
    // A name with %00 in it keeps its encoded form: a NUL could not be stored as a title.
    const decoded = decodeURIComponent(segment);
    return storableText(decoded) === decoded ? decoded : segment;
  } catch {
    // Not percent-encoding after all: the segment as it was sent.
    return segment;
  }
}
