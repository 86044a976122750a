/** The BlobStore driver on a local folder: `<root>/<sessionId>/<name>`. */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, type Dirent } from "node:fs";
import { lstat, mkdir, readdir, rename, rm, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError, badRequest, notFound, payloadTooLarge } from "../errors/app-error";
import type { BlobEntry, BlobStore, ByteRange, WriteOptions } from "./blob-store";
import { RESERVED_NAMES, resolveInside } from "./safe-path";

// Session ids come from the database, but the store never trusts a caller with a path.
const SESSION_ID = /^[A-Za-z0-9_-]{1,128}$/;

export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  async list(sessionId: string): Promise<BlobEntry[]> {
    const dir = this.sessionDir(sessionId);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const entries = await Promise.all(
      names.filter((name) => !RESERVED_NAMES.has(name)).map((name) => this.listedEntry(dir, name)),
    );
    return entries.filter((entry): entry is BlobEntry => entry !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  async listFiles(sessionId: string): Promise<BlobEntry[]> {
    const files: BlobEntry[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      let children: Dirent[];
      try {
        children = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isMissing(error)) return;
        throw error;
      }
      for (const child of children) {
        if (child.name.startsWith(".")) continue;
        const name = prefix + child.name;
        if (child.isDirectory()) await walk(path.join(dir, child.name), `${name}/`);
        else if (child.isFile()) {
          const entry = await this.entryAt(path.join(dir, child.name), name);
          if (entry) files.push(entry);
        }
      }
    };
    await walk(this.sessionDir(sessionId), "");
    return files.sort((a, b) => a.name.localeCompare(b.name));
  }

  async stat(sessionId: string, name: string): Promise<BlobEntry | null> {
    const file = await this.resolve(sessionId, name);
    return file ? this.entryAt(file, name) : null;
  }

  async write(sessionId: string, name: string, source: Readable, options: WriteOptions): Promise<BlobEntry> {
    const dir = await this.ensureSessionDir(sessionId);
    const target = await resolveInside(dir, name, { nested: true });
    const existing = await this.entryAt(target, name);
    if (existing?.isDir) throw badRequest(`'${name}' is a folder`);
    // Written aside and renamed in, so a failed or oversized upload never leaves a partial file
    // and never clobbers the file it was meant to replace.
    const uploads = path.join(dir, ".uploads");
    await mkdir(uploads, { recursive: true });
    const temp = path.join(uploads, `${randomUUID()}.part`);
    try {
      await pipeline(source, byteCap(options.maxBytes), createWriteStream(temp, { flags: "wx" }));
      await mkdir(path.dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return (await this.entryAt(target, name))!;
  }

  async read(sessionId: string, name: string, range?: ByteRange): Promise<Readable> {
    const file = await this.requireFile(sessionId, name);
    return createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async delete(sessionId: string, name: string): Promise<void> {
    await unlink(await this.requireFile(sessionId, name));
  }

  async deleteAll(sessionId: string): Promise<void> {
    await rm(this.sessionDir(sessionId), { recursive: true, force: true });
  }

  async localPath(sessionId: string, name: string): Promise<string> {
    return this.requireFile(sessionId, name);
  }

  async cacheDir(sessionId: string): Promise<string> {
    const dir = path.join(await this.ensureSessionDir(sessionId), ".thumbs");
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The session's folder on this machine (the agent's tools work in it); not created here. */
  sessionDir(sessionId: string): string {
    if (!SESSION_ID.test(sessionId)) throw badRequest("Invalid session id");
    return path.join(this.root, sessionId);
  }

  private async ensureSessionDir(sessionId: string): Promise<string> {
    const dir = this.sessionDir(sessionId);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The checked absolute path, or null when the session has no folder yet. */
  private async resolve(sessionId: string, name: string): Promise<string | null> {
    const dir = this.sessionDir(sessionId);
    try {
      await lstat(dir);
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    return resolveInside(dir, name, { nested: true });
  }

  private async requireFile(sessionId: string, name: string): Promise<string> {
    const file = await this.resolve(sessionId, name);
    const entry = file ? await this.entryAt(file, name) : null;
    if (!file || !entry) throw notFound("File");
    if (entry.isDir) throw badRequest(`'${name}' is a folder, not a file`);
    return file;
  }

  /** Null for an entry that is not servable (a link leading outside, a name with control characters). */
  private async listedEntry(dir: string, name: string): Promise<BlobEntry | null> {
    try {
      return await this.entryAt(await resolveInside(dir, name, { nested: false }), name);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) return null;
      throw error;
    }
  }

  private async entryAt(file: string, name: string): Promise<BlobEntry | null> {
    try {
      const info = await stat(file);
      return { name, size: info.isDirectory() ? 0 : info.size, modifiedMs: info.mtimeMs, isDir: info.isDirectory() };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }
}

function byteCap(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) return callback(payloadTooLarge(`File exceeds the limit of ${maxBytes} bytes`));
      callback(null, chunk);
    },
  });
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
