/** Files of a session (uploads, and files the agent writes), scoped to the caller's workspace. */
import type { Readable } from "node:stream";
import { contentType as contentTypeOf, lookup } from "mime-types";
import { MAX_UPLOAD_BYTES, type FileInfo } from "../contracts/files";
import { badRequest, notFound } from "../errors/app-error";
import type { ConfinedParser } from "../parsing/confined-parser";
import type { SessionsService } from "../sessions/sessions.service";
import type { BlobEntry, BlobStore, ByteRange } from "../storage/blob-store";
import { checkRelativeName, decodePathOnce } from "../storage/safe-path";
import { parseThumbSpec } from "../storage/thumbnail-spec";
import { thumbnail, type Thumbnail } from "../storage/thumbnails";

export interface StoredFile {
  entry: BlobEntry;
  /** `text/plain` */
  mimeType: string;
  /** The Content-Type header: `text/plain; charset=utf-8` */
  contentType: string;
}

export class SessionFilesService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly store: BlobStore,
    /** Runs ffmpeg for a video's thumbnail, in the sandbox. */
    private readonly parser: ConfinedParser,
  ) {}

  async list(workspaceId: string, sessionId: string): Promise<FileInfo[]> {
    await this.sessions.require(workspaceId, sessionId);
    const entries = await this.store.list(sessionId);
    return entries.map((entry) => toFileInfo(sessionId, entry));
  }

  /** 404 for an unknown or foreign session; call before reading an upload's body. */
  async requireSession(workspaceId: string, sessionId: string): Promise<void> {
    await this.sessions.require(workspaceId, sessionId);
  }

  /**
   * Stores an upload under the base name of the client's file name (folders stripped),
   * replacing a file of that name. Over MAX_UPLOAD_BYTES: 413 and nothing kept.
   */
  async upload(workspaceId: string, sessionId: string, clientName: string, body: Readable): Promise<FileInfo> {
    await this.sessions.require(workspaceId, sessionId);
    const name = uploadName(clientName);
    const entry = await this.store.write(sessionId, name, body, { maxBytes: MAX_UPLOAD_BYTES });
    return toFileInfo(sessionId, entry);
  }

  /** `rawName` is the URL path after `/files/`, still percent-encoded; it is decoded once here. */
  async file(workspaceId: string, sessionId: string, rawName: string): Promise<StoredFile> {
    await this.sessions.require(workspaceId, sessionId);
    const name = requestName(rawName);
    const entry = await this.store.stat(sessionId, name);
    if (!entry) throw notFound("File");
    if (entry.isDir) throw badRequest(`'${name}' is a folder, not a file`);
    return { entry, mimeType: lookup(name) || "application/octet-stream", contentType: contentTypeOf(name) || "application/octet-stream" };
  }

  /** Call after file(): it has already checked the session and the name. */
  read(sessionId: string, entry: BlobEntry, range?: ByteRange): Promise<Readable> {
    return this.store.read(sessionId, entry.name, range);
  }

  async thumbnail(workspaceId: string, sessionId: string, rawName: string, thumb: string, time: string | undefined): Promise<Thumbnail> {
    const spec = parseThumbSpec(thumb, time);
    const { entry, mimeType } = await this.file(workspaceId, sessionId, rawName);
    return thumbnail(this.store, sessionId, entry, mimeType, spec, this.parser);
  }

  async delete(workspaceId: string, sessionId: string, rawName: string): Promise<void> {
    await this.sessions.require(workspaceId, sessionId);
    await this.store.delete(sessionId, requestName(rawName));
  }
}

function toFileInfo(sessionId: string, entry: BlobEntry): FileInfo {
  const encoded = entry.name.split("/").map(encodeURIComponent).join("/");
  return {
    name: entry.name,
    size: entry.size,
    modified: Math.floor(entry.modifiedMs / 1000),
    isDir: entry.isDir,
    url: `/api/sessions/${encodeURIComponent(sessionId)}/files/${encoded}`,
  };
}

/** Nested names are allowed in requests, so files the agent writes in folders can be served. */
function requestName(rawName: string): string {
  const name = decodePathOnce(rawName);
  checkRelativeName(name, { nested: true });
  return name;
}

/** Uploads land at the top of the session folder: only the base name of the client's name counts. */
export function uploadName(clientName: string): string {
  const base = clientName.split(/[\\/]/).at(-1) ?? "";
  checkRelativeName(base, { nested: false });
  return base;
}
