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
  /** Entries at the top of the session folder (links and legacy store folders hidden); [] when it has none. */
  list(sessionId: string): Promise<BlobEntry[]>;
  /**
   * Every file below the session folder, at any depth, with `/`-separated names. Hidden entries
   * (dot names) and links are skipped.
   */
  listFiles(sessionId: string): Promise<BlobEntry[]>;
  /** The entry, or null when it does not exist; 400 for a link (links are never served). */
  stat(sessionId: string, name: string): Promise<BlobEntry | null>;
  /** Streams `source` into `name`, replacing an existing file only once the whole source is stored. */
  write(sessionId: string, name: string, source: Readable, options: WriteOptions): Promise<BlobEntry>;
  /** 404 when missing; 400 for a folder, a link, or a file that resolves outside the session folder. */
  read(sessionId: string, name: string, range?: ByteRange): Promise<Readable>;
  /** Deletes a file; 404 when missing, 400 for a folder or a link. */
  delete(sessionId: string, name: string): Promise<void>;
  /** Removes the session folder and everything in it, and the session's cache; a no-op when there is none. */
  deleteAll(sessionId: string): Promise<void>;
  /**
   * Runs `use` with a path on local disk holding the blob, for tools that need a seekable file
   * (sharp, ffmpeg); the path is valid until `use` settles. A remote driver would download to a
   * temporary file here; the local one hands out the path of a file it holds open and checked,
   * since a path into the session folder could be swapped for a link before the tool opens it.
   */
  withLocalFile<T>(sessionId: string, name: string, use: (file: string) => Promise<T>): Promise<T>;
  /** A local folder for files derived from the blobs (thumbnails), created on demand, never listed, out of the sandbox's reach. */
  cacheDir(sessionId: string): Promise<string>;
}
