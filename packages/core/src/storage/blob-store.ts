/**
 * The storage port for session files: one folder of blobs per session. Names are relative to
 * the session folder and may contain `/`; drivers check them with safe-path before any I/O.
 */
import type { Readable } from "node:stream";

export interface BlobEntry {
  /** Relative to the session folder, `/`-separated. */
  name: string;
  size: number;
  modifiedMs: number;
  isDir: boolean;
}

export interface ByteRange {
  /** Both inclusive, as in an HTTP Range header. */
  start: number;
  end: number;
}

export interface WriteOptions {
  /** The write fails with 413 once the source yields more than this many bytes; nothing is kept. */
  maxBytes: number;
}

export interface BlobStore {
  /** Entries at the top of the session folder (the store's own folders hidden); [] when it has none. */
  list(sessionId: string): Promise<BlobEntry[]>;
  /**
   * Every file below the session folder, at any depth, with `/`-separated names. Hidden entries
   * (dot names, which include the store's own folders) and links are skipped.
   */
  listFiles(sessionId: string): Promise<BlobEntry[]>;
  /** The entry, or null when it does not exist. */
  stat(sessionId: string, name: string): Promise<BlobEntry | null>;
  /** Streams `source` into `name`, replacing an existing file only once the whole source is stored. */
  write(sessionId: string, name: string, source: Readable, options: WriteOptions): Promise<BlobEntry>;
  read(sessionId: string, name: string, range?: ByteRange): Promise<Readable>;
  /** Deletes a file; 404 when missing, 400 for a folder. */
  delete(sessionId: string, name: string): Promise<void>;
  /** Removes the session folder and everything in it; a no-op when there is none. */
  deleteAll(sessionId: string): Promise<void>;
  /**
   * A path on local disk holding the blob, for tools that need a seekable file (ffmpeg).
   * A remote driver would download to a temporary file here.
   */
  localPath(sessionId: string, name: string): Promise<string>;
  /** A local folder for files derived from the blobs (thumbnails), created on demand and never listed. */
  cacheDir(sessionId: string): Promise<string>;
}
