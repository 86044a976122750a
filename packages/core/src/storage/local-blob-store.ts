/**
 * The BlobStore driver on a local folder. Session files are in `<root>/<sessionId>/`, which a
 * sandbox may change at any time, so every access there goes through an opened and checked
 * folder (verified-folder). The store's own files live beside the sessions, where no sandbox
 * reaches: uploads being received in `<root>/.staging/` (the same filesystem, so moving one in
 * is a rename), thumbnails in `<root>/.cache/<sessionId>/thumbs/`. Session ids have no dots,
 * so those names never collide with a session.
 */
import { randomUUID } from "node:crypto";
import type { Stats } from "node:fs";
import { lchown, lstat, mkdir, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { badRequest, notFound } from "../errors/app-error";
import { moveFileInto, writeExclusive } from "./atomic-write";
import type { BlobEntry, BlobStore, ByteRange, WriteOptions } from "./blob-store";
import type { FileOwner } from "./file-owner";
import { openFileInside } from "./open-inside";
import { removeTree } from "./remove-tree";
import { checkRelativeName } from "./safe-path";
import { entryOf, isMissing, listFilesBelow, listTop, openOrNull } from "./session-listing";
import { Folder, type OpenFile } from "./verified-folder";

// Session ids come from the database, but the store never trusts a caller with a path.
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;
const STAGING = ".staging";
const CACHE = ".cache";

export interface LocalBlobStoreOptions {
  /** Owner of the session folders, uploads and folders the store creates (a root server, a sandbox user). */
  owner?: FileOwner | null;
}

export class LocalBlobStore implements BlobStore {
  private readonly root: string;
  private readonly owner: FileOwner | null;

  constructor(root: string, options: LocalBlobStoreOptions = {}) {
    this.root = path.resolve(root);
    this.owner = options.owner ?? null;
  }

  async list(sessionId: string): Promise<BlobEntry[]> {
    return this.inSession(sessionId, listTop);
  }

  async listFiles(sessionId: string): Promise<BlobEntry[]> {
    return this.inSession(sessionId, listFilesBelow);
  }

  async stat(sessionId: string, name: string): Promise<BlobEntry | null> {
    const info = await this.lstatAt(sessionId, name);
    if (!info) return null;
    if (info.isSymbolicLink()) throw isLink(name);
    if (!info.isFile() && !info.isDirectory()) throw badRequest(`'${name}' is not a regular file`);
    return entryOf(info, name);
  }

  async write(sessionId: string, name: string, source: Readable, options: WriteOptions): Promise<BlobEntry> {
    const dir = await this.ensureSessionDir(sessionId);
    // Before the body is read; moveFileInto checks again, on the folder it opened.
    if ((await this.lstatAt(sessionId, name))?.isDirectory()) throw badRequest(`'${name}' is a folder`);
    // Received aside and renamed in, so a failed or oversized upload never leaves a partial file
    // and never clobbers the file it was meant to replace.
    const staged = path.join(await this.ownDir(STAGING), `${randomUUID()}.part`);
    await writeExclusive(staged, source, { owner: this.owner, maxBytes: options.maxBytes });
    try {
      // A rename keeps the inode, so this is what lands in the session folder.
      const entry = entryOf(await stat(staged), name);
      await moveFileInto(dir, name, staged, { owner: this.owner });
      return entry;
    } catch (error) {
      await rm(staged, { force: true });
      throw writeError(error, name);
    }
  }

  async read(sessionId: string, name: string, range?: ByteRange): Promise<Readable> {
    const file = await this.openFile(sessionId, name);
    return file.handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async withLocalFile<T>(sessionId: string, name: string, use: (file: string) => Promise<T>): Promise<T> {
    // The path of the open, checked file: a path into the session folder could be swapped for a
    // link between the check and the moment ffmpeg opens it.
    const file = await this.openFile(sessionId, name);
    try {
      return await use(file.path);
    } finally {
      await file.handle.close();
    }
  }

  async delete(sessionId: string, name: string): Promise<void> {
    try {
      await this.atParent(sessionId, name, async (folder, last) => {
        const info = await lstat(folder.child(last));
        if (info.isDirectory()) throw badRequest(`'${name}' is a folder, not a file`);
        if (info.isSymbolicLink()) throw isLink(name);
        await unlink(folder.child(last));
      });
    } catch (error) {
      throw readError(error, name);
    }
  }

  async deleteAll(sessionId: string): Promise<void> {
    await removeTree(this.root, this.checkedId(sessionId));
    await rm(path.join(this.root, CACHE, sessionId), { recursive: true, force: true });
  }

  async cacheDir(sessionId: string): Promise<string> {
    return this.ownDir(CACHE, this.checkedId(sessionId), "thumbs");
  }

  /** The session's folder on this machine (the agent's tools work in it); not created here. */
  sessionDir(sessionId: string): string {
    return path.join(this.root, this.checkedId(sessionId));
  }

  private checkedId(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw badRequest("Invalid session id");
    return sessionId;
  }

  /** Created with mode 0700 and the owner; a folder that exists already is left as it is. */
  private async ensureSessionDir(sessionId: string): Promise<string> {
    const dir = this.sessionDir(sessionId);
    await mkdir(this.root, { recursive: true });
    try {
      await mkdir(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return dir;
      throw error;
    }
    // By path: the folder was just made in the storage root, which no sandbox can change.
    if (this.owner) await lchown(dir, this.owner.uid, this.owner.gid);
    return dir;
  }

  /** A folder of the store's own below the root, for the server's user only. */
  private async ownDir(...parts: string[]): Promise<string> {
    const dir = path.join(this.root, ...parts);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** [] when the session has no folder yet. */
  private async inSession(sessionId: string, list: (folder: Folder) => Promise<BlobEntry[]>): Promise<BlobEntry[]> {
    const folder = await openOrNull(() => Folder.openRoot(this.sessionDir(sessionId)));
    if (!folder) return [];
    try {
      return await list(folder);
    } finally {
      await folder.close();
    }
  }

  private async openFile(sessionId: string, name: string): Promise<OpenFile> {
    try {
      return await openFileInside(this.sessionDir(sessionId), name);
    } catch (error) {
      throw readError(error, name);
    }
  }

  /** Runs `use` with the opened and checked folder holding `name`, and the last part of the name. */
  private async atParent<T>(sessionId: string, name: string, use: (folder: Folder, last: string) => Promise<T>): Promise<T> {
    const segments = checkRelativeName(name, { nested: true });
    const last = segments.pop()!;
    const folder = await Folder.openBelow(this.sessionDir(sessionId), segments);
    try {
      return await use(folder, last);
    } finally {
      await folder.close();
    }
  }

  /** lstat of `name` through its checked parent; null when it, a parent or the session folder is missing. */
  private async lstatAt(sessionId: string, name: string): Promise<Stats | null> {
    try {
      return await this.atParent(sessionId, name, (folder, last) => lstat(folder.child(last)));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

const isLink = (name: string) => badRequest(`'${name}' is a link; links are not served`);

/** The request error for a failed read, stat or delete. */
function readError(error: unknown, name: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return notFound("File");
  if (code === "EISDIR") return badRequest(`'${name}' is a folder, not a file`);
  if (code === "ELOOP") return isLink(name);
  return error;
}

/** The request error for a failed upload. */
function writeError(error: unknown, name: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EISDIR") return badRequest(`'${name}' is a folder`);
  if (code === "ENOTDIR") return badRequest(`A part of '${name}' is a file, not a folder`);
  if (code === "ENOENT") return badRequest(`A folder in '${name}' is a link to a missing target`);
  return error;
}
